// Admin → Templates (S12): list, create, edit, disable, copy; every field; the version shown.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, get } from "../api";
import { CustomFieldInput, customValue } from "../components/Fields";
import { fmtDateTime, language, t } from "../i18n";
import { errorText } from "../logic/errors";
import { itilLabel, priorityLabel, statusLabel } from "../logic/labels";
import { directory, say } from "../state";
import { useStore } from "../store";
import type { CustomFieldDef, Status } from "../types";
import type { CalendarItem } from "./Calendars";
import { SlaPausingInput } from "./SlaPausing";
import { type SlaTargets, SlaTargetsInput } from "./SlaTargets";
import { faultField, faultText, type TemplateFault, templateFault } from "./templateErrors";

export interface TemplateItem {
  id: string;
  title: string;
  response_point_id: string;
  group_id: string;
  agent_id: string;
  ticket_types: { id: string; instruction: string }[];
  default_ticket_type: string;
  ticket_title: string;
  description: string;
  solution_text: string;
  solution_suggestions: { title: string; text: string }[];
  sla: SlaTargets;
  calendar_id: string;
  sla_pausing: string[] | null; // null: as the general settings say (S12)
  itil_process: string;
  default_status: string;
  default_priority: string;
  steps: string[];
  custom_fields: Record<string, unknown>;
  enabled: boolean;
  version: number;
  updated_at?: string;
}

interface Version { version: number; title: string; enabled: boolean; updated_at: string; updated_by: string }

const DEFAULT_STATUSES: Status[] = ["new", "open", "with_contact", "with_external", "dormant"];

function blank(rp: string): TemplateItem {
  return {
    id: "", title: "", response_point_id: rp, group_id: "", agent_id: "", ticket_types: [], default_ticket_type: "",
    ticket_title: "", description: "", solution_text: "", solution_suggestions: [], sla: {}, calendar_id: "", sla_pausing: null,
    itil_process: "", default_status: "new", default_priority: "medium", steps: [], custom_fields: {}, enabled: true, version: 0,
  };
}

/** The form's text for a prefilled value, and the stored values from the form's texts:
 * only fields with a value are kept, numbers as numbers. */
export function prefillTexts(values: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v === null || v === undefined ? "" : String(v)]));
}
export function prefillValues(defs: CustomFieldDef[], texts: Record<string, string>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const def of defs) {
    const value = customValue(def, texts[def.id] ?? "");
    if (value !== null) values[def.id] = value;
  }
  return values;
}

/** A template's field as an optional input; a stored choice the field no longer offers is
 * still shown (and refused by the API on save, with its reason). */
function prefillDef(def: CustomFieldDef, value: string): CustomFieldDef {
  const options = def.type === "select" && value && !def.options.includes(value) ? [...def.options, value] : def.options;
  return { ...def, required: false, options };
}

/** An API refusal in words: a template that does not render says where and why. */
export function refusal(e: unknown): string {
  if (e instanceof ApiError && (e.code === "template_render" || e.code === "invalid")) return `${t("tpl.refused")}: ${e.message}`;
  if (e instanceof ApiError && e.code === "stale") return t("tpl.stale");
  return errorText(e);
}

