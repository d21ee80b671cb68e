// Recipient lists as agents type them, and which of them mail cannot reach.
import type { Unreachable } from "../types";

/**
 * Addresses separated by commas, semicolons or blanks. A quoted local part keeps what is
 * inside its quotes (``"john smith"@example.com`` is one address, not two).
 */
export function splitAddresses(text: string): string[] {
  const found: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted && ch === "\\" && i + 1 < text.length) {
      current += ch + text[++i];
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (!quoted && /[,;\s]/.test(ch)) {
      if (current) found.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  if (current) found.push(current);
  return found;
}

/** The recipients known to be unreachable, with the reason; addresses compared lower-cased
 * (NFC), as the API stores them. */
export function unreachableAmong(addresses: string[], known: Unreachable): [string, string][] {
  const reasons = new Map(Object.entries(known).map(([a, r]) => [a.normalize("NFC").toLowerCase(), r]));
  const seen = new Set<string>();
  const out: [string, string][] = [];
  for (const address of addresses) {
    const key = address.normalize("NFC").toLowerCase();
    const reason = reasons.get(key);
    if (reason !== undefined && !seen.has(key)) {
      seen.add(key);
      out.push([address, reason]);
    }
  }
  return out;
}
