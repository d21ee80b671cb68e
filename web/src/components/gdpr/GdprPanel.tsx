// GDPR on the contact card (issue 14): the subject access export and anonymisation.
import { useState } from "preact/hooks";
import { api, download } from "../../api";
import { t } from "../../i18n";
import { errorText } from "../../logic/errors";
import { say } from "../../state";

/** The name an anonymised card carries (chalicelib/domain/anonymisation.py). */
export const ANONYMISED = "[anonymised]";

export function GdprPanel({ contactId, contactName, isAdmin, onChanged }: { contactId: string; contactName: string; isAdmin: boolean; onChanged: () => void }) {
  const [busy, setBusy] = useState(false);
  if (!isAdmin) return null;
  const anonymised = contactName === ANONYMISED;
  async function exportData() {
    setBusy(true);
    try {
      await download(`/api/contacts/${encodeURIComponent(contactId)}/export`, `servit-contact-${contactId}.zip`);
      say(t("gdpr.exported"));
    } catch (e) {
      say(errorText(e), "error");
    }
    setBusy(false);
  }
  async function anonymise() {
    if (!window.confirm(t("gdpr.confirm", { name: contactName }))) return;
    setBusy(true);
    try {
      const done = await api<{ counts: { tickets: number } }>("POST", `/api/contacts/${encodeURIComponent(contactId)}/anonymise`);
      say(t("gdpr.anonymised", { n: done.counts.tickets }));
    } catch (e) {
      say(errorText(e), "error");
    }
    setBusy(false);
    onChanged();
  }
  return (
    <section class="card" aria-labelledby="contact-gdpr" data-testid="contact-gdpr">
      <h2 id="contact-gdpr">{t("gdpr.title")}</h2>
      {anonymised && <p data-testid="contact-anonymised">{t("gdpr.isAnonymised")}</p>}
      <p class="muted">{t("gdpr.help")}</p>
      <div class="row">
        <button type="button" onClick={exportData} disabled={busy} data-testid="gdpr-export">{t("gdpr.export")}</button>
        {!anonymised && <button type="button" class="danger" onClick={anonymise} disabled={busy} data-testid="gdpr-anonymise">{t("gdpr.anonymise")}</button>}
      </div>
    </section>
  );
}
