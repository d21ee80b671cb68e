// Admin → Matching rules (S2, S3): ordered, first match wins; conditions; the dry run.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, get } from "../api";
import { type Key, t } from "../i18n";
import { errorText } from "../logic/errors";
import { channelLabel, groupName, rpName, statusLabel, userName } from "../logic/labels";
import { directory, say } from "../state";
import { useStore } from "../store";
import type { Status } from "../types";
import type { TemplateItem } from "./Templates";

export interface Condition { field: string; operator: string; value: string; whole_word: boolean }
export interface Rule { id: string; name: string; conditions: Condition[]; position: number; combine: string; template_id: string; close: boolean; enabled: boolean }
export interface Why { field: string; operator: string; value: string; matched: string }

const FIELDS: { value: string; label: Key }[] = [
  { value: "subject", label: "rule.field.subject" }, { value: "body", label: "rule.field.body" },
  { value: "sender", label: "rule.field.sender" }, { value: "recipient", label: "rule.field.recipient" },
  { value: "channel", label: "rule.field.channel" },
];
const OPERATORS: { value: string; label: Key }[] = [
  { value: "contains", label: "rule.op.contains" }, { value: "equals", label: "rule.op.equals" },
  { value: "starts_with", label: "rule.op.starts_with" }, { value: "regex", label: "rule.op.regex" },
];
const label = (list: { value: string; label: Key }[], value: string) => {
  const found = list.find((x) => x.value === value);
  return found ? t(found.label) : value;
};

/** One condition that held, in words: "Subject contains 'faktura' (matched: faktura)". */
export function whyText(why: Why): string {
  return t("rule.whyLine", { field: label(FIELDS, why.field), operator: label(OPERATORS, why.operator), value: why.value, matched: why.matched });
}

/** A refused save or dry run in words: what did not happen, then the API's reason. */
export function ruleRefusal(e: unknown, what: Key): string {
  if (e instanceof ApiError && (e.code === "invalid" || e.code === "bad_request")) return `${t(what)}: ${e.message}`;
  return `${t(what)}: ${errorText(e)}`;
}

const blankCondition = (): Condition => ({ field: "subject", operator: "contains", value: "", whole_word: false });
// Issue 15: a new rule starts disabled: it is tried in the dry run before it acts on mail.
const blankRule = (): Rule => ({ id: "", name: "", conditions: [blankCondition()], position: 0, combine: "all", template_id: "", close: false, enabled: false });

