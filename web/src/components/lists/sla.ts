// Issue 15: the SLA-due column: the ticket's next unmet due time, and how near it is.
import type { Ticket } from "../../types";

export type SlaLevel = "ok" | "warn" | "breached" | "paused";
export interface SlaDue {
  due: string;
  target: "first_response" | "resolution";
  level: SlaLevel;
  /** Minutes until due (negative: overdue by that much). */
  minutes: number;
}

const HOUR_MS = 3_600_000;

/**
 * The next due time the ticket has not met: the first response until one was sent, then
 * the resolution until it is resolved; null when none is running (no targets, or met).
 * Warn when what is left is within an hour or within a quarter of the whole target,
 * whichever is later (a 1-h target warns at 15 min, a 2-day target at 1 h); breached once
 * past (or when the server has recorded the breach).
 */
export function slaDue(ticket: Ticket, now: Date): SlaDue | null {
  const sla = ticket.sla;
  if (!sla || ticket.status === "resolved" || ticket.status === "closed") return null;
  let due: string | null = null;
  let target: SlaDue["target"] = "resolution";
  if (!sla.first_response_at && sla.first_response_due) {
    due = sla.first_response_due;
    target = "first_response";
  } else if (sla.resolution_due) {
    due = sla.resolution_due;
  }
  if (!due) return null;
  const left = Date.parse(due) - now.getTime();
  const minutes = Math.round(left / 60_000);
  // Paused (waiting on the customer, S12): the due time moves on when the clock runs again.
  if (sla.paused_since) return { due, target, level: "paused", minutes };
  if (left <= 0) return { due, target, level: "breached", minutes };
  const whole = Date.parse(due) - Date.parse(ticket.created_at);
  const threshold = whole > 0 ? Math.min(HOUR_MS, whole / 4) : HOUR_MS;
  return { due, target, level: left <= threshold ? "warn" : "ok", minutes };
}

/** A duration in the largest whole unit, as the age column shows it. */
export function spanOf(minutes: number): { n: number; unit: "min" | "h" | "d" } {
  const m = Math.abs(minutes);
  if (m < 60) return { n: m, unit: "min" };
  const h = Math.floor(m / 60);
  if (h < 48) return { n: h, unit: "h" };
  return { n: Math.floor(h / 24), unit: "d" };
}
