// Admin → Alarms and triggers (S7): when something happens to a ticket that is as described,
// alarm by SMS or e-mail, notify, set the priority or the group. The API checks everything
// (422 with the reason, shown); the dry run tries the triggers on a sample.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, get } from "../api";
import { type Key, t } from "../i18n";
import { errorText } from "../logic/errors";
import { channelLabel, priorityLabel, typeLabel } from "../logic/labels";
import {
  ACTION_TYPES, actionLabel, actionText, reasonText, WHEN, whenLabel,
  type ActionType, type Reason, type TriggerAction, type TriggerConditions, type TriggerItem,
} from "../logic/triggers";
import { directory, say } from "../state";
import { useStore } from "../store";
import type { Directory } from "../types";

interface Verdict { id: string; name: string; enabled: boolean; fires: boolean; reasons: Reason[]; why: string | null; actions: TriggerAction[] }

const blankConditions = (): TriggerConditions => ({ keywords: [], response_point_id: "", group_id: "", channel: "", priority: "", ticket_type: "", organisation: "" });
const blank = (): TriggerItem => ({ id: "", name: "", when: ["ticket_created", "message_in"], conditions: blankConditions(), actions: [{ type: "sms", to: [] }], enabled: true, hourly_cap: 20 });
const splitList = (text: string): string[] => text.split(/[,;\n]+/).map((s) => s.trim()).filter(Boolean);

function refusal(e: unknown, what: Key): string {
  if (e instanceof ApiError && (e.code === "invalid" || e.code === "bad_request")) return `${t(what)}: ${e.message}`;
  return `${t(what)}: ${errorText(e)}`;
}