function RuleForm({ initial, creating, templates, nextPosition, onDone }: { initial: Rule; creating: boolean; templates: TemplateItem[]; nextPosition: number; onDone: (saved?: Rule) => void }) {
  const [rule, setRule] = useState<Rule>(initial);
  const [problem, setProblem] = useState<string | null>(null);
  const setCond = (n: number, c: Partial<Condition>) =>
    setRule({ ...rule, conditions: rule.conditions.map((x, i) => (i === n ? { ...x, ...c, whole_word: (c.operator ?? x.operator) === "contains" && (c.whole_word ?? x.whole_word) } : x)) });
  async function save(event: Event) {
    event.preventDefault();
    const { revision: _r, ...body } = rule as Rule & { revision?: string };
    try {
      if (creating) await api("POST", "/api/admin/rules", { ...body, position: nextPosition });
      else await api("PUT", `/api/admin/rules/${encodeURIComponent(rule.id)}`, body);
      say(rule.enabled ? t("admin.saved") : t("rule.savedDisabled", { name: rule.name }));
      onDone(rule);
    } catch (e) {
      setProblem(ruleRefusal(e, "rule.refused"));
    }
  }
  return (
    <form class="card form-grid" onSubmit={save} aria-label={creating ? t("rule.new") : t("rule.editTitle", { name: initial.name })} data-testid="rule-form">
      {problem && <p class="wide notice notice-error" role="alert" data-testid="rule-error">{problem}</p>}
      <label>{t("admin.id")}<input name="rule-id" required readOnly={!creating} value={rule.id} onInput={(e) => setRule({ ...rule, id: e.currentTarget.value })} /></label>
      <label>{t("admin.name")}<input name="rule-name" required value={rule.name} onInput={(e) => setRule({ ...rule, name: e.currentTarget.value })} /></label>
      <fieldset class="wide">
        <legend>{t("rule.combine")}</legend>
        <label class="check"><input type="radio" name="rule-combine" value="all" checked={rule.combine === "all"} onChange={() => setRule({ ...rule, combine: "all" })} />{t("rule.all")}</label>
        <label class="check"><input type="radio" name="rule-combine" value="any" checked={rule.combine === "any"} onChange={() => setRule({ ...rule, combine: "any" })} />{t("rule.any")}</label>
      </fieldset>
      <fieldset class="wide" data-testid="rule-conditions">
        <legend>{t("rule.conditions")}</legend>
        {rule.conditions.map((c, n) => (
          <div class="row condition" key={n} role="group" aria-label={t("rule.condition", { n: n + 1 })}>
            <label>{t("rule.field")}
              <select name={`cond-field-${n}`} value={c.field} onChange={(e) => setCond(n, { field: e.currentTarget.value })}>
                {FIELDS.map((f) => <option key={f.value} value={f.value}>{t(f.label)}</option>)}
              </select>
            </label>
            <label>{t("rule.operator")}
              <select name={`cond-op-${n}`} value={c.operator} onChange={(e) => setCond(n, { operator: e.currentTarget.value })}>
                {OPERATORS.map((o) => <option key={o.value} value={o.value}>{t(o.label)}</option>)}
              </select>
            </label>
            <label>{t("rule.value")}<input name={`cond-value-${n}`} required value={c.value} onInput={(e) => setCond(n, { value: e.currentTarget.value })} /></label>
            <label>{t("rule.match")}
              <select name={`cond-word-${n}`} value={c.whole_word ? "word" : "substring"} disabled={c.operator !== "contains"}
                onChange={(e) => setCond(n, { whole_word: e.currentTarget.value === "word" })}>
                <option value="substring">{t("rule.substring")}</option>
                <option value="word">{t("rule.wholeWord")}</option>
              </select>
            </label>
            {rule.conditions.length > 1 && (
              <button type="button" class="link" onClick={() => setRule({ ...rule, conditions: rule.conditions.filter((_, i) => i !== n) })}>{t("rule.removeCondition", { n: n + 1 })}</button>
            )}
          </div>
        ))}
        <button type="button" onClick={() => setRule({ ...rule, conditions: [...rule.conditions, blankCondition()] })}>{t("rule.addCondition")}</button>
      </fieldset>
      <label>{t("rule.template")}
        <select name="rule-template" value={rule.template_id} onChange={(e) => setRule({ ...rule, template_id: e.currentTarget.value })}>
          <option value="">–</option>
          {templates.map((x) => <option key={x.id} value={x.id}>{x.title}</option>)}
        </select>
      </label>
      <label class="check"><input type="checkbox" name="rule-close" checked={rule.close} onChange={(e) => setRule({ ...rule, close: e.currentTarget.checked })} />{t("rule.close")}</label>
      <label class="check"><input type="checkbox" name="rule-enabled" checked={rule.enabled} aria-describedby={creating ? "rule-new-disabled" : undefined} onChange={(e) => setRule({ ...rule, enabled: e.currentTarget.checked })} />{t("rule.enabled")}</label>
      {creating && <p class="wide muted" id="rule-new-disabled">{t("rule.newDisabled")}</p>}
      <div class="wide row">
        <button type="submit" class="primary">{t("common.save")}</button>
        <button type="button" onClick={() => onDone()}>{t("common.cancel")}</button>
      </div>
    </form>
  );
}

interface DryRun {
  rule_id: string | null; rule_name: string | null; why: Why[] | string; template_id: string | null; template_version: number | null;
  inbox: string; closed: boolean; response_point_id: string; group_id: string | null; agent_id: string | null; status: string;
  template: TemplateItem | null; timed_out: string[];
  /** Issue 15: false when the rule that matched is the disabled one tried. */
  rule_enabled?: boolean | null;
}

