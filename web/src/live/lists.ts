// Which open list a change concerns (issue 15). A list shows one inbox: an agent's, a group's
// (or its unassigned pool), a response point's (or its pool). A change concerns the list when
// the ticket is on it now (it may leave), or when its agent or group after the change is the
// inbox's (it may arrive). A response point's inbox cannot tell from a notice (notices carry no
// response point): it refreshes on every change; its refresh is a 304 when nothing of it moved.
import { ANY, type TicketChange } from ".";

export const REFRESH_DEBOUNCE_MS = 150;

export function concerns(change: TicketChange, inboxId: string, shown: Set<string>): boolean {
  if (change.id === ANY || shown.has(change.id)) return true;
  const [kind, id] = [inboxId.slice(0, inboxId.indexOf(":")), inboxId.slice(inboxId.indexOf(":") + 1)];
  if (kind === "agent") return change.agent_id === id;
  if (kind === "group" || kind === "pool-group") return change.group_id === id;
  return true; // rp, pool-rp, and any kind added later
}
