// Retention of a response point (issue 14): months and action, with the next run's preview.
import { useEffect, useState } from "preact/hooks";
import { api, get, q } from "../../api";
import { t } from "../../i18n";
import { errorText } from "../../logic/errors";
import { say } from "../../state";

interface Setting { months: number; action: "anonymise" | "delete" }
interface Preview { tickets: number; cutoff: string | null }

export function RetentionPanel({ rpId }: { rpId: string }) {
  const [setting, setSetting] = useState<Setting>({ months: 0, action: "anonymise" });
  const [preview, setPreview] = useState<Preview | null>(null);
  async function load() {
    try {
      const loaded = await get<Setting>(`/api/admin/retention/${encodeURIComponent(rpId)}`);
      setSetting({ months: loaded.months, action: loaded.action });
      setPreview(await get<Preview>(q("/api/admin/retention/preview", { response_point: rpId })));
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  useEffect(() => void load(), [rpId]);
  async function save(event: Event) {
    event.preventDefault();
    try {
      await api("PUT", `/api/admin/retention/${encodeURIComponent(rpId)}`, setting);
      say(t("retention.saved"));
    } catch (e) {
      say(errorText(e), "error");
    }
    await load();
  }
  return (
    <form class="card form-grid" onSubmit={save} aria-labelledby="rp-retention" data-testid="rp-retention">
      <h2 id="rp-retention" class="wide">{t("retention.title")}</h2>
      <p class="wide muted">{t("retention.help")}</p>
      <label>{t("retention.months")}
        <input type="number" min={0} max={600} value={setting.months} data-testid="retention-months"
          onInput={(e) => setSetting({ ...setting, months: Number(e.currentTarget.value) || 0 })} />
      </label>
      <label>{t("retention.action")}
        <select value={setting.action} data-testid="retention-action" onChange={(e) => setSetting({ ...setting, action: e.currentTarget.value as Setting["action"] })}>
          <option value="anonymise">{t("retention.anonymise")}</option>
          <option value="delete">{t("retention.delete")}</option>
        </select>
      </label>
      <p class="wide" role="status" data-testid="retention-preview">
        {preview === null ? "" : preview.cutoff === null ? t("retention.off") : t("retention.preview", { n: preview.tickets })}
      </p>
      <div class="wide"><button type="submit" class="primary">{t("retention.save")}</button></div>
    </form>
  );
}