/** The dry run; ``trying``: a disabled rule run as if enabled (``try_rule``), chosen here or
 * set by the screen right after a new rule is saved disabled. */
function DryRunForm({ disabled, trying, setTrying }: { disabled: Rule[]; trying: string; setTrying: (id: string) => void }) {
  const dir = useStore(directory);
  const [mode, setMode] = useState<"sample" | "raw">("sample");
  const [sample, setSample] = useState({ subject: "", body: "", sender: "", recipient: "", channel: "email" });
  const [raw, setRaw] = useState("");
  const [result, setResult] = useState<DryRun | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  async function run(event: Event) {
    event.preventDefault();
    const recipients = sample.recipient.split(/[,;\s]+/).filter(Boolean);
    if (mode === "raw" && !raw.trim()) {
      setResult(null);
      setProblem(t("rule.rawEmpty"));
      return;
    }
    const tried = trying && disabled.some((r) => r.id === trying) ? { try_rule: trying } : {};
    const body = mode === "raw" ? { raw, recipients, ...tried } : { subject: sample.subject, body: sample.body, sender: sample.sender, recipients, channel: sample.channel, ...tried };
    try {
      setResult(await api<DryRun>("POST", "/api/admin/rules/test", body));
      setProblem(null);
    } catch (e) {
      setResult(null);
      setProblem(ruleRefusal(e, mode === "raw" ? "rule.rawRefused" : "rule.dryRunRefused"));
    }
  }
  const inboxText = (r: DryRun) => (r.closed ? t("rule.closedAtOnce")
    : r.agent_id ? t("inbox.agent", { name: userName(dir!, r.agent_id) })
    : r.group_id ? t("inbox.poolGroup", { name: groupName(dir!, r.group_id) })
    : t("inbox.poolRp", { name: rpName(dir!, r.response_point_id) }));
  return (
    <section aria-labelledby="dry-run-title" class="card">
      <h2 id="dry-run-title">{t("rule.dryRun")}</h2>
      <form class="form-grid" onSubmit={run} data-testid="dry-run-form">
        <fieldset class="wide">
          <legend>{t("rule.dryRunInput")}</legend>
          <label class="check"><input type="radio" name="dry-mode" checked={mode === "sample"} onChange={() => { setMode("sample"); setProblem(null); }} />{t("rule.dryRunSample")}</label>
          <label class="check"><input type="radio" name="dry-mode" checked={mode === "raw"} onChange={() => { setMode("raw"); setProblem(null); }} />{t("rule.dryRunRaw")}</label>
        </fieldset>
        {disabled.length > 0 && (
          <label class="wide">{t("rule.tryRule")}
            <select name="dry-try-rule" value={trying} onChange={(e) => setTrying(e.currentTarget.value)}>
              <option value="">{t("rule.tryNone")}</option>
              {disabled.map((r) => <option key={r.id} value={r.id}>{r.name} ({r.id})</option>)}
            </select>
          </label>
        )}
        <label>{t("rule.field.recipient")}<input name="dry-recipient" value={sample.recipient} onInput={(e) => setSample({ ...sample, recipient: e.currentTarget.value })} /></label>
        {mode === "sample" ? (
          <>
            <label>{t("rule.field.sender")}<input name="dry-sender" value={sample.sender} onInput={(e) => setSample({ ...sample, sender: e.currentTarget.value })} /></label>
            <label>{t("rule.field.channel")}
              <select name="dry-channel" value={sample.channel} onChange={(e) => setSample({ ...sample, channel: e.currentTarget.value })}>
                {(dir?.channels ?? ["email"]).map((c) => <option key={c} value={c}>{channelLabel(c)}</option>)}
              </select>
            </label>
            <label class="wide">{t("rule.field.subject")}<input name="dry-subject" value={sample.subject} onInput={(e) => setSample({ ...sample, subject: e.currentTarget.value })} /></label>
            <label class="wide">{t("rule.field.body")}<textarea name="dry-body" rows={3} value={sample.body} onInput={(e) => setSample({ ...sample, body: e.currentTarget.value })} /></label>
          </>
        ) : (
          <label class="wide">{t("rule.rawMail")}<textarea name="dry-raw" rows={8} value={raw} aria-invalid={problem !== null} aria-describedby={problem ? "dry-run-problem" : undefined} onInput={(e) => setRaw(e.currentTarget.value)} /></label>
        )}
        <div class="wide"><button type="submit" class="primary">{t("rule.dryRunGo")}</button></div>
      </form>
      {problem && <p class="notice notice-error" role="alert" id="dry-run-problem" data-testid="dry-run-error">{problem}</p>}
      {result && dir && (
        <dl class="dry-result" data-testid="dry-run-result" aria-live="polite">
          <dt>{t("rule.matched")}</dt>
          <dd data-testid="dry-rule" data-enabled={result.rule_id ? String(result.rule_enabled !== false) : undefined}>
            {result.rule_id ? `${result.rule_name} (${result.rule_id})` : t("rule.noMatch")}
            {result.rule_id && result.rule_enabled === false && <strong class="dry-disabled"> – {t("rule.matchedDisabled")}</strong>}
          </dd>
          {Array.isArray(result.why) && result.why.length > 0 && (<><dt>{t("rule.why")}</dt><dd><ul>{result.why.map((w, i) => <li key={i}>{whyText(w)}</li>)}</ul></dd></>)}
          <dt>{t("rule.template")}</dt>
          <dd data-testid="dry-template">{result.template ? `${result.template.title} (${t("tpl.version", { n: result.template.version })})` : "–"}</dd>
          <dt>{t("rule.inbox")}</dt>
          <dd data-testid="dry-inbox" data-inbox={result.inbox}>{inboxText(result)}</dd>
          <dt>{t("list.status")}</dt>
          <dd>{statusLabel(result.status as Status)}</dd>
          {result.timed_out.length > 0 && (<><dt>{t("rule.timedOut")}</dt><dd data-testid="dry-timed-out">{result.timed_out.join(", ")}</dd></>)}
        </dl>
      )}
    </section>
  );
}

