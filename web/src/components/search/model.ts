// issue 15: the top-bar search's data (GET /api/search) and the pure rules of its list.
import { href } from "../../logic/route";

export interface TicketHit { id: string; number: number; title: string; status: string; priority: string; updated_at: string }
export interface ContactHit { id: string; name: string; email: string; phone: string; organisation_id: string; organisation: string }
export interface OrganisationHit { id: string; name: string; org_number: string; domain: string }
export interface SearchAnswer {
  tickets: TicketHit[];
  contacts: ContactHit[];
  organisations: OrganisationHit[];
  more: { tickets?: boolean; contacts?: boolean; organisations?: boolean };
}

export type Group = "tickets" | "contacts" | "organisations";
export const GROUPS: Group[] = ["tickets", "contacts", "organisations"];

/** One row of the list: where Enter (or a click) goes. */
export interface Option { id: string; group: Group | "all"; to: string }

export const MAX_CHARS = 200; // the API's limit
export const DEBOUNCE_MS = 180;

/** Worth asking the API: two characters, or a ticket number ("7", "#7"). */
export function shouldSearch(text: string): boolean {
  const typed = text.trim();
  return typed.length >= 2 || /^#?\d+$/.test(typed);
}

export function searchPath(text: string, limit: number): string {
  return `/api/search?q=${encodeURIComponent(text.slice(0, MAX_CHARS))}&limit=${limit}`;
}

export const seeAllHref = (text: string) => `#/find?q=${encodeURIComponent(text.trim())}`;

export function hitHref(group: Group, id: string): string {
  if (group === "tickets") return href.ticket(id);
  if (group === "contacts") return href.contact(id);
  return href.organisation(id);
}

/** Every row in list order (tickets, contacts, organisations, then "see all"). */
export function options(answer: SearchAnswer | null, text: string, prefix: string): Option[] {
  const rows: Option[] = [];
  if (answer) {
    for (const group of GROUPS) {
      for (const hit of answer[group]) rows.push({ id: `${prefix}-${group}-${hit.id}`, group, to: hitHref(group, hit.id) });
    }
  }
  if (shouldSearch(text)) rows.push({ id: `${prefix}-all`, group: "all", to: seeAllHref(text) });
  return rows;
}

export function total(answer: SearchAnswer | null): number {
  return answer ? answer.tickets.length + answer.contacts.length + answer.organisations.length : 0;
}

/** Arrow keys move through the rows and wrap; -1 means none is active. */
export function moveActive(current: number, count: number, key: "ArrowDown" | "ArrowUp" | "Home" | "End"): number {
  if (count === 0) return -1;
  if (key === "Home") return 0;
  if (key === "End") return count - 1;
  if (key === "ArrowDown") return current < 0 || current >= count - 1 ? 0 : current + 1;
  return current <= 0 ? count - 1 : current - 1;
}

/** The query of the see-all screen's address (#/find?q=...). */
export function queryOf(hash: string): string {
  const mark = hash.indexOf("?");
  if (mark < 0) return "";
  return new URLSearchParams(hash.slice(mark + 1)).get("q") ?? "";
}
