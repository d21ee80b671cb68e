// What the current user may do with a ticket: the status moves the domain allows,
// and nothing that the lock or the role would make fail.
import type { Directory, Role, Status, Ticket, User } from "../types";

export function canOverrideLock(user: Pick<User, "roles">): boolean {
  return user.roles.some((r: Role) => r === "admin" || r === "dispatcher");
}

/** Locked by someone else (and the user may not override): show who, offer nothing that would fail. */
export function lockedByOther(ticket: Ticket, user: User, now: Date): boolean {
  if (!ticket.lock || ticket.lock.by === user.id) return false;
  if (Date.parse(ticket.lock.until) <= now.getTime()) return false;
  return !canOverrideLock(user);
}

export function statusMoves(ticket: Ticket, moves: Directory["status_moves"]): Status[] {
  return moves[ticket.status] ?? [];
}

export function canReopen(ticket: Ticket): boolean {
  return ticket.status === "resolved" || ticket.status === "closed";
}

export function isOpen(ticket: Ticket): boolean {
  return ticket.status !== "resolved" && ticket.status !== "closed";
}

export function canPick(ticket: Ticket, user: User, now: Date): boolean {
  return isOpen(ticket) && !lockedByOther(ticket, user, now) && ticket.lock?.by !== user.id;
}

export function canRelease(ticket: Ticket, user: User, now: Date): boolean {
  if (!ticket.lock || Date.parse(ticket.lock.until) <= now.getTime()) return false;
  return ticket.lock.by === user.id || canOverrideLock(user);
}

export function isHidden(field: string, directory: Pick<Directory, "hidden_fields">): boolean {
  return directory.hidden_fields.includes(field);
}
