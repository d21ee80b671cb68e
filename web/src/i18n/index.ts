// Message catalogues sv/en, the current language, and dates in the user's locale.
import { Store } from "../store";
import type { Lang } from "../types";
import { en } from "./en";
import { sv } from "./sv";

export type Key = keyof typeof sv;
export const catalogues: Record<Lang, Record<Key, string>> = { sv, en };
// The organisation's time zone (Settings.time_zone, from the directory): every time is shown in it.
let timeZone = "Europe/Stockholm";
export function setTimeZone(zone: string): void {
  if (zone && zone !== timeZone) {
    timeZone = zone;
    formats.clear();
  }
}
export function currentTimeZone(): string {
  return timeZone;
}
const LOCALES: Record<Lang, string> = { sv: "sv-SE", en: "en-GB" };
const LANG_KEY = "servit.lang";

function initialLanguage(): Lang {
  const saved = typeof localStorage !== "undefined" ? localStorage.getItem(LANG_KEY) : null;
  if (saved === "sv" || saved === "en") return saved;
  return typeof navigator !== "undefined" && navigator.language?.startsWith("en") ? "en" : "sv";
}

export const language = new Store<Lang>(initialLanguage());

export function setLanguage(lang: Lang): void {
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang;
  language.set(lang);
}

/** The text for a key; {name} placeholders filled from params. A missing key shows as ⟦key⟧. */
export function t(key: Key, params?: Record<string, string | number>): string {
  const text = catalogues[language.get()][key] ?? `⟦${key}⟧`;
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function hasKey(key: string): key is Key {
  return key in sv;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function format(kind: "datetime" | "date"): Intl.DateTimeFormat {
  const id = `${language.get()}:${kind}`;
  let found = formats.get(id);
  if (!found) {
    found = new Intl.DateTimeFormat(LOCALES[language.get()], {
      timeZone,
      dateStyle: "medium",
      ...(kind === "datetime" ? { timeStyle: "short" } : {}),
    });
    formats.set(id, found);
  }
  return found;
}

export function fmtDateTime(iso: string | null | undefined): string {
  return iso ? format("datetime").format(new Date(iso)) : "";
}

export function fmtDate(iso: string | null | undefined): string {
  return iso ? format("date").format(new Date(iso)) : "";
}

export function fmtNumber(n: number): string {
  return new Intl.NumberFormat(LOCALES[language.get()]).format(n);
}
