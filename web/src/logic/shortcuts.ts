// Keyboard shortcuts for the common moves; listed on the help overlay.

export type Action = "next" | "previous" | "reply" | "note" | "pick" | "release" | "pickNext" | "help" | "close" | "search";

export const SHORTCUTS: { keys: string; action: Action }[] = [
  { keys: "j", action: "next" },
  { keys: "k", action: "previous" },
  { keys: "r", action: "reply" },
  { keys: "n", action: "note" },
  { keys: "p", action: "pick" },
  { keys: "u", action: "release" },
  { keys: "g", action: "pickNext" },
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
