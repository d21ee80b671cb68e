// Issue 15: the chosen rows of one list, kept to the rows the list still holds.
import { useEffect, useState } from "preact/hooks";
import type { Ticket } from "../../types";
import { keepListed, withChosen } from "./selection";

export function useChosen(items: Ticket[], listKey: string): {
  chosen: Set<string>; onChoose: (ids: string[], on: boolean) => void; clear: () => void;
} {
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  // Another list: nothing chosen. The same list reloaded: the rows it no longer holds drop out.
  useEffect(() => setChosen(new Set()), [listKey]);
  useEffect(() => setChosen((before) => (before.size ? keepListed(before, items.map((x) => x.id)) : before)), [items]);
  return {
    chosen,
    onChoose: (ids, on) => setChosen((before) => withChosen(before, ids, on)),
    clear: () => setChosen(new Set()),
  };
}
