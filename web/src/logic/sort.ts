// Sorting a ticket list on the page (the server orders inboxes by priority, then age).
import type { Ticket } from "../types";

export type SortColumn = "number" | "title" | "contact" | "status" | "priority" | "age";
export type SortDir = "asc" | "desc";
export interface Sort { column: SortColumn; dir: SortDir }

const PRIORITY_RANK = { high: 0, medium: 1, low: 2 } as const;
const STATUS_RANK = {
  new: 0, open: 1, with_contact: 2, with_external: 3, dormant: 4, dormant_until: 5, resolved: 6, closed: 7,
} as const;

export function sortTickets(items: Ticket[], sort: Sort | null, contactName: (t: Ticket) => string): Ticket[] {
  if (!sort) return items;
  const key = (t: Ticket): string | number => {
    switch (sort.column) {
      case "number": return t.number;
      case "title": return t.title.toLocaleLowerCase();
      case "contact": return contactName(t).toLocaleLowerCase();
      case "status": return STATUS_RANK[t.status];
      case "priority": return PRIORITY_RANK[t.priority];
      case "age": return -Date.parse(t.created_at); // ascending age: the youngest first
    }
  };
  const sign = sort.dir === "asc" ? 1 : -1;
  return [...items].sort((a, b) => {
    const ka = key(a), kb = key(b);
    const order = typeof ka === "number" && typeof kb === "number" ? ka - kb : String(ka).localeCompare(String(kb));
    return order === 0 ? a.number - b.number : sign * order;
  });
}

export function nextSort(current: Sort | null, column: SortColumn): Sort {
  if (current?.column === column) return { column, dir: current.dir === "asc" ? "desc" : "asc" };
  return { column, dir: "asc" };
}