function ActionFields({ action, n, dir, onChange }: { action: TriggerAction; n: number; dir: Directory | null; onChange: (a: TriggerAction) => void }) {
  const groups = dir?.groups ?? [];
  switch (action.type) {
    case "sms":
    case "email":
      return (
        <label>{t(action.type === "sms" ? "trig.smsTo" : "trig.emailTo")}
          <input name={`trig-action-to-${n}`} required value={(action.to ?? []).join(", ")} onInput={(e) => onChange({ ...action, to: splitList(e.currentTarget.value) })} />
        </label>
      );
    case "notify":
      return (
        <>
          <label>{t("trig.group")}
            <select name={`trig-action-group-${n}`} value={action.group_id ?? ""} onChange={(e) => onChange({ type: "notify", ...(e.currentTarget.value ? { group_id: e.currentTarget.value } : {}) })}>
              <option value="">–</option>
              {groups.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
            </select>
          </label>
          <label>{t("trig.agent")}
            <select name={`trig-action-agent-${n}`} value={action.agent_id ?? ""} onChange={(e) => onChange({ type: "notify", ...(e.currentTarget.value ? { agent_id: e.currentTarget.value } : {}) })}>
              <option value="">–</option>
              {(dir?.users ?? []).filter((u) => u.active).map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
            </select>
          </label>
        </>
      );
    case "set_priority":
      return (
        <label>{t("trig.priority")}
          <select name={`trig-action-priority-${n}`} required value={action.priority ?? ""} onChange={(e) => onChange({ ...action, priority: e.currentTarget.value })}>
            <option value="">–</option>
            {(dir?.priorities ?? []).map((p) => <option key={p} value={p}>{priorityLabel(p)}</option>)}
          </select>
        </label>
      );
    default:
      return (
        <label>{t("trig.group")}
          <select name={`trig-action-group-${n}`} required value={action.group_id ?? ""} onChange={(e) => onChange({ ...action, group_id: e.currentTarget.value })}>
            <option value="">–</option>
            {groups.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
          </select>
        </label>
      );
  }
}

function TriggerForm({ initial, creating, onDone }: { initial: TriggerItem; creating: boolean; onDone: () => void }) {
  const dir = useStore(directory);
  const [item, setItem] = useState<TriggerItem>(initial);
  const [keywords, setKeywords] = useState(initial.conditions.keywords.join("\n"));
  const [problem, setProblem] = useState<string | null>(null);
  const set = <K extends keyof TriggerItem>(k: K, v: TriggerItem[K]) => setItem((before) => ({ ...before, [k]: v }));
  const setCond = (k: keyof TriggerConditions, v: string) => setItem((before) => ({ ...before, conditions: { ...before.conditions, [k]: v } }));
  const setAction = (n: number, a: TriggerAction) => set("actions", item.actions.map((x, i) => (i === n ? a : x)));
  const rp = item.conditions.response_point_id;
  const groups = (dir?.groups ?? []).filter((g) => !rp || g.response_point_id === rp);

  async function save(event: Event) {
    event.preventDefault();
    const body = {
      ...item,
      id: creating && !item.id ? undefined : item.id,
      conditions: { ...item.conditions, keywords: keywords.split("\n").map((k) => k.trim()).filter(Boolean) },
    };
    try {
      if (creating) await api("POST", "/api/admin/triggers", body);
      else await api("PUT", `/api/admin/triggers/${encodeURIComponent(item.id)}`, body);
      say(t("admin.saved"));
      onDone();
    } catch (e) {
      setProblem(refusal(e, "trig.refused"));
    }
  }
  return (
    <form class="card form-grid" onSubmit={save} aria-label={creating ? t("trig.new") : t("trig.editTitle", { name: initial.name })} data-testid="trigger-form">
      {problem && <p class="wide notice notice-error" role="alert" data-testid="trigger-error">{problem}</p>}
      <label>{t("admin.id")}<input name="trig-id" readOnly={!creating} value={item.id} onInput={(e) => set("id", e.currentTarget.value)} /></label>
      <label>{t("admin.name")}<input name="trig-name" required value={item.name} onInput={(e) => set("name", e.currentTarget.value)} /></label>
      <fieldset class="wide" data-testid="trigger-when">
        <legend>{t("trig.when")}</legend>
        {WHEN.map((w) => (
          <label class="check" key={w}>
            <input type="checkbox" name="trig-when" value={w} checked={item.when.includes(w)}
              onChange={(e) => set("when", e.currentTarget.checked ? [...item.when, w] : item.when.filter((x) => x !== w))} />
            {whenLabel(w)}
          </label>
        ))}
      </fieldset>
      <fieldset class="wide form-grid" data-testid="trigger-conditions">
        <legend>{t("trig.conditions")}</legend>
        <label class="wide">{t("trig.keywords")}
          <textarea name="trig-keywords" rows={3} value={keywords} aria-describedby="trig-keywords-hint" onInput={(e) => setKeywords(e.currentTarget.value)} />
        </label>
        <p class="wide muted" id="trig-keywords-hint">{t("trig.keywordsHint")}</p>
        <label>{t("trig.responsePoint")}
          <select name="trig-rp" value={rp} onChange={(e) => setItem({ ...item, conditions: { ...item.conditions, response_point_id: e.currentTarget.value, group_id: "" } })}>
            <option value="">{t("trig.any")}</option>
            {(dir?.response_points ?? []).map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        </label>
        <label>{t("trig.group")}
          <select name="trig-group" value={item.conditions.group_id} onChange={(e) => setCond("group_id", e.currentTarget.value)}>
            <option value="">{t("trig.any")}</option>
            {groups.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
          </select>
        </label>
        <label>{t("trig.channel")}
          <select name="trig-channel" value={item.conditions.channel} onChange={(e) => setCond("channel", e.currentTarget.value)}>
            <option value="">{t("trig.any")}</option>
            {(dir?.channels ?? []).map((c) => <option key={c} value={c}>{channelLabel(c)}</option>)}
          </select>
        </label>
        <label>{t("trig.priority")}
          <select name="trig-priority" value={item.conditions.priority} onChange={(e) => setCond("priority", e.currentTarget.value)}>
            <option value="">{t("trig.any")}</option>
            {(dir?.priorities ?? []).map((p) => <option key={p} value={p}>{priorityLabel(p)}</option>)}
          </select>
        </label>
        <label>{t("trig.ticketType")}
          <select name="trig-type" value={item.conditions.ticket_type} onChange={(e) => setCond("ticket_type", e.currentTarget.value)}>
            <option value="">{t("trig.any")}</option>
            {(dir?.ticket_types ?? []).map((x) => <option key={x.id} value={x.id}>{typeLabel(dir!, x.id)}</option>)}
          </select>
        </label>
        <label>{t("trig.organisation")}<input name="trig-organisation" value={item.conditions.organisation} onInput={(e) => setCond("organisation", e.currentTarget.value)} /></label>
      </fieldset>
      <fieldset class="wide" data-testid="trigger-actions">
        <legend>{t("trig.actions")}</legend>
        {item.actions.map((action, n) => (
          <div class="row condition" key={n} role="group" aria-label={t("trig.action", { n: n + 1 })}>
            <label>{t("trig.actionType")}
              <select name={`trig-action-type-${n}`} value={action.type} onChange={(e) => setAction(n, { type: e.currentTarget.value as ActionType })}>
                {ACTION_TYPES.map((a) => <option key={a} value={a}>{actionLabel(a)}</option>)}
              </select>
            </label>
            <ActionFields action={action} n={n} dir={dir} onChange={(a) => setAction(n, a)} />
            {item.actions.length > 1 && (
              <button type="button" class="link" onClick={() => set("actions", item.actions.filter((_, i) => i !== n))}>{t("trig.removeAction", { n: n + 1 })}</button>
            )}
          </div>
        ))}
        <button type="button" onClick={() => set("actions", [...item.actions, { type: "email", to: [] }])}>{t("trig.addAction")}</button>
      </fieldset>
      <label>{t("trig.hourlyCap")}
        <input type="number" name="trig-cap" min={1} max={1000} required value={item.hourly_cap} onInput={(e) => set("hourly_cap", Number(e.currentTarget.value))} />
      </label>
      <label class="check"><input type="checkbox" name="trig-enabled" checked={item.enabled} onChange={(e) => set("enabled", e.currentTarget.checked)} />{t("trig.enabled")}</label>
      <div class="wide row">
        <button type="submit" class="primary">{t("common.save")}</button>
        <button type="button" onClick={onDone}>{t("common.cancel")}</button>
      </div>
    </form>
  );
}

function DryRun() {
  const dir = useStore(directory);
  const [sample, setSample] = useState({ event: "message_in", subject: "", body: "", response_point_id: "", priority: "medium", channel: "email", organisation: "" });
  const [result, setResult] = useState<Verdict[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const setS = (k: keyof typeof sample, v: string) => setSample((before) => ({ ...before, [k]: v }));
  async function run(event: Event) {
    event.preventDefault();
    try {
      setResult((await api<{ items: Verdict[] }>("POST", "/api/admin/triggers/test", { sample })).items);
      setProblem(null);
    } catch (e) {
      setResult(null);
      setProblem(refusal(e, "trig.dryRunRefused"));
    }
  }
  return (
    <section aria-labelledby="trig-dry-title" class="card">
      <h2 id="trig-dry-title">{t("trig.dryRun")}</h2>
      <p class="muted">{t("trig.dryRunAbout")}</p>
      <form class="form-grid" onSubmit={run} data-testid="trigger-dry-run">
        <label>{t("trig.event")}
          <select name="dry-event" value={sample.event} onChange={(e) => setS("event", e.currentTarget.value)}>
            {WHEN.map((w) => <option key={w} value={w}>{whenLabel(w)}</option>)}
          </select>
        </label>
        <label>{t("trig.responsePoint")}
          <select name="dry-rp" value={sample.response_point_id} onChange={(e) => setS("response_point_id", e.currentTarget.value)}>
            <option value="">–</option>
            {(dir?.response_points ?? []).map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        </label>
        <label>{t("trig.channel")}
          <select name="dry-channel" value={sample.channel} onChange={(e) => setS("channel", e.currentTarget.value)}>
            {(dir?.channels ?? ["email"]).map((c) => <option key={c} value={c}>{channelLabel(c)}</option>)}
          </select>
        </label>
        <label>{t("trig.priority")}
          <select name="dry-priority" value={sample.priority} onChange={(e) => setS("priority", e.currentTarget.value)}>
            {(dir?.priorities ?? []).map((p) => <option key={p} value={p}>{priorityLabel(p)}</option>)}
          </select>
        </label>
        <label>{t("trig.organisation")}<input name="dry-organisation" value={sample.organisation} onInput={(e) => setS("organisation", e.currentTarget.value)} /></label>
        <label class="wide">{t("trig.subject")}<input name="dry-subject" value={sample.subject} onInput={(e) => setS("subject", e.currentTarget.value)} /></label>
        <label class="wide">{t("trig.body")}<textarea name="dry-body" rows={3} value={sample.body} onInput={(e) => setS("body", e.currentTarget.value)} /></label>
        <div class="wide"><button type="submit" class="primary">{t("trig.dryRunGo")}</button></div>
      </form>
      {problem && <p class="notice notice-error" role="alert" data-testid="trigger-dry-error">{problem}</p>}
      {result && (
        <div aria-live="polite" data-testid="trigger-dry-result">
          {result.length === 0 ? <p class="muted">{t("trig.noTriggers")}</p> : (
            <ul>
              {result.map((v) => (
                <li key={v.id} data-trigger={v.id} data-fires={String(v.fires)}>
                  <strong dir="auto">{v.name}</strong>{!v.enabled && ` ${t("trig.disabledNote")}`}: {v.fires ? t("trig.fires") : t("trig.doesNotFire")}
                  {v.fires
                    ? <> ({v.reasons.map((r) => reasonText(r, dir)).join(", ")}) → {v.actions.map((a) => actionText(a, dir)).join("; ")}</>
                    : v.why && <span class="muted" dir="auto"> ({v.why})</span>}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}

function conditionSummary(c: TriggerConditions, dir: Directory | null): string {
  const parts: string[] = [];
  if (c.keywords.length) parts.push(`${t("trig.keywordsShort")}: ${c.keywords.join(", ")}`);
  for (const k of ["response_point_id", "group_id", "channel", "priority", "ticket_type", "organisation"] as const) {
    if (c[k]) parts.push(reasonText({ condition: k, value: c[k] }, dir));
  }
  return parts.join("; ") || t("trig.noConditions");
}

export function TriggersScreen() {
  const dir = useStore(directory);
  const [items, setItems] = useState<TriggerItem[] | null>(null);
  const [open, setOpen] = useState<{ item: TriggerItem; creating: boolean; n: number } | null>(null);
  const show = (item: TriggerItem, creating: boolean) => setOpen((before) => ({ item, creating, n: (before?.n ?? 0) + 1 }));
  const load = () => get<{ items: TriggerItem[] }>("/api/admin/triggers").then((r) => setItems(r.items)).catch((e) => say(errorText(e), "error"));
  useEffect(() => void load(), []);

  async function remove(item: TriggerItem) {
    if (!confirm(t("admin.confirmDelete", { id: item.name }))) return;
    try {
      await api("DELETE", `/api/admin/triggers/${encodeURIComponent(item.id)}`);
      say(t("admin.deleted"));
      await load();
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  const done = () => { setOpen(null); void load(); };
  const list = items ?? [];
  return (
    <section aria-labelledby="admin-title">
      <div class="list-head">
        <h1 id="admin-title">{t("admin.triggers")}</h1>
        <button type="button" class="primary" onClick={() => show(blank(), true)}>{t("admin.add")}</button>
      </div>
      <p class="muted">{t("trig.about")}</p>
      {open && <TriggerForm key={open.n} initial={{ ...open.item, conditions: { ...blankConditions(), ...open.item.conditions } }} creating={open.creating} onDone={done} />}
      <table class="tickets" data-testid="trigger-list">
        <caption class="visually-hidden">{t("admin.triggers")}</caption>
        <thead><tr>
          <th scope="col">{t("admin.name")}</th><th scope="col">{t("trig.when")}</th><th scope="col">{t("trig.conditionsShort")}</th>
          <th scope="col">{t("trig.actions")}</th><th scope="col">{t("trig.enabled")}</th>
          <th scope="col"><span class="visually-hidden">{t("admin.actions")}</span></th>
        </tr></thead>
        <tbody>
          {list.map((item) => (
            <tr key={item.id} data-trigger={item.id}>
              <td dir="auto">{item.name}</td>
              <td>{item.when.map(whenLabel).join(", ")}</td>
              <td dir="auto">{conditionSummary(item.conditions, dir)}</td>
              <td>{item.actions.map((a) => actionText(a, dir)).join("; ")}</td>
              <td>{item.enabled ? t("common.yes") : t("common.no")}</td>
              <td class="row">
                <button type="button" class="link" onClick={() => show(item, false)} aria-label={t("admin.editItem", { id: item.name })}>{t("admin.edit")}</button>
                <button type="button" class="link" onClick={() => remove(item)} aria-label={t("admin.deleteItem", { id: item.name })}>{t("admin.delete")}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {items && !list.length && <p class="muted">{t("trig.none")}</p>}
      <DryRun />
    </section>
  );
}
