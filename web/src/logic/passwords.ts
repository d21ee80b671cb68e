// A new password under the user pool's policy (chalicelib/domain/passwords.py, infra's
// PasswordPolicy): checked here so the form can say what is missing before it is sent.
import type { Key } from "../i18n";

export const MIN_LENGTH = 12;
const SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

/** What keeps `password` (typed again as `repeat`) from being accepted, as message keys. */
export function passwordProblems(password: string, repeat: string): Key[] {
  const problems: Key[] = [];
  if (password.length < MIN_LENGTH) problems.push("password.tooShort");
  if (!/\p{Ll}/u.test(password)) problems.push("password.lower");
  if (!/\p{Lu}/u.test(password)) problems.push("password.upper");
  if (!/\d/.test(password)) problems.push("password.digit");
  if (![...password].some((c) => SYMBOLS.includes(c))) problems.push("password.symbol");
  if (password !== repeat) problems.push("password.mismatch");
  return problems;
}

/** A TOTP secret in groups of four, as authenticator apps show and take it. */
export function groupedSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, "$1 ");
}
