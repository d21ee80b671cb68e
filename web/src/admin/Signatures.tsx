import { useEffect, useState } from "preact/hooks";
import { api, get } from "../api";
import { t } from "../i18n";
import { errorText } from "../logic/errors";
import { say } from "../state";
import { FilePicker } from "../components/FilePicker";

interface Signature { id: string; scope: string; text: string; html: string; logo_key: string; logo_content_type: string }

export function SignaturesScreen() {
  const [items, setItems] = useState<Signature[]>([]);
  const [form, setForm] = useState({ id: "", scope: "global", text: "", html: "" });
  const [logo, setLogo] = useState<File | null>(null);
  const load = () => get<{ items: Signature[] }>("/api/admin/signatures").then((r) => setItems(r.items)).catch((e) => say(errorText(e), "error"));
  useEffect(() => void load(), []);

  async function save(event: Event) {
    event.preventDefault();
    try {
      await api("PUT", `/api/admin/signatures/${encodeURIComponent(form.id)}`, { scope: form.scope, text: form.text, html: form.html });
      if (logo) {
        const bytes = new Uint8Array(await logo.arrayBuffer());
        let binary = "";
        for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
        await api("PUT", `/api/admin/signatures/${encodeURIComponent(form.id)}/logo`, { content_type: logo.type, content_base64: btoa(binary) });
      }
      say(t("admin.saved"));
      await load();
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  async function remove(id: string) {
    if (!confirm(t("admin.confirmDelete", { id }))) return;
    try {
      await api("DELETE", `/api/admin/signatures/${encodeURIComponent(id)}`);
      await load();
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">{t("admin.signatures")}</h1>
      <form class="card form-grid" onSubmit={save} aria-label={t("admin.signatureForm")}>
        <label>{t("admin.id")}<input type="text" required pattern="[a-z0-9][a-z0-9_\-]*" value={form.id} onInput={(e) => setForm({ ...form, id: e.currentTarget.value })} /></label>
        <label>{t("admin.scope")}<input type="text" required value={form.scope} onInput={(e) => setForm({ ...form, scope: e.currentTarget.value })} aria-describedby="scope-help" /></label>
        <p id="scope-help" class="muted wide">{t("admin.scopeHelp")}</p>
        <label class="wide">{t("admin.signatureText")}<textarea rows={4} required value={form.text} onInput={(e) => setForm({ ...form, text: e.currentTarget.value })} /></label>
        <label class="wide">{t("admin.signatureHtml")}<textarea rows={3} value={form.html} onInput={(e) => setForm({ ...form, html: e.currentTarget.value })} /></label>
        <FilePicker label={t("admin.logo")} accept="image/png,image/jpeg,image/gif" onFiles={(chosen) => setLogo(chosen[0] ?? null)} />
        <div class="wide"><button type="submit" class="primary">{t("common.save")}</button></div>
      </form>
      <table class="tickets">
        <caption class="visually-hidden">{t("admin.signatures")}</caption>
        <thead><tr><th scope="col">{t("admin.id")}</th><th scope="col">{t("admin.scope")}</th><th scope="col">{t("admin.signatureText")}</th><th scope="col">{t("admin.logo")}</th><th scope="col"><span class="visually-hidden">{t("admin.actions")}</span></th></tr></thead>
        <tbody>
          {items.map((s) => (
            <tr key={s.id}>
              <td>{s.id}</td><td>{s.scope}</td><td class="pre" dir="auto">{s.text}</td><td>{s.logo_key ? t("common.yes") : t("common.no")}</td>
              <td class="row">
                <button type="button" class="link" onClick={() => setForm({ id: s.id, scope: s.scope, text: s.text, html: s.html })} aria-label={t("admin.editItem", { id: s.id })}>{t("admin.edit")}</button>
                <button type="button" class="link" onClick={() => remove(s.id)} aria-label={t("admin.deleteItem", { id: s.id })}>{t("admin.delete")}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
