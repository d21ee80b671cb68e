// Where the app opens (issue 15): the first inbox with work in it, from the counts the inbox
// sidebar loads anyway, not an empty personal inbox while a pool fills up.
import type { Inbox } from "../../types";

/** The agent's own inbox if anything is in it; else the first unassigned pool with tickets
 * (the sidebar's order: groups, then response points); else any inbox with tickets; else the
 * agent's own. */
export function landingInbox(inboxes: Inbox[], userId: string): string {
  const own = `agent:${userId}`;
  const waiting = inboxes.filter((i) => i.count > 0);
  const pick = waiting.find((i) => i.id === own)
    ?? waiting.find((i) => i.kind === "pool-group")
    ?? waiting.find((i) => i.kind === "pool-rp")
    ?? waiting[0];
  return pick?.id ?? own;
}