function TemplateForm({ initial, creating, onDone }: { initial: TemplateItem; creating: boolean; onDone: () => void }) {
  const dir = useStore(directory);
  const [tpl, setTpl] = useState<TemplateItem>(initial);
  const [problem, setProblem] = useState<string | null>(null);
  // Issue 15: a text that does not render is said at its field, which is scrolled to and focused.
  const [fault, setFault] = useState<TemplateFault | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (!fault) return;
    const field = formRef.current?.querySelector<HTMLElement>(`[data-tpl-field="${CSS.escape(fault.field)}"]`);
    field?.scrollIntoView({ block: "center" });
    field?.focus({ preventScroll: true });
  }, [fault]);
  const bad = (field: string) => (fault?.field === field ? { "aria-invalid": true, "aria-describedby": "tpl-fault" } : {});
  const faultAt = (field: string, wide = false) => (fault?.field === field ? (
    <p class={wide ? "wide field-error" : "field-error"} id="tpl-fault" role="alert" data-testid="template-field-error">
      {t("tplerr.refused", { field: faultField(field) })} {faultText(fault)}
    </p>
  ) : null);
  const [prefill, setPrefill] = useState<Record<string, string>>(() => prefillTexts(initial.custom_fields ?? {}));
  const [calendars, setCalendars] = useState<CalendarItem[]>([]);
  useEffect(() => {
    get<{ items: CalendarItem[] }>("/api/admin/calendars").then((r) => setCalendars(r.items)).catch(() => undefined);
  }, []);
  const [history, setHistory] = useState<{ versions: Version[]; rules: { id: string; name: string }[] }>({ versions: [], rules: [] });
  useEffect(() => {
    if (creating) return;
    const id = encodeURIComponent(initial.id);
    Promise.all([
      get<{ items: Version[] }>(`/api/admin/templates/${id}/versions`),
      get<{ matching_rules?: { id: string; name: string }[] }>(`/api/admin/templates/${id}`),
    ]).then(([v, full]) => setHistory({ versions: v.items, rules: full.matching_rules ?? [] })).catch(() => undefined);
  }, [initial.id, creating]);
  const set = <K extends keyof TemplateItem>(k: K, v: TemplateItem[K]) => setTpl((before) => ({ ...before, [k]: v }));
  if (!dir) return null;
  const groups = dir.groups.filter((g) => g.response_point_id === tpl.response_point_id);
  const lang = language.get();

  async function save(event: Event) {
    event.preventDefault();
    const { updated_at: _u, ...rest } = tpl;
    const body = { ...rest, custom_fields: prefillValues(dir?.custom_fields ?? [], prefill) };
    try {
      if (creating) await api("POST", "/api/admin/templates", body);
      else await api("PUT", `/api/admin/templates/${encodeURIComponent(tpl.id)}`, body);
      say(t("admin.saved"));
      onDone();
    } catch (e) {
      const found = templateFault(e);
      setFault(found);
      setProblem(found ? null : refusal(e));
    }
  }
  return (
    <form ref={formRef} class="card form-grid" onSubmit={save} aria-label={creating ? t("tpl.new") : t("tpl.editTitle", { title: initial.title })} data-testid="template-form">
      {problem && <p class="wide notice notice-error" role="alert" data-testid="template-error">{problem}</p>}
      {!creating && <p class="wide muted" data-testid="template-version">{t("tpl.version", { n: tpl.version })}</p>}
      {!creating && history.versions.length > 0 && (
        <details class="wide">
          <summary>{t("tpl.history")}</summary>
          <ul>{history.versions.map((v) => <li key={v.version}>{t("tpl.historyLine", { n: v.version, title: v.title, at: fmtDateTime(v.updated_at), by: v.updated_by })}</li>)}</ul>
        </details>
      )}
      {!creating && (
        <p class="wide" data-testid="template-rules">
          {t("tpl.rules")}: {history.rules.length ? history.rules.map((r) => r.name).join(", ") : t("tpl.noRules")}{" "}
          <a href="#/admin/rules">{t("tpl.toRules")}</a>
        </p>
      )}
      <label>{t("admin.id")}<input name="tpl-id" required readOnly={!creating} value={tpl.id} onInput={(e) => set("id", e.currentTarget.value)} /></label>
      <label>{t("tpl.name")}<input name="tpl-title" required value={tpl.title} onInput={(e) => set("title", e.currentTarget.value)} /></label>
      <label>{t("field.responsePoint")}
        <select name="tpl-rp" required value={tpl.response_point_id} onChange={(e) => setTpl({ ...tpl, response_point_id: e.currentTarget.value, group_id: "" })}>
          {dir.response_points.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
        </select>
      </label>
      <label>{t("field.group")}
        <select name="tpl-group" value={tpl.group_id} onChange={(e) => set("group_id", e.currentTarget.value)}>
          <option value="">–</option>
          {groups.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
        </select>
      </label>
      <label>{t("field.agent")}
        <select name="tpl-agent" value={tpl.agent_id} onChange={(e) => set("agent_id", e.currentTarget.value)}>
          <option value="">–</option>
          {dir.users.filter((u) => u.active).map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
        </select>
      </label>
      <label>{t("field.priority")}
        <select name="tpl-priority" value={tpl.default_priority} onChange={(e) => set("default_priority", e.currentTarget.value)}>
          {dir.priorities.map((p) => <option key={p} value={p}>{priorityLabel(p)}</option>)}
        </select>
      </label>
      <label>{t("tpl.defaultStatus")}
        <select name="tpl-status" value={tpl.default_status} onChange={(e) => set("default_status", e.currentTarget.value)}>
          {DEFAULT_STATUSES.map((s) => <option key={s} value={s}>{statusLabel(s)}</option>)}
        </select>
      </label>
      <label>{t("field.itil")}
        <select name="tpl-itil" value={tpl.itil_process} onChange={(e) => set("itil_process", e.currentTarget.value)}>
          <option value="">–</option>
          {dir.itil_processes.map((p) => <option key={p} value={p}>{itilLabel(p)}</option>)}
        </select>
      </label>
      <label>{t("tpl.calendar")}
        <select name="tpl-calendar" value={tpl.calendar_id} onChange={(e) => set("calendar_id", e.currentTarget.value)}>
          <option value="">{t("tpl.noCalendar")}</option>
          {tpl.calendar_id && !calendars.some((c) => c.id === tpl.calendar_id) && <option value={tpl.calendar_id}>{tpl.calendar_id}</option>}
          {calendars.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
      </label>
      <label class="wide">{t("tpl.ticketTitle")}<input name="tpl-ticket-title" data-tpl-field="ticket_title" {...bad("ticket_title")} value={tpl.ticket_title} onInput={(e) => set("ticket_title", e.currentTarget.value)} /></label>
      {faultAt("ticket_title", true)}
      <p class="wide muted">{t("tpl.placeholders")}</p>
      <label class="wide">{t("field.description")}<textarea name="tpl-description" data-tpl-field="description" {...bad("description")} rows={3} value={tpl.description} onInput={(e) => set("description", e.currentTarget.value)} /></label>
      {faultAt("description", true)}
      <label class="wide">{t("tpl.solutionText")}<textarea name="tpl-solution" data-tpl-field="solution_text" {...bad("solution_text")} rows={3} value={tpl.solution_text} onInput={(e) => set("solution_text", e.currentTarget.value)} /></label>
      {faultAt("solution_text", true)}

      <fieldset class="wide" data-testid="tpl-types">
        <legend>{t("tpl.ticketTypes")}</legend>
        {tpl.ticket_types.map((tt, n) => (
          <div class="row" key={n}>
            <label>{t("field.type")}
              <select value={tt.id} onChange={(e) => set("ticket_types", tpl.ticket_types.map((x, i) => (i === n ? { ...x, id: e.currentTarget.value } : x)))}>
                <option value="">–</option>
                {dir.ticket_types.map((x) => <option key={x.id} value={x.id}>{lang === "sv" ? x.name_sv : x.name_en}</option>)}
              </select>
            </label>
            <label>{t("tpl.instruction")}<textarea rows={2} data-tpl-field={`ticket_types[${n}].instruction`} {...bad(`ticket_types[${n}].instruction`)} value={tt.instruction} onInput={(e) => set("ticket_types", tpl.ticket_types.map((x, i) => (i === n ? { ...x, instruction: e.currentTarget.value } : x)))} /></label>
            {faultAt(`ticket_types[${n}].instruction`)}
            <button type="button" class="link" onClick={() => set("ticket_types", tpl.ticket_types.filter((_, i) => i !== n))}>{t("tpl.removeType", { n: n + 1 })}</button>
          </div>
        ))}
        <button type="button" onClick={() => set("ticket_types", [...tpl.ticket_types, { id: "", instruction: "" }])}>{t("tpl.addType")}</button>
        <label>{t("tpl.defaultType")}
          <select name="tpl-default-type" value={tpl.default_ticket_type} onChange={(e) => set("default_ticket_type", e.currentTarget.value)}>
            <option value="">–</option>
            {tpl.ticket_types.filter((x) => x.id).map((x) => <option key={x.id} value={x.id}>{x.id}</option>)}
          </select>
        </label>
      </fieldset>

      <fieldset class="wide" data-testid="tpl-suggestions">
        <legend>{t("tpl.suggestions")}</legend>
        {tpl.solution_suggestions.map((s, n) => (
          <div class="row" key={n}>
            <label>{t("tpl.suggestionTitle")}<input value={s.title} onInput={(e) => set("solution_suggestions", tpl.solution_suggestions.map((x, i) => (i === n ? { ...x, title: e.currentTarget.value } : x)))} /></label>
            <label>{t("tpl.suggestionText")}<textarea rows={2} data-tpl-field={`solution_suggestions[${n}]`} {...bad(`solution_suggestions[${n}]`)} value={s.text} onInput={(e) => set("solution_suggestions", tpl.solution_suggestions.map((x, i) => (i === n ? { ...x, text: e.currentTarget.value } : x)))} /></label>
            {faultAt(`solution_suggestions[${n}]`)}
            <button type="button" class="link" onClick={() => set("solution_suggestions", tpl.solution_suggestions.filter((_, i) => i !== n))}>{t("tpl.removeSuggestion", { n: n + 1 })}</button>
          </div>
        ))}
        <button type="button" onClick={() => set("solution_suggestions", [...tpl.solution_suggestions, { title: "", text: "" }])}>{t("tpl.addSuggestion")}</button>
      </fieldset>

      <fieldset class="wide" data-testid="tpl-steps">
        <legend>{t("tpl.steps")}</legend>
        <ol>
          {tpl.steps.map((s, n) => (
            <li key={n} class="row">
              <label>{t("tpl.step", { n: n + 1 })}<input data-tpl-field={`steps[${n}]`} {...bad(`steps[${n}]`)} value={s} onInput={(e) => set("steps", tpl.steps.map((x, i) => (i === n ? e.currentTarget.value : x)))} /></label>
              {faultAt(`steps[${n}]`)}
              <button type="button" class="link" onClick={() => set("steps", tpl.steps.filter((_, i) => i !== n))}>{t("tpl.removeStep", { n: n + 1 })}</button>
            </li>
          ))}
        </ol>
        <button type="button" onClick={() => set("steps", [...tpl.steps, ""])}>{t("tpl.addStep")}</button>
      </fieldset>

      <fieldset class="wide form-grid" data-testid="tpl-prefill">
        <legend>{t("tpl.prefill")}</legend>
        <p class="wide muted">{dir.custom_fields.length ? t("tpl.prefillHint") : t("tpl.noCustomFields")}</p>
        {dir.custom_fields.map((def) => (
          <CustomFieldInput key={def.id} def={prefillDef(def, prefill[def.id] ?? "")} value={prefill[def.id] ?? ""}
            onChange={(v) => setPrefill((before) => ({ ...before, [def.id]: v }))} />
        ))}
      </fieldset>

      <SlaTargetsInput value={tpl.sla} priorities={dir.priorities} name="tpl-sla" legend={t("tpl.sla")} onChange={(sla) => set("sla", sla)} />
      <SlaPausingInput value={tpl.sla_pausing ?? null} name="tpl-sla-pausing" general onChange={(v) => set("sla_pausing", v)} />
      <label class="check"><input type="checkbox" name="tpl-enabled" checked={tpl.enabled} onChange={(e) => set("enabled", e.currentTarget.checked)} />{t("tpl.enabled")}</label>
      <div class="wide row">
        <button type="submit" class="primary">{t("common.save")}</button>
        <button type="button" onClick={onDone}>{t("common.cancel")}</button>
      </div>
    </form>
  );
}

export function TemplatesScreen() {
  const dir = useStore(directory);
  const [items, setItems] = useState<TemplateItem[]>([]);
  // `n` counts openings, so "Add" (or "Edit" again) always starts a fresh form.
  const [open, setOpenState] = useState<{ item: TemplateItem; creating: boolean; n: number } | null>(null);
  const setOpen = (next: { item: TemplateItem; creating: boolean } | null) =>
    setOpenState((before) => (next ? { ...next, n: (before?.n ?? 0) + 1 } : null));
  const load = () => get<{ items: TemplateItem[] }>("/api/admin/templates").then((r) => setItems(r.items)).catch((e) => say(errorText(e), "error"));
  useEffect(() => void load(), []);

  async function toggle(item: TemplateItem) {
    try {
      await api("PUT", `/api/admin/templates/${encodeURIComponent(item.id)}`, { ...item, enabled: !item.enabled });
      say(t("admin.saved"));
      await load();
    } catch (e) {
      say(refusal(e), "error");
    }
  }
  const [copying, setCopying] = useState<{ from: TemplateItem; id: string; title: string } | null>(null);
  async function copy(event: Event) {
    event.preventDefault();
    if (!copying) return;
    try {
      await api("POST", `/api/admin/templates/${encodeURIComponent(copying.from.id)}/copy`, { id: copying.id, title: copying.title });
      say(t("admin.saved"));
      setCopying(null);
      await load();
    } catch (e) {
      say(refusal(e), "error");
    }
  }
  const done = () => { setOpen(null); void load(); };
  // The form edits the stored template as it is now (not the list's copy, which a save a
  // moment ago may have left a version behind): saving it then never meets a stale version.
  async function edit(item: TemplateItem) {
    try {
      const { matching_rules: _rules, ...fresh } = await get<TemplateItem & { matching_rules?: unknown }>(`/api/admin/templates/${encodeURIComponent(item.id)}`);
      setOpen({ item: fresh, creating: false });
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  return (
    <section aria-labelledby="admin-title">
      <div class="list-head">
        <h1 id="admin-title">{t("admin.templates")}</h1>
        <button type="button" class="primary" onClick={() => setOpen({ item: blank(dir?.default_response_point_id || dir?.response_points[0]?.id || ""), creating: true })}>{t("admin.add")}</button>
      </div>
      {copying && (
        <form class="card row" onSubmit={copy} aria-label={t("tpl.copyTitle", { id: copying.from.id })} data-testid="template-copy">
          <label>{t("tpl.copyId")}<input name="copy-id" required value={copying.id} onInput={(e) => setCopying({ ...copying, id: e.currentTarget.value })} /></label>
          <label>{t("tpl.name")}<input name="copy-title" value={copying.title} onInput={(e) => setCopying({ ...copying, title: e.currentTarget.value })} /></label>
          <button type="submit" class="primary">{t("tpl.copy")}</button>
          <button type="button" onClick={() => setCopying(null)}>{t("common.cancel")}</button>
        </form>
      )}
      {open && <TemplateForm key={open.n} initial={open.item} creating={open.creating} onDone={done} />}
      <table class="tickets" data-testid="template-list">
        <caption class="visually-hidden">{t("admin.templates")}</caption>
        <thead><tr>
          <th scope="col">{t("admin.id")}</th><th scope="col">{t("tpl.name")}</th><th scope="col">{t("field.responsePoint")}</th>
          <th scope="col">{t("tpl.versionCol")}</th><th scope="col">{t("tpl.enabled")}</th>
          <th scope="col"><span class="visually-hidden">{t("admin.actions")}</span></th>
        </tr></thead>
        <tbody>
          {items.map((item) => (
            <tr key={item.id}>
              <td>{item.id}</td><td dir="auto">{item.title}</td><td dir="auto">{dir?.response_points.find((r) => r.id === item.response_point_id)?.name ?? item.response_point_id}</td><td>{item.version}</td>
              <td>{item.enabled ? t("common.yes") : t("common.no")}</td>
              <td class="row">
                <button type="button" class="link" onClick={() => void edit(item)} aria-label={t("admin.editItem", { id: item.id })}>{t("admin.edit")}</button>
                <button type="button" class="link" onClick={() => toggle(item)} aria-label={t(item.enabled ? "tpl.disableItem" : "tpl.enableItem", { id: item.id })}>{item.enabled ? t("tpl.disable") : t("tpl.enable")}</button>
                <button type="button" class="link" onClick={() => setCopying({ from: item, id: `${item.id}-2`, title: `${item.title} (2)` })} aria-label={t("tpl.copyItem", { id: item.id })}>{t("tpl.copy")}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
