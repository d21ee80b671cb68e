// Issue 15: the ticket list's columns, which ones each user has chosen (kept in this
// browser per user), and the order narrow lists drop them in.
import { Store } from "../../store";

export type ColumnId =
  | "number" | "title" | "contact" | "status" | "priority" | "sla" | "updated" | "age" | "group" | "agent" | "lock";

/** Every column in display order. Number and title are always shown. */
export const ALL_COLUMNS: ColumnId[] = [
  "number", "title", "contact", "status", "priority", "sla", "updated", "age", "group", "agent", "lock",
];
export const FIXED: ColumnId[] = ["number", "title"];
/** What a user sees before choosing: the triage set (the group column only where a list spans groups). */
export const DEFAULT_COLUMNS: ColumnId[] = [
  "number", "title", "contact", "status", "priority", "sla", "updated", "age", "group", "lock",
];
/** Narrow lists drop columns in this order (first dropped first): styles in lists.css, by the
 *  list's own width (container queries), so title and contact stay readable. */
export const DROP_ORDER: ColumnId[] = ["age", "agent", "updated", "group", "priority", "status", "sla"];

const KEY = "servit:list-columns:";

export function loadColumns(userId: string, storage: Pick<Storage, "getItem"> = localStorage): ColumnId[] {
  try {
    const raw = storage.getItem(KEY + userId);
    if (!raw) return DEFAULT_COLUMNS;
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return DEFAULT_COLUMNS;
    const known = parsed.filter((c): c is ColumnId => ALL_COLUMNS.includes(c as ColumnId));
    return normalise(known);
  } catch {
    return DEFAULT_COLUMNS; // a broken entry is no reason to show no list
  }
}

export function saveColumns(userId: string, columns: ColumnId[], storage: Pick<Storage, "setItem"> = localStorage): ColumnId[] {
  const kept = normalise(columns);
  try {
    storage.setItem(KEY + userId, JSON.stringify(kept));
  } catch {
    // Private mode or a full quota: the choice holds until the page is left.
  }
  return kept;
}

/** The chosen columns in display order, with the fixed ones always there. */
export function normalise(columns: ColumnId[]): ColumnId[] {
  const set = new Set<ColumnId>([...FIXED, ...columns]);
  return ALL_COLUMNS.filter((c) => set.has(c));
}

export function toggleColumn(columns: ColumnId[], column: ColumnId, on: boolean): ColumnId[] {
  if (FIXED.includes(column)) return normalise(columns);
  return normalise(on ? [...columns, column] : columns.filter((c) => c !== column));
}

/** The columns a list draws: the user's choice, less the group column where every row is
 *  of one group (an inbox of one group says it in its heading). */
export function shownColumns(chosen: ColumnId[], spansGroups: boolean): ColumnId[] {
  return chosen.filter((c) => c !== "group" || spansGroups);
}

/** The signed-in user's choice, shared by every list on the page. */
export const chosenColumns = new Store<{ user: string; columns: ColumnId[] }>({ user: "", columns: DEFAULT_COLUMNS });

export function columnsFor(userId: string): ColumnId[] {
  const current = chosenColumns.get();
  if (current.user !== userId) chosenColumns.set({ user: userId, columns: loadColumns(userId) });
  return chosenColumns.get().columns;
}

export function chooseColumns(userId: string, columns: ColumnId[]): void {
  chosenColumns.set({ user: userId, columns: saveColumns(userId, columns) });
}
