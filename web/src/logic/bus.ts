// Shortcut actions travel from the one key listener (Shell) to whichever screen handles them.
import type { Action } from "./shortcuts";

const target = new EventTarget();

export function emit(action: Action): void {
  target.dispatchEvent(new CustomEvent("action", { detail: action }));
}

export function onAction(handler: (action: Action) => void): () => void {
  const listener = (e: Event) => handler((e as CustomEvent<Action>).detail);
  target.addEventListener("action", listener);
  return () => target.removeEventListener("action", listener);
}
