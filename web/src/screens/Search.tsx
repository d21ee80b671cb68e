// Search (S14, S16): criteria the API supports, paged results, saved searches, CSV export.
import { useEffect, useState } from "preact/hooks";
import { api, download, downloadPost, get, q, seg } from "../api";
import { type Key, language, t } from "../i18n";
import { errorText } from "../logic/errors";
import { itilLabel, channelLabel, priorityLabel, statusLabel } from "../logic/labels";
import { go } from "../logic/route";
import { hiddenFor, isShown } from "../logic/fieldSettings";
import { say } from "../state";
import type { Contact, Directory, Status, Ticket, User } from "../types";
import { BulkBar } from "../components/lists/BulkBar";
import { useChosen } from "../components/lists/useChosen";
import { TicketList } from "../components/TicketList";
import { ContactPicker } from "./NewTicket";
import { OrganisationFilter } from "./crm/ContactCrm";
import type { TemplateItem } from "../admin/Templates";

export type Criteria = Record<string, unknown> & { status?: string[]; custom_fields?: Record<string, unknown> };
export interface SavedSearch { id: string; name: string; shared: boolean; owner_id: string; criteria: Criteria }

const RANGES = ["created", "updated", "closed"] as const;
const SLA_STATES = ["none", "running", "breached"] as const;

/** Form values (dates as yyyy-mm-dd) to the API's criteria (ISO instants, whole days). */
export function toCriteria(form: Record<string, string>, statuses: string[], custom: Record<string, string>): Criteria {
  const out: Criteria = {};
  if (statuses.length) out.status = statuses;
  for (const [k, v] of Object.entries(form)) {
    if (!v) continue;
    const range = /^(created|updated|closed)_(from|to)$/.exec(k);
    if (range) out[k] = new Date(`${v}T${range[2] === "from" ? "00:00:00" : "23:59:59"}`).toISOString();
    else out[k] = v;
  }
  const cf = Object.fromEntries(Object.entries(custom).filter(([, v]) => v !== ""));
  if (Object.keys(cf).length) out.custom_fields = cf;
  return out;
}

function fromCriteria(c: Criteria): { form: Record<string, string>; statuses: string[]; custom: Record<string, string> } {
  const form: Record<string, string> = {};
  for (const [k, v] of Object.entries(c)) {
    if (k === "status" || k === "custom_fields") continue;
    form[k] = /_(from|to)$/.test(k) ? new Date(String(v)).toLocaleDateString("sv-SE") : String(v);
  }
  const custom = Object.fromEntries(Object.entries(c.custom_fields ?? {}).map(([k, v]) => [k, String(v)]));
  return { form, statuses: c.status ?? [], custom };
}

