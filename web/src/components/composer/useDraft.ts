// The text of one composer, kept as a draft per user, ticket and kind (logic/drafts.ts).
import { useRef, useState } from "preact/hooks";
import { session } from "../../api";
import { browserStore, type DraftKind, loadDraft, pruneDrafts, removeDraft, saveDraft } from "../../logic/drafts";

let pruned = false; // expired drafts (30 days) go once per page load, at the first composer

export interface DraftState {
  text: string;
  setText: (next: string | ((before: string) => string)) => void;
  /** When the draft shown was kept (a restored draft), or null for text typed now. */
  restoredAt: string | null;
  /** After a successful send, or a discard: the text and the kept draft go. */
  clear: () => void;
}

export function useDraft(ticketId: string, kind: DraftKind): DraftState {
  const userId = session.get()?.user.id ?? "";
  if (!pruned) pruned = pruneDrafts(browserStore()) >= 0;
  const [restored] = useState(() => loadDraft(browserStore(), userId, ticketId, kind));
  const [text, setTextState] = useState(restored?.text ?? "");
  const [restoredAt, setRestoredAt] = useState<string | null>(restored?.saved_at ?? null);
  // Kept at once, not in an effect: a ticket switch can unmount the composer before an
  // effect would run, and the last keystrokes would be lost.
  const current = useRef(text);
  return {
    text,
    restoredAt,
    setText: (next) => {
      const value = typeof next === "function" ? next(current.current) : next;
      current.current = value;
      setTextState(value);
      saveDraft(browserStore(), userId, ticketId, kind, value);
    },
    clear: () => {
      current.current = "";
      removeDraft(browserStore(), userId, ticketId, kind);
      setTextState("");
      setRestoredAt(null);
    },
  };
}
