// Sorting a ticket list on the page (the server orders inboxes by priority, then age).
import type { Ticket } from "../types";

export type SortColumn =
  | "number" | "title" | "contact" | "status" | "priority" | "age"
  // issue 15: the SLA due time (no due time last), last change, group and agent by name
  | "sla" | "updated" | "group" | "agent";
export type SortDir = "asc" | "desc";
export interface Sort { column: SortColumn; dir: SortDir }

const PRIORITY_RANK = { high: 0, medium: 1, low: 2 } as const;
const STATUS_RANK = {
  new: 0, open: 1, with_contact: 2, with_external: 3, dormant: 4, dormant_until: 5, resolved: 6, closed: 7,
} as const;

// One collator for every comparison: String.prototype.localeCompare builds one per call,
// which made a re-sort of 500 titles cost tens of milliseconds. Same rules as before
// (the browser's locale, lower-cased text), so the order is unchanged.
let collator: Intl.Collator | null = null;

/**
 * ``items`` in the order ``sort`` asks for; ties (and unknown keys) by ticket number.
 * Each ticket's key is worked out once (decorate, sort, undecorate), not in every comparison.
 */
export function sortTickets(
  items: Ticket[], sort: Sort | null, contactName: (t: Ticket) => string,
  names: { group?: (t: Ticket) => string; agent?: (t: Ticket) => string; slaDue?: (t: Ticket) => string | null } = {},
): Ticket[] {
  if (!sort) return items;
  const sign = sort.dir === "asc" ? 1 : -1;
  const texts: Partial<Record<SortColumn, (t: Ticket) => string>> = {
    title: (t) => t.title, contact: contactName, group: names.group, agent: names.agent,
  };
  const text = texts[sort.column];
  if (text) {
    const compare = (collator ??= new Intl.Collator()).compare;
    const keyed = items.map((t) => ({ t, k: text(t).toLocaleLowerCase() }));
    keyed.sort((a, b) => sign * compare(a.k, b.k) || a.t.number - b.t.number);
    return keyed.map((x) => x.t);
  }
  const key = (t: Ticket): number => {
    switch (sort.column) {
      case "number": return t.number;
      case "status": return STATUS_RANK[t.status];
      case "priority": return PRIORITY_RANK[t.priority];
      case "updated": return Date.parse(t.updated_at);
      case "sla": {
        const due = names.slaDue?.(t);
        return due ? Date.parse(due) : Number.MAX_SAFE_INTEGER; // the nearest due first
      }
      default: return -Date.parse(t.created_at); // ascending age: the youngest first
    }
  };
  const keyed = items.map((t) => ({ t, k: key(t) }));
  keyed.sort((a, b) => sign * (a.k - b.k) || a.t.number - b.t.number);
  return keyed.map((x) => x.t);
}

export function nextSort(current: Sort | null, column: SortColumn): Sort {
  if (current?.column === column) return { column, dir: current.dir === "asc" ? "desc" : "asc" };
  return { column, dir: "asc" };
}