export function SearchScreen({ user, dir, savedId }: { user: User; dir: Directory; savedId: string | null }) {
  const [form, setForm] = useState<Record<string, string>>({});
  // Fields hidden at the chosen response point (or everywhere, when none is chosen) are not
  // offered as criteria either: hidden means hidden everywhere.
  const shown = (field: string) => isShown(hiddenFor(dir, form.response_point_id || null), field);
  const [statuses, setStatuses] = useState<string[]>([]);
  const [custom, setCustom] = useState<Record<string, string>>({});
  const [contact, setContact] = useState<Contact | null>(null);
  const [results, setResults] = useState<Ticket[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [saved, setSaved] = useState<SavedSearch[]>([]);
  const [opened, setOpened] = useState<SavedSearch | null>(null);
  const [saveAs, setSaveAs] = useState({ name: "", shared: false });
  const [templates, setTemplates] = useState<TemplateItem[]>([]);
  const [busy, setBusy] = useState(false);
  const lang = language.get();
  const { chosen, onChoose, clear } = useChosen(results ?? [], savedId ?? "search");

  const loadSaved = () => get<{ items: SavedSearch[] }>("/api/saved-searches").then((r) => setSaved(r.items)).catch((e) => say(errorText(e), "error"));
  useEffect(() => {
    void loadSaved();
    get<{ items: TemplateItem[] }>("/api/templates").then((r) => setTemplates(r.items)).catch(() => setTemplates([]));
  }, []);
  useEffect(() => {
    setResults(null);
    setOpened(null);
    if (!savedId) return;
    get<SavedSearch>(`/api/saved-searches/${seg(savedId)}`).then((found) => {
      setOpened(found);
      const back = fromCriteria(found.criteria);
      setForm(back.form);
      setStatuses(back.statuses);
      setCustom(back.custom);
      return openPage(found.id, null);
    }).catch((e) => say(errorText(e), "error"));
  }, [savedId]);

  const criteria = () => toCriteria({ ...form, contact_id: contact?.id ?? form.contact_id ?? "" }, statuses, custom);
  async function openPage(id: string, from: string | null) {
    const page = await get<{ items: Ticket[]; cursor: string | null }>(q(`/api/saved-searches/${seg(id)}/tickets`, { limit: 50, cursor: from }));
    setResults((before) => (from ? [...(before ?? []), ...page.items] : page.items));
    setCursor(page.cursor);
  }
  async function runPage(from: string | null) {
    setBusy(true);
    try {
      if (opened && !from && savedId) await openPage(opened.id, null);
      else if (opened && from) await openPage(opened.id, from);
      else {
        const page = await api<{ items: Ticket[]; cursor: string | null }>("POST", "/api/tickets/search", { ...criteria(), limit: 50, ...(from ? { cursor: from } : {}) });
        setResults((before) => (from ? [...(before ?? []), ...page.items] : page.items));
        setCursor(page.cursor);
      }
    } catch (e) {
      say(errorText(e), "error");
    } finally {
      setBusy(false);
    }
  }
  function submit(event: Event) {
    event.preventDefault();
    setOpened(null);
    if (savedId) go("#/search");
    void (async () => {
      setBusy(true);
      try {
        const page = await api<{ items: Ticket[]; cursor: string | null }>("POST", "/api/tickets/search", { ...criteria(), limit: 50 });
        setResults(page.items);
        setCursor(page.cursor);
      } catch (e) {
        say(errorText(e), "error");
      } finally {
        setBusy(false);
      }
    })();
  }
  async function save(event: Event) {
    event.preventDefault();
    try {
      const created = await api<SavedSearch>("POST", "/api/saved-searches", { name: saveAs.name, shared: saveAs.shared, criteria: criteria() });
      say(t("search.savedDone", { name: created.name }));
      setSaveAs({ name: "", shared: false });
      await loadSaved();
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  async function remove(s: SavedSearch) {
    if (!confirm(t("search.confirmDelete", { name: s.name }))) return;
    try {
      await api("DELETE", `/api/saved-searches/${seg(s.id)}`);
      await loadSaved();
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  async function exportCsv() {
    try {
      if (opened) await download(`/api/saved-searches/${seg(opened.id)}/export`, `${opened.name}.csv`);
      else await downloadPost("/api/tickets/search/export", criteria(), "tickets.csv");
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  const set = (k: string, v: string) => setForm((before) => ({ ...before, [k]: v }));
  const groups = dir.groups.filter((g) => !form.response_point_id || g.response_point_id === form.response_point_id);
  const select = (name: string, label: string, options: { value: string; label: string }[]) => (
    <label>{label}
      <select name={`s-${name}`} value={form[name] ?? ""} onChange={(e) => set(name, e.currentTarget.value)}>
        <option value="">–</option>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    </label>
  );
  return (
    <main id="main" tabIndex={-1} class="page search">
      <h1>{opened ? t("search.openedTitle", { name: opened.name }) : t("search.title")}</h1>
      <div class="search-layout">
        <form class="card form-grid" onSubmit={submit} aria-label={t("search.criteria")} data-testid="search-form">
          <fieldset class="wide">
            <legend>{t("list.status")}</legend>
            {dir.statuses.map((s) => (
              <label class="check" key={s}>
                <input type="checkbox" name="s-status" value={s} checked={statuses.includes(s)}
                  onChange={(e) => setStatuses(e.currentTarget.checked ? [...statuses, s] : statuses.filter((x) => x !== s))} />
                {statusLabel(s as Status)}
              </label>
            ))}
          </fieldset>
          <label class="wide">{t("search.words")}<input type="search" name="s-words" value={form.words ?? ""} dir="auto" onInput={(e) => set("words", e.currentTarget.value)} /></label>
          {select("response_point_id", t("field.responsePoint"), dir.response_points.map((r) => ({ value: r.id, label: r.name })))}
          {select("group_id", t("field.group"), groups.map((g) => ({ value: g.id, label: g.name })))}
          {select("agent_id", t("field.agent"), [{ value: "me", label: t("search.me") }, ...dir.users.map((u) => ({ value: u.id, label: u.name }))])}
          {shown("ticket_type") && select("ticket_type", t("field.type"), dir.ticket_types.map((x) => ({ value: x.id, label: lang === "sv" ? x.name_sv : x.name_en })))}
          {select("template_id", t("search.template"), templates.map((x) => ({ value: x.id, label: x.title })))}
          {select("priority", t("field.priority"), dir.priorities.map((p) => ({ value: p, label: priorityLabel(p) })))}
          {shown("itil_process") && select("itil_process", t("field.itil"), dir.itil_processes.map((p) => ({ value: p, label: itilLabel(p) })))}
          {select("channel", t("search.channel"), dir.channels.map((c) => ({ value: c, label: channelLabel(c) })))}
          {select("sla_state", t("search.sla"), SLA_STATES.map((s) => ({ value: s, label: t(`search.sla.${s}` as Key) })))}
          <fieldset class="wide">
            <legend>{t("contact.title")}</legend>
            <ContactPicker chosen={contact} onChoose={(c) => { setContact(c); set("contact_id", c?.id ?? ""); }} />
          </fieldset>
          <fieldset class="wide" data-testid="search-organisation">
            <legend>{t("org.label")}</legend>
            <OrganisationFilter id={form.organisation_id ?? ""} onChoose={(o) => set("organisation_id", o?.id ?? "")} />
          </fieldset>
          {RANGES.map((r) => (
            <fieldset key={r} class="range">
              <legend>{t(`search.range.${r}` as Key)}</legend>
              <label>{t("search.from")}<input type="date" name={`s-${r}_from`} value={form[`${r}_from`] ?? ""} onInput={(e) => set(`${r}_from`, e.currentTarget.value)} /></label>
              <label>{t("search.to")}<input type="date" name={`s-${r}_to`} value={form[`${r}_to`] ?? ""} onInput={(e) => set(`${r}_to`, e.currentTarget.value)} /></label>
            </fieldset>
          ))}
          {dir.custom_fields.filter((def) => shown(`custom_fields.${def.id}`)).map((def) => (
            <label key={def.id}>{def.label}
              <input type={def.type === "number" ? "number" : def.type === "date" ? "date" : "text"} name={`s-cf-${def.id}`} value={custom[def.id] ?? ""}
                onInput={(e) => setCustom({ ...custom, [def.id]: e.currentTarget.value })} />
            </label>
          ))}
          <div class="wide row">
            <button type="submit" class="primary" disabled={busy}>{t("common.search")}</button>
            <button type="button" onClick={exportCsv} data-testid="export-csv">{t("search.export")}</button>
          </div>
        </form>
        <aside class="card saved-searches" aria-labelledby="saved-title">
          <h2 id="saved-title">{t("search.saved")}</h2>
          {saved.length === 0 ? <p class="muted">{t("search.noSaved")}</p> : (
            <ul data-testid="saved-list">
              {saved.map((s) => (
                <li key={s.id}>
                  <a href={`#/search/${encodeURIComponent(s.id)}`} aria-current={s.id === savedId ? "page" : undefined}>{s.name}</a>
                  {" "}<span class="muted">{s.shared ? t("search.shared") : t("search.personal")}</span>
                  {(s.owner_id === user.id || user.roles.includes("admin")) && (
                    <button type="button" class="link" onClick={() => remove(s)} aria-label={t("search.deleteNamed", { name: s.name })}>{t("admin.delete")}</button>
                  )}
                </li>
              ))}
            </ul>
          )}
          <form onSubmit={save} aria-label={t("search.saveTitle")} data-testid="save-search">
            <h3>{t("search.saveTitle")}</h3>
            <label>{t("search.name")}<input name="save-name" required value={saveAs.name} onInput={(e) => setSaveAs({ ...saveAs, name: e.currentTarget.value })} /></label>
            <label class="check"><input type="checkbox" name="save-shared" checked={saveAs.shared} onChange={(e) => setSaveAs({ ...saveAs, shared: e.currentTarget.checked })} />{t("search.shareIt")}</label>
            <button type="submit">{t("search.save")}</button>
          </form>
        </aside>
      </div>
      <section aria-labelledby="results-title">
        <h2 id="results-title">{t("search.results")}</h2>
        {/* Issue 15: the results are a ticket list like the inboxes: chosen columns, bulk work. */}
        {results === null ? <p class="muted">{t("search.notRun")}</p> : results.length === 0 ? <p>{t("list.empty")}</p> : (
          <div data-testid="search-results">
            <BulkBar dir={dir} items={results} chosen={chosen} onClear={clear} onChanged={() => void runPage(null)} />
            <TicketList items={results} contacts={{}} dir={dir} caption={t("search.results")} spansGroups loading={busy}
              linkTo={(ticket) => `#/ticket/${encodeURIComponent(ticket.id)}`} chosen={chosen} onChoose={onChoose} />
          </div>
        )}
        {cursor && <button type="button" disabled={busy} onClick={() => runPage(cursor)}>{t("list.more")}</button>}
      </section>
    </main>
  );
}
