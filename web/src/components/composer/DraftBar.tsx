// "Draft from 14:32" above a composer whose text was kept, with a "Discard draft" button that
// asks first. Shown while there is text to throw away.
import { fmtDateTime, t } from "../../i18n";
import { say } from "../../state";
import type { DraftState } from "./useDraft";

export function DraftBar({ draft, testid }: { draft: DraftState; testid: string }) {
  if (!draft.text.trim()) return null;
  const discard = () => {
    if (!window.confirm(t("composer.discardAsk"))) return;
    draft.clear();
    say(t("composer.discarded"));
  };
  return (
    <p class="draft-bar row" data-testid={`${testid}-draft`}>
      {draft.restoredAt && <span class="muted" data-testid={`${testid}-draft-from`}>{t("composer.draftFrom", { at: fmtDateTime(draft.restoredAt) })}</span>}
      <button type="button" class="link" data-testid={`${testid}-discard`} onClick={discard}>{t("composer.discard")}</button>
    </p>
  );
}
