// Admin → Menu profiles (S14): ordered links given to users or roles, shown as their quick menu.
import { useEffect, useState } from "preact/hooks";
import { api, get } from "../api";
import { type Key, t } from "../i18n";
import { errorText } from "../logic/errors";
import { inboxLabel } from "../logic/labels";
import { directory, say } from "../state";
import { useStore } from "../store";
import type { Directory, Role } from "../types";
import type { SavedSearch } from "../screens/Search";
import { refusal, type TemplateItem } from "./Templates";

export interface MenuLink { kind: string; target: string; label: string }
interface Profile { id: string; name: string; links: MenuLink[]; users: string[]; roles: Role[]; position: number }

export const LINK_KINDS: { value: string; label: Key }[] = [
  { value: "saved_search", label: "menu.kind.saved_search" }, { value: "inbox", label: "menu.kind.inbox" },
  { value: "new_from_template", label: "menu.kind.new_from_template" }, { value: "url", label: "menu.kind.url" },
];
const ROLES: { value: Role; label: Key }[] = [{ value: "agent", label: "role.agent" }, { value: "dispatcher", label: "role.dispatcher" }, { value: "admin", label: "role.admin" }];

interface Choices { searches: SavedSearch[]; templates: TemplateItem[] }

/** The inboxes a link may name: every group's and response point's (not the admin's own list,
 * which holds only the admin's inboxes); whoever cannot open one does not get the link. */
export function menuInboxes(dir: Pick<Directory, "groups" | "response_points" | "users">): { value: string; label: string }[] {
  const ids = [
    ...dir.groups.flatMap((g) => [`group:${g.id}`, `pool-group:${g.id}`]),
    ...dir.response_points.flatMap((r) => [`rp:${r.id}`, `pool-rp:${r.id}`]),
  ];
  return ids.map((id) => ({ value: id, label: inboxLabel(dir as Directory, id, "") }));
}

function TargetInput({ link, n, choices, onChange }: { link: MenuLink; n: number; choices: Choices; onChange: (v: string) => void }) {
  const dir = useStore(directory);
  const options = link.kind === "saved_search" ? choices.searches.filter((s) => s.shared).map((s) => ({ value: s.id, label: s.name }))
    : link.kind === "inbox" ? (dir ? menuInboxes(dir) : [])
    : link.kind === "new_from_template" ? choices.templates.filter((x) => x.enabled).map((x) => ({ value: x.id, label: x.title }))
    : null;
  // A stored target no longer offered (a search unshared, a template turned off) stays shown.
  if (options && link.target && !options.some((o) => o.value === link.target)) {
    options.push({ value: link.target, label: link.kind === "inbox" && dir ? inboxLabel(dir, link.target, "") : link.target });
  }
  if (!options) return <label>{t("menu.url")}<input type="url" name={`link-target-${n}`} required value={link.target} onInput={(e) => onChange(e.currentTarget.value)} /></label>;
  return (
    <label>{t("menu.target")}
      <select name={`link-target-${n}`} required value={link.target} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">–</option>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    </label>
  );
}

