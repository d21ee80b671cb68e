// Keyboard shortcuts for the common moves; listed on the help overlay.

export type Action =
  | "next" | "previous" | "reply" | "note" | "pick" | "release" | "pickNext" | "help" | "close" | "search"
  | "statusAfterSend" | "status";

export const SHORTCUTS: { keys: string; action: Action }[] = [
  { keys: "j", action: "next" },
  { keys: "k", action: "previous" },
  { keys: "r", action: "reply" },
  { keys: "n", action: "note" },
  { keys: "p", action: "pick" },
  { keys: "u", action: "release" },
  { keys: "g", action: "pickNext" },
  // issue 15: the status chosen to go with the reply, and the ticket's own status (no reply)
  { keys: "s", action: "statusAfterSend" },
  { keys: "S", action: "status" },
  { keys: "/", action: "search" }, // issue 15: focus the top-bar search
  { keys: "?", action: "help" },
  { keys: "Escape", action: "close" },
];

interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
}

function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== "string") return false;
  return ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName) || el.isContentEditable === true;
}

/** The action a key press means, or null (typing in a field, or a modified key). */
export function actionFor(event: KeyLike): Action | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  if (event.key === "Escape") return "close";
  if (typing(event.target)) return null;
  return SHORTCUTS.find((s) => s.keys === event.key)?.action ?? null;
}

// issue 15: keys inside a composer (a reply, note, consultation, SMS or message form).
export type ComposerMove = "send" | "leave";

/** Shown on the help overlay after SHORTCUTS; ``keys`` as printed there. */
export const COMPOSER_KEYS: { keys: string; move: ComposerMove }[] = [
  { keys: "Ctrl+Enter", move: "send" },
  { keys: "Esc", move: "leave" },
];

/** What a key press in a composer's field means: Ctrl+Enter (Cmd+Enter on a Mac) sends,
 * Esc leaves the field so the page's own keys (j/k) work again; anything else is typing. */
export function composerMove(event: Pick<KeyLike, "key" | "ctrlKey" | "metaKey" | "altKey"> & { isComposing?: boolean }): ComposerMove | null {
  if (event.isComposing) return null; // an input method's own Enter/Esc
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !event.altKey) return "send";
  if (event.key === "Escape" && !event.ctrlKey && !event.metaKey && !event.altKey) return "leave";
  return null;
}