export function RulesScreen() {
  const [rules, setRules] = useState<Rule[]>([]);
  const [templates, setTemplates] = useState<TemplateItem[]>([]);
  const [open, setOpen] = useState<{ rule: Rule; creating: boolean } | null>(null);
  const [trying, setTrying] = useState("");
  const load = () => Promise.all([
    get<{ items: Rule[] }>("/api/admin/rules").then((r) => setRules(r.items)),
    get<{ items: TemplateItem[] }>("/api/admin/templates").then((r) => setTemplates(r.items)),
  ]).catch((e) => say(errorText(e), "error"));
  useEffect(() => void load(), []);

  async function move(index: number, by: -1 | 1) {
    const ids = rules.map((r) => r.id);
    const other = index + by;
    if (other < 0 || other >= ids.length) return;
    [ids[index], ids[other]] = [ids[other], ids[index]];
    try {
      setRules((await api<{ items: Rule[] }>("POST", "/api/admin/rules/reorder", { ids })).items);
      say(t("rule.moved"));
      // Keep focus on the same control of the moved rule, so a keyboard user can go on.
      setTimeout(() => document.querySelector<HTMLButtonElement>(`[data-move="${ids[other]}:${by}"]`)?.focus(), 0);
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  async function remove(rule: Rule) {
    if (!confirm(t("admin.confirmDelete", { id: rule.id }))) return;
    try {
      await api("DELETE", `/api/admin/rules/${encodeURIComponent(rule.id)}`);
      say(t("admin.deleted"));
      await load();
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  /** A rule saved disabled goes into the dry run at once: try it, then enable it. */
  async function saved(rule?: Rule) {
    setOpen(null);
    await load(); // the chooser lists disabled rules: it shows the new one once reloaded
    if (rule && !rule.enabled) {
      setTrying(rule.id);
      setTimeout(() => {
        const chooser = document.querySelector<HTMLSelectElement>("[name=dry-try-rule]");
        chooser?.scrollIntoView({ block: "center" });
        chooser?.focus({ preventScroll: true });
      }, 0);
    }
  }
  async function toggle(rule: Rule) {
    const { revision: _r, ...body } = rule as Rule & { revision?: string };
    try {
      await api("PUT", `/api/admin/rules/${encodeURIComponent(rule.id)}`, { ...body, enabled: !rule.enabled });
      say(t(rule.enabled ? "rule.turnedOff" : "rule.turnedOn", { name: rule.name }));
      if (!rule.enabled && trying === rule.id) setTrying("");
      await load();
    } catch (e) {
      say(ruleRefusal(e, "rule.refused"), "error");
    }
  }
  const tplTitle = (id: string) => templates.find((x) => x.id === id)?.title ?? id;
  return (
    <section aria-labelledby="admin-title">
      <div class="list-head">
        <h1 id="admin-title">{t("admin.rules")}</h1>
        <button type="button" class="primary" onClick={() => { setOpen({ rule: blankRule(), creating: true }); void load(); }}>{t("admin.add")}</button>
      </div>
      <p class="muted">{t("rule.orderHint")}</p>
      {open && <RuleForm key={open.rule.id} initial={open.rule} creating={open.creating} templates={templates} nextPosition={Math.min(1_000_000, Math.max(0, ...rules.map((r) => r.position)) + 10)} onDone={(rule) => void saved(rule)} />}
      <table class="tickets" data-testid="rule-list">
        <caption class="visually-hidden">{t("admin.rules")}</caption>
        <thead><tr>
          <th scope="col">{t("rule.order")}</th><th scope="col">{t("admin.name")}</th><th scope="col">{t("rule.conditions")}</th>
          <th scope="col">{t("rule.outcome")}</th><th scope="col">{t("rule.enabled")}</th>
          <th scope="col"><span class="visually-hidden">{t("admin.actions")}</span></th>
        </tr></thead>
        <tbody>
          {rules.map((rule, n) => (
            <tr key={rule.id} data-rule={rule.id}>
              <td>{n + 1}</td>
              <td dir="auto">{rule.name}</td>
              <td>
                <span class="muted">{rule.combine === "all" ? t("rule.all") : t("rule.any")}: </span>
                {rule.conditions.map((c) => `${label(FIELDS, c.field)} ${label(OPERATORS, c.operator)} "${c.value}"${c.whole_word ? ` (${t("rule.wholeWord")})` : ""}`).join("; ")}
              </td>
              <td>{[rule.template_id ? tplTitle(rule.template_id) : "", rule.close ? t("rule.closedAtOnce") : ""].filter(Boolean).join(", ")}</td>
              <td>{rule.enabled ? t("common.yes") : t("common.no")}</td>
              <td class="row">
                <button type="button" class="link" data-move={`${rule.id}:-1`} disabled={n === 0} onClick={() => move(n, -1)} aria-label={t("rule.moveUp", { name: rule.name })}>↑</button>
                <button type="button" class="link" data-move={`${rule.id}:1`} disabled={n === rules.length - 1} onClick={() => move(n, 1)} aria-label={t("rule.moveDown", { name: rule.name })}>↓</button>
                <button type="button" class="link" onClick={() => setOpen({ rule, creating: false })} aria-label={t("admin.editItem", { id: rule.id })}>{t("admin.edit")}</button>
                <button type="button" class="link" data-testid="rule-toggle" onClick={() => void toggle(rule)}
                  aria-label={t(rule.enabled ? "rule.disableItem" : "rule.enableItem", { name: rule.name })}>{t(rule.enabled ? "rule.disable" : "rule.enable")}</button>
                <button type="button" class="link" onClick={() => remove(rule)} aria-label={t("admin.deleteItem", { id: rule.id })}>{t("admin.delete")}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <DryRunForm disabled={rules.filter((r) => !r.enabled)} trying={trying} setTrying={setTrying} />
    </section>
  );
}
