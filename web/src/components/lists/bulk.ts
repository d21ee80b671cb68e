// Issue 15: the bulk API (POST /api/tickets/bulk and /bulk/undo) and what the UI makes of it.
import { api } from "../../api";
import type { Priority, Status, Ticket } from "../../types";

export interface BulkChanges { agent_id?: string | null; group_id?: string | null; status?: Status; priority?: Priority }
export interface BulkResult {
  id: string;
  ok: boolean;
  number?: number;
  version?: number;
  ticket?: Ticket;
  before?: BulkChanges;
  error?: string;
  message?: string;
  locked_by?: string;
}
interface BulkAnswer { results: BulkResult[]; done: number; refused: number }

/** The server takes at most this many ids a request; more are sent in turns. */
export const MAX_IDS = 100;

function chunks<T>(items: T[], size = MAX_IDS): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export async function bulkChange(ids: string[], changes: BulkChanges): Promise<BulkResult[]> {
  const results: BulkResult[] = [];
  for (const part of chunks(ids)) {
    const answer = await api<BulkAnswer>("POST", "/api/tickets/bulk", { ids: part, changes });
    results.push(...answer.results);
  }
  return results;
}

/** What an undo sends back: each changed ticket's version after the change, and its earlier values. */
export function undoItems(results: BulkResult[]): { id: string; version: number; changes: BulkChanges }[] {
  return results
    .filter((r) => r.ok && r.before && r.version !== undefined && Object.keys(r.before).length)
    .map((r) => ({ id: r.id, version: r.version as number, changes: r.before as BulkChanges }));
}

export async function bulkUndo(results: BulkResult[]): Promise<BulkResult[]> {
  const out: BulkResult[] = [];
  for (const part of chunks(undoItems(results))) {
    const answer = await api<BulkAnswer>("POST", "/api/tickets/bulk/undo", { items: part });
    out.push(...answer.results);
  }
  return out;
}

/** The changes the form asks for: only the fields set ("" = unchanged; "-" = nobody). */
export function changesFrom(form: { group: string; agent: string; status: string; priority: string }): BulkChanges {
  const changes: BulkChanges = {};
  if (form.group) changes.group_id = form.group;
  if (form.agent) changes.agent_id = form.agent === "-" ? null : form.agent;
  if (form.status) changes.status = form.status as Status;
  if (form.priority) changes.priority = form.priority as Priority;
  return changes;
}

/** Agents to offer: members of the chosen group, else of the one group all chosen tickets
 *  share, else every active user. */
export function agentsFor<U extends { id: string; groups: string[]; active: boolean }>(
  users: U[], group: string, chosenGroups: (string | null)[],
): U[] {
  const active = users.filter((u) => u.active);
  const shared = new Set(chosenGroups);
  const only = group || (shared.size === 1 ? [...shared][0] : null);
  return only ? active.filter((u) => u.groups.includes(only)) : active;
}
