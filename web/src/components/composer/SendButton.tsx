// Send, or "Send and set status" in one action (issue 15): a status select beside the submit
// button, whose words follow the choice ("Send and resolve"). The key s focuses the select
// (shortcut statusAfterSend); Ctrl+Enter in the text sends with what it shows.
import { useEffect, useRef } from "preact/hooks";
import { type Key, t } from "../../i18n";
import { onAction } from "../../logic/bus";
import { statusLabel } from "../../logic/labels";
import type { Status } from "../../types";

/** The statuses offered with a reply: the four of daily work, those the ticket may move to. */
export const AFTER_SEND: Status[] = ["open", "with_contact", "resolved", "closed"];

export function afterSendChoices(status: Status, moves: Partial<Record<Status, Status[]>>, picks = true): Status[] {
  // A new ticket is picked by a reply (it becomes open): its choices are then those of open.
  const from: Status = picks && status === "new" ? "open" : status;
  const allowed = new Set<Status>(moves[from] ?? []);
  return AFTER_SEND.filter((s) => allowed.has(s));
}

export function SendButton({ id, choices, after, setAfter, label, verb, disabled, focusKey }: {
  id: string; choices: Status[]; after: Status | ""; setAfter: (s: Status | "") => void;
  label: string; verb: "send" | "save"; disabled?: boolean; focusKey?: boolean;
}) {
  const select = useRef<HTMLSelectElement>(null);
  useEffect(() => (focusKey ? onAction((a) => a === "statusAfterSend" && select.current?.focus()) : undefined), [focusKey]);
  const words = after ? t(`composer.${verb}And.${after}` as Key) : label;
  return (
    <span class="send-group">
      {choices.length > 0 && (
        <label class="inline">{t("composer.statusAfter")}
          <select ref={select} id={`${id}-after`} data-testid={`${id}-after`} value={after}
            aria-keyshortcuts={focusKey ? "s" : undefined}
            onChange={(e) => setAfter(e.currentTarget.value as Status | "")}>
            <option value="">{t("composer.statusKeep")}</option>
            {choices.map((s) => <option key={s} value={s}>{statusLabel(s)}</option>)}
          </select>
        </label>
      )}
      <button type="submit" class="primary" data-testid={`${id}-send`} disabled={disabled}
        aria-keyshortcuts="Control+Enter Meta+Enter">{words}</button>
    </span>
  );
}
