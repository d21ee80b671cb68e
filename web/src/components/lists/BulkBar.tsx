// Issue 15: bulk work on the chosen rows of any ticket list: assign (group, agent), status,
// priority; the result per ticket, and "Undo" for a while after.
import { useEffect, useRef, useState } from "preact/hooks";
import { type Key, t } from "../../i18n";
import { errorText } from "../../logic/errors";
import { priorityLabel, statusLabel, userName } from "../../logic/labels";
import { say } from "../../state";
import type { Directory, Status, Ticket } from "../../types";
import { agentsFor, type BulkResult, bulkChange, bulkUndo, changesFrom } from "./bulk";

/** How long "Undo" is offered after a change. */
export const UNDO_MS = 15_000;
const EMPTY = { group: "", agent: "", status: "", priority: "" };
// Statuses a bulk change may set (a dated dormancy needs a date per ticket; new is no move).
const BULK_STATUSES: Status[] = ["open", "with_contact", "with_external", "dormant", "resolved", "closed"];

interface Outcome { kind: "done" | "undone"; results: BulkResult[]; at: number }

export interface BulkBarProps {
  dir: Directory;
  items: Ticket[];
  chosen: Set<string>;
  onClear: () => void;
  /** After a change or an undo: reload the list. */
  onChanged: () => void;
  /** The dispatcher board: the button says "Assign chosen" and the notice "n tickets assigned". */
  dispatcher?: boolean;
}

function reason(dir: Directory, r: BulkResult): string {
  if (r.error === "locked") return t("bulk.reason.locked", { name: userName(dir, r.locked_by) });
  const key = `bulk.reason.${r.error}` as Key;
  const known = ["not_found", "changed", "invalid_transition", "invalid"].includes(r.error ?? "");
  return known ? t(key) : r.message || t("bulk.reason.other");
}

export function BulkBar({ dir, items, chosen, onClear, onChanged, dispatcher }: BulkBarProps) {
  const [form, setForm] = useState(EMPTY);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [canUndo, setCanUndo] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => { if (timer.current) clearTimeout(timer.current); }, []);

  const numbers = new Map(items.map((x) => [x.id, x.number]));
  const chosenGroups = items.filter((x) => chosen.has(x.id)).map((x) => x.group_id);
  const agents = agentsFor(dir.users, form.group, chosenGroups);
  const set = (k: keyof typeof EMPTY, v: string) =>
    setForm((f) => ({ ...f, [k]: v, ...(k === "group" && v && f.agent && f.agent !== "-"
      && !agentsFor(dir.users, v, []).some((u) => u.id === f.agent) ? { agent: "" } : {}) }));

  async function apply(event: Event) {
    event.preventDefault();
    const changes = changesFrom(form);
    if (!chosen.size || !Object.keys(changes).length) return say(t(dispatcher ? "dispatcher.chooseFirst" : "bulk.chooseChange"), "error");
    setBusy(true);
    try {
      const results = await bulkChange([...chosen], changes);
      const done = results.filter((r) => r.ok).length;
      setOutcome({ kind: "done", results, at: Date.now() });
      setCanUndo(done > 0);
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => setCanUndo(false), UNDO_MS);
      if (dispatcher) say(t("dispatcher.assigned", { n: done }));
      setForm(EMPTY);
      onClear();
      onChanged();
    } catch (e) {
      say(errorText(e), "error");
    } finally {
      setBusy(false);
    }
  }

  async function undo() {
    if (!outcome) return;
    setBusy(true);
    setCanUndo(false);
    try {
      const results = await bulkUndo(outcome.results);
      setOutcome({ kind: "undone", results, at: Date.now() });
      onChanged();
    } catch (e) {
      say(errorText(e), "error");
    } finally {
      setBusy(false);
    }
  }

  const done = outcome?.results.filter((r) => r.ok) ?? [];
  const refused = outcome?.results.filter((r) => !r.ok) ?? [];
  const label = (r: BulkResult) => `#${r.number ?? numbers.get(r.id) ?? r.id}`;
  return (
    <div class="bulk" data-testid="bulk">
      {chosen.size > 0 && (
        <form class="bulk-bar" role="group" aria-label={t("bulk.label")} onSubmit={apply} data-testid="bulk-bar">
          <span class="bulk-count" aria-live="polite">{t("bulk.chosen", { n: chosen.size })}</span>
          <label>{t("field.group")}
            <select value={form.group} data-field="assign-group" onChange={(e) => set("group", e.currentTarget.value)}>
              <option value="">{t("bulk.keep")}</option>
              {dir.response_points.map((rp) => (
                <optgroup key={rp.id} label={rp.name}>
                  {dir.groups.filter((g) => g.response_point_id === rp.id).map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
                </optgroup>
              ))}
            </select>
          </label>
          <label>{t("field.agent")}
            <select value={form.agent} data-field="assign-agent" onChange={(e) => set("agent", e.currentTarget.value)}>
              <option value="">{t("bulk.keep")}</option>
              <option value="-">{t("bulk.nobody")}</option>
              {agents.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
            </select>
          </label>
          <label>{t("list.status")}
            <select value={form.status} data-field="bulk-status" onChange={(e) => set("status", e.currentTarget.value)}>
              <option value="">{t("bulk.keep")}</option>
              {BULK_STATUSES.map((s) => <option key={s} value={s}>{statusLabel(s)}</option>)}
            </select>
          </label>
          <label>{t("list.priority")}
            <select value={form.priority} data-field="bulk-priority" onChange={(e) => set("priority", e.currentTarget.value)}>
              <option value="">{t("bulk.keep")}</option>
              {dir.priorities.map((p) => <option key={p} value={p}>{priorityLabel(p)}</option>)}
            </select>
          </label>
          <button type="submit" class="primary" disabled={busy}>
            {t(dispatcher ? "dispatcher.assign" : "bulk.apply", { n: chosen.size })}
          </button>
          <button type="button" onClick={onClear} disabled={busy}>{t("bulk.clear")}</button>
        </form>
      )}
      {outcome && (
        <div class="bulk-result" role="status" data-testid="bulk-result">
          <div class="row">
            <span>{outcome.kind === "done" ? t("bulk.done", { n: done.length }) : t("bulk.undone", { n: done.length })}</span>
            {outcome.kind === "done" && canUndo && (
              <button type="button" onClick={undo} disabled={busy} data-testid="bulk-undo">{t("bulk.undo")}</button>
            )}
          </div>
          {refused.length > 0 && (
            <>
              <p>{outcome.kind === "done" ? t("bulk.refused", { n: refused.length }) : t("bulk.notUndone")}</p>
              <ul>{refused.map((r) => <li key={r.id}>{label(r)}: {reason(dir, r)}</li>)}</ul>
            </>
          )}
        </div>
      )}
    </div>
  );
}
