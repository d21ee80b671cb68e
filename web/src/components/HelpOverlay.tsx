import { useEffect, useRef } from "preact/hooks";
import { type Key, t } from "../i18n";
import { type Action, COMPOSER_KEYS, type ComposerMove, SHORTCUTS } from "../logic/shortcuts";
import { helpOpen } from "../state";
import { useStore } from "../store";

const ACTION_KEYS: Record<Action, Key> = {
  next: "shortcut.next", previous: "shortcut.previous", reply: "shortcut.reply", note: "shortcut.note",
  pick: "shortcut.pick", release: "shortcut.release", pickNext: "shortcut.pickNext", help: "shortcut.help",
  close: "shortcut.close", search: "shortcut.search", statusAfterSend: "shortcut.statusAfterSend", status: "shortcut.status",
};
const COMPOSER_MOVE_KEYS: Record<ComposerMove, Key> = { send: "shortcut.send", leave: "shortcut.leave" };

/** How a key is printed: Esc, and Shift+S for the capital letter (what the hand presses). */
function shown(keys: string): string {
  if (keys === "Escape") return "Esc";
  return /^[A-Z]$/.test(keys) ? `Shift+${keys}` : keys;
}

export function HelpOverlay() {
  const open = useStore(helpOpen);
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) dialog.current?.querySelector("button")?.focus();
  }, [open]);
  if (!open) return null;
  return (
    <div class="overlay" onClick={(e) => e.target === e.currentTarget && helpOpen.set(false)}>
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="help-title" ref={dialog}>
        <h2 id="help-title">{t("help.title")}</h2>
        <table class="shortcuts">
          <caption class="visually-hidden">{t("help.title")}</caption>
          <thead><tr><th scope="col">{t("help.key")}</th><th scope="col">{t("help.action")}</th></tr></thead>
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.keys}><td><kbd>{shown(s.keys)}</kbd></td><td>{t(ACTION_KEYS[s.action])}</td></tr>
            ))}
            {COMPOSER_KEYS.map((c) => (
              <tr key={c.keys}><td><kbd>{c.keys}</kbd></td><td>{t(COMPOSER_MOVE_KEYS[c.move])}</td></tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={() => helpOpen.set(false)}>{t("common.close")}</button>
      </div>
    </div>
  );
}
