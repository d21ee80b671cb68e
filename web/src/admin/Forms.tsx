// Admin → Web forms (S1): the forms customers fill in on the public page /forms/{id}. The admin
// picks the fields and which are required, where the tickets go (template, group), the
// thank-you texts and the sites that may embed the form. The API checks it all (422 shown).
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, get } from "../api";
import { type Key, t } from "../i18n";
import { errorText } from "../logic/errors";
import { directory, say } from "../state";
import { useStore } from "../store";

export interface FormItem {
  id: string;
  name: string;
  response_point_id: string;
  fields: string[];
  required: string[];
  template_id: string;
  group_id: string;
  thank_you: { sv: string; en: string };
  allowed_origins: string[];
  enabled: boolean;
  embed_generation?: number;
  links?: { page: string; embed: string; embed_token: string };
}

const STANDARD = ["name", "email", "phone", "organisation", "subject", "description", "priority", "ticket_type", "attachments"] as const;
const FIELD_KEYS: Record<(typeof STANDARD)[number], Key> = {
  name: "forms.field.name", email: "forms.field.email", phone: "forms.field.phone", organisation: "forms.field.organisation",
  subject: "forms.field.subject", description: "forms.field.description", priority: "forms.field.priority",
  ticket_type: "forms.field.ticketType", attachments: "forms.field.attachments",
};

function blank(rp: string): FormItem {
  return {
    id: "", name: "", response_point_id: rp, fields: ["name", "email", "subject", "description"], required: ["email", "description"],
    template_id: "", group_id: "", thank_you: { sv: "", en: "" }, allowed_origins: [], enabled: true,
  };
}

function refusal(e: unknown): string {
  if (e instanceof ApiError && e.code === "invalid") return `${t("forms.refused")}: ${e.message}`;
  return errorText(e);
}

/** The path of the public page (same origin as the UI: the front door passes /forms on). */
const pagePath = (id: string) => `/forms/${encodeURIComponent(id)}`;

