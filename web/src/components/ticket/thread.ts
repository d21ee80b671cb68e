// The conversation's order (issue 15): it opens with the customer's request, and runs of
// system events (changes to the ticket, not messages) are folded into one line.
import type { TicketEvent } from "../../types";

/** What people wrote or were sent: always shown, never folded. */
const CONVERSATION = new Set([
  "message_in", "message_out", "note", "consultation_sent", "consultation_reminded", "external_answer",
]);
/** Changes that ask for attention (why a trigger acted, a missed target, a reopening with its
 * reason, a link to another ticket): shown on their own line even among system events. */
const NOTEWORTHY = new Set([
  "trigger_fired", "sla_breached", "reopened", "linked", "closed_by_parent",
  "consultation_unanswered", "consultation_cancelled",
]);

export const isSystemEvent = (event: TicketEvent): boolean =>
  !CONVERSATION.has(event.type) && !NOTEWORTHY.has(event.type);

/** The request the thread opens with: the customer's first message, or the description an
 * agent typed when they entered the ticket (or none: an empty description and no mail). */
export type Request =
  | { kind: "message"; event: TicketEvent }
  | { kind: "description"; text: string; at: string; actor: string };

export type ThreadItem =
  | { kind: "event"; event: TicketEvent }
  /** ``open``: the run is the newest thing on the ticket (nothing said after it), so it starts
   * unfolded: what just changed is in view; it folds like the others. */
  | { kind: "folded"; key: string; events: TicketEvent[]; open: boolean };

export interface Thread { request: Request | null; items: ThreadItem[] }

/** A run of at least this many system events in a row becomes one line. */
export const FOLD_AT = 2;

export function requestOf(events: TicketEvent[], description: string): Request | null {
  // The first message in is the request when nothing was said before it (a mail ticket);
  // a ticket an agent entered (first an answer or a note, or no mail at all) opens with its description.
  const first = events.find((e) => CONVERSATION.has(e.type));
  if (first && first.type === "message_in") return { kind: "message", event: first };
  if (!description.trim()) return null;
  const created = events.find((e) => e.type === "created");
  return { kind: "description", text: description, at: created?.at ?? events[0]?.at ?? "", actor: created?.actor ?? "" };
}

export function threadOf(events: TicketEvent[], description: string): Thread {
  const request = requestOf(events, description);
  const rest = request?.kind === "message" ? events.filter((e) => e.id !== request.event.id) : events;
  const items: ThreadItem[] = [];
  let run: TicketEvent[] = [];
  const flush = (last = false) => {
    if (run.length >= FOLD_AT) items.push({ kind: "folded", key: run[0].id, events: run, open: last });
    else for (const event of run) items.push({ kind: "event", event });
    run = [];
  };
  for (const event of rest) {
    if (isSystemEvent(event)) {
      run.push(event);
      continue;
    }
    flush();
    items.push({ kind: "event", event });
  }
  flush(true);
  return { request, items };
}
