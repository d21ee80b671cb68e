// Keys inside a composer: Ctrl+Enter (Cmd+Enter) sends the form, Esc leaves the field and
// gives the focus back to the page, so the next j/k moves in the list instead of being typed.
import { composerMove } from "../../logic/shortcuts";

export function onComposerKeyDown(event: KeyboardEvent): void {
  const move = composerMove(event);
  const field = event.target as HTMLElement | null;
  if (!move || !field) return;
  if (move === "send") {
    event.preventDefault();
    (field.closest("form") as HTMLFormElement | null)?.requestSubmit();
    return;
  }
  field.blur();
  // The page's landmark takes the focus (it has tabindex -1), not the body: a screen reader
  // stays in the page, and Tab goes on from there.
  (document.getElementById("main") ?? document.body).focus({ preventScroll: true });
}
