// Issue 15: choosing rows of a ticket list for bulk work: one box, all of them, a range
// with Shift (from the last box clicked, in the order the list shows).

/** ``chosen`` with ``ids`` put in (on) or taken out (off); a new set, the old one untouched. */
export function withChosen(chosen: ReadonlySet<string>, ids: string[], on: boolean): Set<string> {
  const next = new Set(chosen);
  for (const id of ids) {
    if (on) next.add(id);
    else next.delete(id);
  }
  return next;
}

/** The ids from ``anchor`` to ``target`` inclusive, in ``order``; just the target when the
 *  anchor is gone from the list (re-sorted away, another list). */
export function rangeOf(order: string[], anchor: string | null, target: string): string[] {
  const to = order.indexOf(target);
  const from = anchor === null ? -1 : order.indexOf(anchor);
  if (to < 0) return [];
  if (from < 0) return [target];
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  return order.slice(lo, hi + 1);
}

/** The header box: all (checked), some (mixed) or none of the list's rows chosen. */
export function allState(order: string[], chosen: ReadonlySet<string>): "all" | "some" | "none" {
  let n = 0;
  for (const id of order) if (chosen.has(id)) n++;
  if (n === 0) return "none";
  return n === order.length ? "all" : "some";
}

/** Only the chosen ids still in the list (after a reload or a move, the rest are gone). */
export function keepListed(chosen: ReadonlySet<string>, order: string[]): Set<string> {
  const listed = new Set(order);
  return new Set([...chosen].filter((id) => listed.has(id)));
}