function ProfileForm({ initial, creating, choices, onDone }: { initial: Profile; creating: boolean; choices: Choices; onDone: () => void }) {
  const dir = useStore(directory);
  const [p, setP] = useState<Profile>(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const setLink = (n: number, change: Partial<MenuLink>) => setP({ ...p, links: p.links.map((l, i) => (i === n ? { ...l, ...change } : l)) });
  function move(n: number, by: -1 | 1) {
    const links = [...p.links];
    [links[n], links[n + by]] = [links[n + by], links[n]];
    setP({ ...p, links });
  }
  async function save(event: Event) {
    event.preventDefault();
    try {
      if (creating) await api("POST", "/api/admin/menu-profiles", p);
      else await api("PUT", `/api/admin/menu-profiles/${encodeURIComponent(p.id)}`, p);
      say(t("admin.saved"));
      onDone();
    } catch (e) {
      setProblem(refusal(e));
    }
  }
  return (
    <form class="card form-grid" onSubmit={save} aria-label={creating ? t("menu.new") : t("menu.editTitle", { name: initial.name })} data-testid="menu-form">
      {problem && <p class="wide notice notice-error" role="alert" data-testid="menu-error">{problem}</p>}
      <label>{t("admin.id")}<input name="menu-id" required readOnly={!creating} value={p.id} onInput={(e) => setP({ ...p, id: e.currentTarget.value })} /></label>
      <label>{t("admin.name")}<input name="menu-name" required value={p.name} onInput={(e) => setP({ ...p, name: e.currentTarget.value })} /></label>
      <label>{t("menu.position")}<input name="menu-position" type="number" value={p.position} onInput={(e) => setP({ ...p, position: Number(e.currentTarget.value) || 0 })} /></label>
      <fieldset class="wide" data-testid="menu-links">
        <legend>{t("menu.links")}</legend>
        <ol>
          {p.links.map((link, n) => (
            <li key={n}><div class="row" role="group" aria-label={t("menu.link", { n: n + 1 })}>
              <label>{t("menu.kind")}
                <select name={`link-kind-${n}`} value={link.kind} onChange={(e) => setLink(n, { kind: e.currentTarget.value, target: "" })}>
                  {LINK_KINDS.map((k) => <option key={k.value} value={k.value}>{t(k.label)}</option>)}
                </select>
              </label>
              <TargetInput link={link} n={n} choices={choices} onChange={(target) => setLink(n, { target })} />
              <label>{t("menu.label")}<input name={`link-label-${n}`} value={link.label} required={link.kind === "url"} onInput={(e) => setLink(n, { label: e.currentTarget.value })} /></label>
              <button type="button" class="link" disabled={n === 0} onClick={() => move(n, -1)} aria-label={t("menu.moveUp", { n: n + 1 })}>↑</button>
              <button type="button" class="link" disabled={n === p.links.length - 1} onClick={() => move(n, 1)} aria-label={t("menu.moveDown", { n: n + 1 })}>↓</button>
              <button type="button" class="link" onClick={() => setP({ ...p, links: p.links.filter((_, i) => i !== n) })}>{t("menu.removeLink", { n: n + 1 })}</button>
            </div></li>
          ))}
        </ol>
        <button type="button" onClick={() => setP({ ...p, links: [...p.links, { kind: "saved_search", target: "", label: "" }] })}>{t("menu.addLink")}</button>
      </fieldset>
      <fieldset>
        <legend>{t("menu.roles")}</legend>
        {ROLES.map((r) => (
          <label class="check" key={r.value}>
            <input type="checkbox" checked={p.roles.includes(r.value)} onChange={(e) => setP({ ...p, roles: e.currentTarget.checked ? [...p.roles, r.value] : p.roles.filter((x) => x !== r.value) })} />
            {t(r.label)}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t("menu.users")}</legend>
        {dir?.users.filter((u) => u.active).map((u) => (
          <label class="check" key={u.id}>
            <input type="checkbox" name="menu-user" value={u.id} checked={p.users.includes(u.id)} onChange={(e) => setP({ ...p, users: e.currentTarget.checked ? [...p.users, u.id] : p.users.filter((x) => x !== u.id) })} />
            {u.name}
          </label>
        ))}
      </fieldset>
      <div class="wide row">
        <button type="submit" class="primary">{t("common.save")}</button>
        <button type="button" onClick={onDone}>{t("common.cancel")}</button>
      </div>
    </form>
  );
}

export function MenuProfilesScreen() {
  const dir = useStore(directory);
  const [items, setItems] = useState<Profile[]>([]);
  const [choices, setChoices] = useState<Choices>({ searches: [], templates: [] });
  const [open, setOpen] = useState<{ p: Profile; creating: boolean } | null>(null);
  const load = () => get<{ items: Profile[] }>("/api/admin/menu-profiles").then((r) => setItems(r.items)).catch((e) => say(errorText(e), "error"));
  useEffect(() => {
    void load();
    Promise.all([
      get<{ items: SavedSearch[] }>("/api/saved-searches"), get<{ items: TemplateItem[] }>("/api/admin/templates"),
    ]).then(([s, x]) => setChoices({ searches: s.items, templates: x.items })).catch((e) => say(errorText(e), "error"));
  }, []);
  async function remove(p: Profile) {
    if (!confirm(t("admin.confirmDelete", { id: p.id }))) return;
    try {
      await api("DELETE", `/api/admin/menu-profiles/${encodeURIComponent(p.id)}`);
      say(t("admin.deleted"));
      await load();
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  return (
    <section aria-labelledby="admin-title">
      <div class="list-head">
        <h1 id="admin-title">{t("admin.menuProfiles")}</h1>
        <button type="button" class="primary" onClick={() => setOpen({ p: { id: "", name: "", links: [], users: [], roles: [], position: 0 }, creating: true })}>{t("admin.add")}</button>
      </div>
      {open && <ProfileForm key={open.p.id} initial={open.p} creating={open.creating} choices={choices} onDone={() => { setOpen(null); void load(); }} />}
      <table class="tickets" data-testid="menu-list">
        <caption class="visually-hidden">{t("admin.menuProfiles")}</caption>
        <thead><tr>
          <th scope="col">{t("admin.id")}</th><th scope="col">{t("admin.name")}</th><th scope="col">{t("menu.links")}</th><th scope="col">{t("menu.givenTo")}</th>
          <th scope="col"><span class="visually-hidden">{t("admin.actions")}</span></th>
        </tr></thead>
        <tbody>
          {items.map((p) => (
            <tr key={p.id} data-menu={p.id}>
              <td>{p.id}</td><td dir="auto">{p.name}</td>
              <td>{p.links.map((l) => l.label || l.target).join(", ")}</td>
              <td data-testid="menu-given-to">{[...p.roles.map((r) => t(ROLES.find((x) => x.value === r)?.label ?? "role.agent")), ...p.users.map((u) => dir?.users.find((x) => x.id === u)?.name ?? u)].join(", ")}</td>
              <td class="row">
                <button type="button" class="link" onClick={() => setOpen({ p, creating: false })} aria-label={t("admin.editItem", { id: p.id })}>{t("admin.edit")}</button>
                <button type="button" class="link" onClick={() => remove(p)} aria-label={t("admin.deleteItem", { id: p.id })}>{t("admin.delete")}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