function FormEditor({ initial, creating, templates, onDone }: {
  initial: FormItem; creating: boolean; templates: { id: string; title: string }[]; onDone: () => void;
}) {
  const dir = useStore(directory);
  const [item, setItem] = useState<FormItem>(initial);
  const [origins, setOrigins] = useState(initial.allowed_origins.join("\n"));
  const [problem, setProblem] = useState<string | null>(null);
  const set = <K extends keyof FormItem>(k: K, v: FormItem[K]) => setItem((before) => ({ ...before, [k]: v }));
  const groups = (dir?.groups ?? []).filter((g) => !item.response_point_id || g.response_point_id === item.response_point_id);
  const choices: { name: string; label: string }[] = [
    ...STANDARD.map((name) => ({ name, label: t(FIELD_KEYS[name]) })),
    ...(dir?.custom_fields ?? []).map((c) => ({ name: `custom:${c.id}`, label: `${c.label} (${t("forms.customField")})` })),
  ];

  function toggleField(name: string, on: boolean) {
    setItem((before) => ({
      ...before,
      fields: on ? [...before.fields, name] : before.fields.filter((f) => f !== name),
      required: on ? before.required : before.required.filter((f) => f !== name),
    }));
  }
  function toggleRequired(name: string, on: boolean) {
    setItem((before) => ({ ...before, required: on ? [...before.required, name] : before.required.filter((f) => f !== name) }));
  }

  async function save(event: Event) {
    event.preventDefault();
    const { links: _links, ...rest } = item;
    const body = {
      ...rest,
      id: creating && !item.id ? undefined : item.id,
      allowed_origins: origins.split(/\s+/).map((o) => o.trim()).filter(Boolean),
    };
    try {
      if (creating) await api("POST", "/api/admin/forms", body);
      else await api("PUT", `/api/admin/forms/${encodeURIComponent(item.id)}`, body);
      say(t("admin.saved"));
      onDone();
    } catch (e) {
      setProblem(refusal(e));
    }
  }
  return (
    <form class="card form-grid" onSubmit={save} aria-label={creating ? t("forms.new") : t("forms.editTitle", { name: initial.name })} data-testid="web-form-editor">
      {problem && <p class="wide notice notice-error" role="alert" data-testid="web-form-error">{problem}</p>}
      <label>{t("admin.name")}<input name="form-name" required value={item.name} onInput={(e) => set("name", e.currentTarget.value)} /></label>
      {creating && (
        <label>{t("forms.id")}<input name="form-id" value={item.id} pattern="[a-z0-9][a-z0-9_\-]{0,62}" aria-describedby="form-id-hint" onInput={(e) => set("id", e.currentTarget.value)} /></label>
      )}
      {creating && <p class="wide muted" id="form-id-hint">{t("forms.idHint")}</p>}
      <label>{t("forms.responsePoint")}
        <select name="form-rp" required value={item.response_point_id} onChange={(e) => setItem({ ...item, response_point_id: e.currentTarget.value, group_id: "" })}>
          {(dir?.response_points ?? []).map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
        </select>
      </label>
      <label>{t("forms.template")}
        <select name="form-template" value={item.template_id} onChange={(e) => set("template_id", e.currentTarget.value)}>
          <option value="">{t("forms.noTemplate")}</option>
          {templates.map((tpl) => <option key={tpl.id} value={tpl.id}>{tpl.title}</option>)}
        </select>
      </label>
      <label>{t("forms.group")}
        <select name="form-group" value={item.group_id} onChange={(e) => set("group_id", e.currentTarget.value)}>
          <option value="">{t("forms.groupFromTemplate")}</option>
          {groups.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
        </select>
      </label>
      <fieldset class="wide" data-testid="form-fields">
        <legend>{t("forms.fields")}</legend>
        <p class="muted">{t("forms.fieldsHint")}</p>
        <table class="tickets">
          <caption class="visually-hidden">{t("forms.fields")}</caption>
          <thead><tr><th scope="col">{t("forms.field")}</th><th scope="col">{t("forms.asked")}</th><th scope="col">{t("forms.required")}</th></tr></thead>
          <tbody>
            {choices.map((c) => {
              const asked = item.fields.includes(c.name);
              return (
                <tr key={c.name} data-field={c.name}>
                  <th scope="row">{c.label}</th>
                  <td><input type="checkbox" name="form-field" value={c.name} checked={asked} aria-label={t("forms.askFor", { field: c.label })}
                    onChange={(e) => toggleField(c.name, e.currentTarget.checked)} /></td>
                  <td><input type="checkbox" name="form-required" value={c.name} checked={item.required.includes(c.name)} disabled={!asked}
                    aria-label={t("forms.requireField", { field: c.label })} onChange={(e) => toggleRequired(c.name, e.currentTarget.checked)} /></td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </fieldset>
      <label class="wide">{t("forms.thankYouSv")}<textarea name="form-thanks-sv" lang="sv" value={item.thank_you.sv} onInput={(e) => set("thank_you", { ...item.thank_you, sv: e.currentTarget.value })} /></label>
      <label class="wide">{t("forms.thankYouEn")}<textarea name="form-thanks-en" lang="en" value={item.thank_you.en} onInput={(e) => set("thank_you", { ...item.thank_you, en: e.currentTarget.value })} /></label>
      <label class="wide">{t("forms.origins")}<textarea name="form-origins" value={origins} aria-describedby="form-origins-hint" onInput={(e) => setOrigins(e.currentTarget.value)} /></label>
      <p class="wide muted" id="form-origins-hint">{t("forms.originsHint")}</p>
      <label class="check"><input type="checkbox" name="form-enabled" checked={item.enabled} onChange={(e) => set("enabled", e.currentTarget.checked)} />{t("forms.enabled")}</label>
      {!creating && initial.links && (
        <section class="wide" aria-labelledby="form-links-title" data-testid="form-links">
          <h2 id="form-links-title">{t("forms.publish")}</h2>
          <p><a href={pagePath(initial.id)} target="_blank" rel="noopener noreferrer">{t("forms.openPage")}</a></p>
          <label>{t("forms.embedUrl")}<input readOnly value={initial.links.embed} /></label>
          <label>{t("forms.embedToken")}<input readOnly value={initial.links.embed_token} aria-describedby="form-token-hint" /></label>
          <p class="muted" id="form-token-hint">{t("forms.embedTokenHint")}</p>
        </section>
      )}
      <div class="wide row">
        <button type="submit" class="primary">{t("common.save")}</button>
        <button type="button" onClick={onDone}>{t("common.cancel")}</button>
      </div>
    </form>
  );
}

export function FormsScreen() {
  const dir = useStore(directory);
  const [items, setItems] = useState<FormItem[] | null>(null);
  const [templates, setTemplates] = useState<{ id: string; title: string }[]>([]);
  const [open, setOpen] = useState<{ item: FormItem; creating: boolean; n: number } | null>(null);
  const show = (item: FormItem, creating: boolean) => setOpen((before) => ({ item, creating, n: (before?.n ?? 0) + 1 }));
  const load = () => get<{ items: FormItem[] }>("/api/admin/forms").then((r) => setItems(r.items)).catch((e) => say(errorText(e), "error"));
  useEffect(() => {
    void load();
    get<{ items: { id: string; title: string; enabled: boolean }[] }>("/api/admin/templates")
      .then((r) => setTemplates(r.items.filter((x) => x.enabled !== false)))
      .catch((e) => say(errorText(e), "error"));
  }, []);

  async function remove(item: FormItem) {
    if (!confirm(t("admin.confirmDelete", { id: item.name }))) return;
    try {
      await api("DELETE", `/api/admin/forms/${encodeURIComponent(item.id)}`);
      say(t("admin.deleted"));
      await load();
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  const done = () => { setOpen(null); void load(); };
  const rpName = (id: string) => dir?.response_points.find((r) => r.id === id)?.name ?? id;
  const list = items ?? [];
  return (
    <section aria-labelledby="admin-title">
      <div class="list-head">
        <h1 id="admin-title">{t("admin.forms")}</h1>
        <button type="button" class="primary" onClick={() => show(blank(dir?.default_response_point_id || dir?.response_points[0]?.id || ""), true)}>{t("admin.add")}</button>
      </div>
      <p class="muted">{t("forms.about")}</p>
      {open && <FormEditor key={open.n} initial={open.item} creating={open.creating} templates={templates} onDone={done} />}
      <table class="tickets" data-testid="web-form-list">
        <caption class="visually-hidden">{t("admin.forms")}</caption>
        <thead><tr>
          <th scope="col">{t("admin.name")}</th><th scope="col">{t("forms.responsePoint")}</th><th scope="col">{t("forms.page")}</th>
          <th scope="col">{t("forms.enabled")}</th><th scope="col"><span class="visually-hidden">{t("admin.actions")}</span></th>
        </tr></thead>
        <tbody>
          {list.map((item) => (
            <tr key={item.id} data-form={item.id}>
              <td dir="auto">{item.name}</td>
              <td>{rpName(item.response_point_id)}</td>
              <td><a href={pagePath(item.id)} target="_blank" rel="noopener noreferrer">{pagePath(item.id)}</a></td>
              <td>{item.enabled ? t("common.yes") : t("common.no")}</td>
              <td class="row">
                <button type="button" class="link" onClick={() => show(item, false)} aria-label={t("admin.editItem", { id: item.name })}>{t("admin.edit")}</button>
                <button type="button" class="link" onClick={() => remove(item)} aria-label={t("admin.deleteItem", { id: item.name })}>{t("admin.delete")}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {items && !list.length && <p class="muted">{t("forms.none")}</p>}
    </section>
  );
}
