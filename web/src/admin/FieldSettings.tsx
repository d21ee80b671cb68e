// Admin → Field settings per response point (S16): hidden fields leave the forms and the API.
import { useEffect, useState } from "preact/hooks";
import { api, get } from "../api";
import { type Key, t } from "../i18n";
import { errorText } from "../logic/errors";
import { loadFieldSettings } from "../logic/fieldSettings";
import { directory, loadDirectory, say } from "../state";
import { useStore } from "../store";
import { refusal } from "./Templates";

const FIELDS: { field: string; label: Key }[] = [
  { field: "ticket_type", label: "field.type" }, { field: "itil_process", label: "field.itil" },
  { field: "parent_id", label: "field.parent" }, { field: "cc", label: "field.cc" }, { field: "bcc", label: "field.bcc" },
  { field: "description", label: "field.description" }, { field: "attachments", label: "reply.attachments" },
  { field: "custom_fields", label: "fs.allCustom" },
];

type Rp = Record<string, unknown> & { id: string; name: string; hidden_fields?: string[] };

export function FieldSettingsScreen() {
  const dir = useStore(directory);
  const [rps, setRps] = useState<Rp[]>([]);
  const [chosen, setChosen] = useState("");
  const [hidden, setHidden] = useState<string[]>([]);
  useEffect(() => void get<{ items: Rp[] }>("/api/admin/response-points").then((r) => {
    setRps(r.items);
    const first = r.items[0];
    if (first) { setChosen(first.id); setHidden(first.hidden_fields ?? []); }
  }).catch((e) => say(errorText(e), "error")), []);

  function choose(id: string) {
    setChosen(id);
    setHidden(rps.find((r) => r.id === id)?.hidden_fields ?? []);
  }
  async function save(event: Event) {
    event.preventDefault();
    const rp = rps.find((r) => r.id === chosen);
    if (!rp) return;
    try {
      const saved = await api<Rp>("PUT", `/api/admin/response-points/${encodeURIComponent(rp.id)}`, { ...rp, hidden_fields: hidden });
      setRps(rps.map((r) => (r.id === rp.id ? saved : r)));
      await Promise.all([loadFieldSettings(), loadDirectory()]);
      say(t("admin.saved"));
    } catch (e) {
      say(refusal(e), "error");
    }
  }
  const toggle = (field: string, on: boolean) => setHidden(on ? [...hidden, field] : hidden.filter((f) => f !== field));
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">{t("admin.fieldSettings")}</h1>
      <p class="muted">{t("fs.hint")}</p>
      <form class="card form-grid" onSubmit={save} data-testid="field-settings-form">
        <label>{t("field.responsePoint")}
          <select name="fs-rp" value={chosen} onChange={(e) => choose(e.currentTarget.value)}>
            {rps.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        </label>
        <fieldset class="wide">
          <legend>{t("fs.hidden")}</legend>
          {FIELDS.map(({ field, label }) => (
            <label class="check" key={field}>
              <input type="checkbox" name="fs-hidden" value={field} checked={hidden.includes(field)} onChange={(e) => toggle(field, e.currentTarget.checked)} />
              {t(label)}
            </label>
          ))}
          {dir?.custom_fields.map((def) => (
            <label class="check" key={def.id}>
              <input type="checkbox" name="fs-hidden" value={`custom_fields.${def.id}`} checked={hidden.includes(`custom_fields.${def.id}`)}
                onChange={(e) => toggle(`custom_fields.${def.id}`, e.currentTarget.checked)} />
              {t("fs.customField", { label: def.label })}
            </label>
          ))}
        </fieldset>
        <div class="wide"><button type="submit" class="primary">{t("common.save")}</button></div>
      </form>
    </section>
  );
}
