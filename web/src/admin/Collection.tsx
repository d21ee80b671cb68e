import { useEffect, useState } from "preact/hooks";
import { api, get } from "../api";
import { t } from "../i18n";
import { errorText } from "../logic/errors";
import type { AdminSection } from "../logic/route";
import { RetentionPanel } from "../components/gdpr/RetentionPanel";
import { statsHref } from "../screens/statistics/model";
import { directory, loadDirectory, say } from "../state";
import { useStore } from "../store";
import type { Directory } from "../types";
import { type CollectionSpec, type FieldSpec, fromForm, type Item, toForm } from "./specs";

type Form = Record<string, string | string[] | boolean>;

function FieldInput({ field, value, onChange, editing }: { field: FieldSpec; value: Form[string]; onChange: (v: Form[string]) => void; editing: boolean }) {
  const dir = useStore(directory);
  const options = field.fixed?.map((o) => ({ value: o.value, label: t(o.label) })) ?? (dir && field.options ? field.options(dir) : []);
  const name = `admin-${field.name}`;
  switch (field.kind) {
    case "bool":
      return <label class="check"><input type="checkbox" name={name} checked={Boolean(value)} onChange={(e) => onChange(e.currentTarget.checked)} />{t(field.label)}</label>;
    case "select":
      return (
        <label>{t(field.label)}
          <select name={name} value={String(value)} required={field.required} onChange={(e) => onChange(e.currentTarget.value)}>
            <option value="">–</option>
            {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
        </label>
      );
    case "multi":
      return (
        <fieldset>
          <legend>{t(field.label)}</legend>
          {options.map((o) => {
            const list = Array.isArray(value) ? value : [];
            return (
              <label class="check" key={o.value}>
                <input type="checkbox" name={name} value={o.value} checked={list.includes(o.value)}
                  onChange={(e) => onChange(e.currentTarget.checked ? [...list, o.value] : list.filter((x) => x !== o.value))} />
                {o.label}
              </label>
            );
          })}
        </fieldset>
      );
    default:
      return (
        <label>{t(field.label)}
          <input name={name} type={field.kind === "number" ? "number" : field.kind === "password" ? "password" : "text"}
            autoComplete={field.kind === "password" ? "new-password" : undefined}
            value={String(value ?? "")} required={field.required || (field.kind === "password" && !editing)} readOnly={field.kind === "id" && editing}
            placeholder={field.placeholder ? t(field.placeholder) : undefined}
            onInput={(e) => onChange(e.currentTarget.value)} />
        </label>
      );
  }
}

/** A value as the list shows it: ids that have a label (the catalogue's, or a name from the directory) are shown by it. */
function cell(field: FieldSpec, value: unknown, dir: Directory | null | undefined): string {
  if (field.kind === "bool") return value ? t("common.yes") : t("common.no");
  const options = field.options && dir ? field.options(dir) : [];
  const label = (v: unknown): string => {
    if (v === undefined || v === null) return "";
    const fixed = field.fixed?.find((o) => o.value === v);
    if (fixed) return t(fixed.label);
    return options.find((o) => o.value === v)?.label ?? String(v);
  };
  return Array.isArray(value) ? value.map(label).join(", ") : label(value);
}

export function CollectionScreen({ section, spec }: { section: AdminSection; spec: CollectionSpec }) {
  const [items, setItems] = useState<Item[]>([]);
  const [editing, setEditing] = useState<Item | null>(null);
  const [creating, setCreating] = useState(false);
  const [form, setForm] = useState<Form>({});

  const load = () => get<{ items: Item[] }>(`/api/admin/${section}`).then((r) => setItems(r.items)).catch((e) => say(errorText(e), "error"));
  useEffect(() => void load(), [section]);

  function open(item: Item | null) {
    setEditing(item);
    setCreating(!item);
    setForm(toForm(spec, item ?? {}));
  }
  async function save(event: Event) {
    event.preventDefault();
    const body = fromForm(spec, form, editing ?? {});
    try {
      if (editing) await api("PUT", `/api/admin/${section}/${encodeURIComponent(String(editing.id))}`, body);
      else await api("POST", `/api/admin/${section}`, body);
      say(t("admin.saved"));
      setEditing(null);
      setCreating(false);
      await Promise.all([load(), loadDirectory()]);
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  async function remove(item: Item) {
    if (!confirm(t("admin.confirmDelete", { id: String(item.id) }))) return;
    try {
      await api("DELETE", `/api/admin/${section}/${encodeURIComponent(String(item.id))}`);
      say(t("admin.deleted"));
      await Promise.all([load(), loadDirectory()]);
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  async function signOut(item: Item) {
    const id = String(item.id);
    if (!confirm(t("admin.signOutConfirm", { id }))) return;
    try {
      await api("POST", `/api/admin/users/${encodeURIComponent(id)}/sign-out`);
      say(t("admin.signedOut", { id }));
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  const dir = useStore(directory);
  const columns = spec.fields.filter((f) => f.inList);
  return (
    <section aria-labelledby="admin-title">
      <div class="list-head">
        <h1 id="admin-title">{t(spec.title)}</h1>
        <button type="button" class="primary" onClick={() => open(null)}>{t("admin.add")}</button>
      </div>
      {(creating || editing) && (
        <form class="card form-grid" onSubmit={save} aria-label={editing ? t("admin.edit") : t("admin.add")} data-testid="admin-form">
          {spec.fields.map((f) => (
            <FieldInput key={f.name} field={f} value={form[f.name]} editing={Boolean(editing)} onChange={(v) => setForm({ ...form, [f.name]: v })} />
          ))}
          <div class="wide row">
            <button type="submit" class="primary">{t("common.save")}</button>
            <button type="button" onClick={() => { setEditing(null); setCreating(false); }}>{t("common.cancel")}</button>
          </div>
        </form>
      )}
      {section === "response-points" && editing && <RetentionPanel rpId={String(editing.id)} />}
      <table class="tickets">
        <caption class="visually-hidden">{t(spec.title)}</caption>
        <thead><tr>{columns.map((f) => <th scope="col" key={f.name}>{t(f.label)}</th>)}<th scope="col"><span class="visually-hidden">{t("admin.actions")}</span></th></tr></thead>
        <tbody>
          {items.map((item) => (
            <tr key={String(item.id)}>
              {columns.map((f) => <td key={f.name} dir="auto">{cell(f, item[f.name], dir)}</td>)}
              <td class="row">
                <button type="button" class="link" onClick={() => open(item)} aria-label={t("admin.editItem", { id: String(item.id) })}>{t("admin.edit")}</button>
                {section === "response-points" && (
                  <a href={statsHref({ preset: "last_30_days", filter: { kind: "response_point", value: String(item.id) } })}
                    data-testid="rp-statistics" aria-label={t("stats.forResponsePoint", { name: String(item.name ?? item.id) })}>{t("nav.statistics")}</a>
                )}
                {section === "users" && <button type="button" class="link" data-testid="admin-sign-out" onClick={() => signOut(item)} aria-label={t("admin.signOutItem", { id: String(item.id) })}>{t("admin.signOut")}</button>}
                {spec.deletable && <button type="button" class="link" onClick={() => remove(item)} aria-label={t("admin.deleteItem", { id: String(item.id) })}>{t("admin.delete")}</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
