import { language, t } from "../i18n";
import { hiddenFor, isShown } from "../logic/fieldSettings";
import { groupName, itilLabel, priorityLabel } from "../logic/labels";
import { agentChoices, assignmentWarning } from "./ticket/assignment";
import type { CustomFieldDef, Directory } from "../types";

export type Values = Record<string, string>;

/** One custom field as its type asks: text, number, date or a choice. */
export function CustomFieldInput({ def, value, onChange, disabled }: { def: CustomFieldDef; value: string; onChange: (v: string) => void; disabled?: boolean }) {
  const label = <>{def.label}{def.required ? <span aria-hidden="true"> *</span> : null}</>;
  if (def.type === "select") {
    return (
      <label>{label}
        <select value={value} required={def.required} disabled={disabled} data-field={`cf-${def.id}`} onChange={(e) => onChange(e.currentTarget.value)}>
          <option value="">–</option>
          {def.options.map((o) => <option key={o} value={o}>{o}</option>)}
        </select>
      </label>
    );
  }
  return (
    <label>{label}
      <input type={def.type === "number" ? "number" : def.type === "date" ? "date" : "text"} value={value}
        required={def.required} disabled={disabled} data-field={`cf-${def.id}`} step={def.type === "number" ? "any" : undefined}
        onInput={(e) => onChange(e.currentTarget.value)} />
    </label>
  );
}

export function customValue(def: CustomFieldDef, raw: string): string | number | null {
  if (raw === "") return null;
  return def.type === "number" ? Number(raw) : raw;
}

/** The assignment and classification fields shared by the ticket form and the new ticket form. */
export function ClassificationFields({ values, set, dir, disabled }: { values: Values; set: (k: string, v: string) => void; dir: Directory; disabled?: boolean }) {
  const hidden = hiddenFor(dir, values.response_point_id);
  const shown = (field: string) => isShown(hidden, field);
  const groups = dir.groups.filter((g) => g.response_point_id === values.response_point_id);
  // Issue 15: members of the group first, the others after (a choice warned about, not hidden).
  const agents = agentChoices(dir, values.group_id ?? "", values.agent_id ?? "");
  const warning = assignmentWarning(dir, values.agent_id, values.group_id);
  const lang = language.get();
  return (
    <>
      {shown("priority") && (
        <label>{t("field.priority")}
          <select value={values.priority} disabled={disabled} onChange={(e) => set("priority", e.currentTarget.value)}>
            {dir.priorities.map((p) => <option key={p} value={p}>{priorityLabel(p)}</option>)}
          </select>
        </label>
      )}
      {shown("ticket_type") && (
        <label>{t("field.type")}
          <select value={values.ticket_type} disabled={disabled} onChange={(e) => set("ticket_type", e.currentTarget.value)}>
            <option value="">–</option>
            {dir.ticket_types.map((x) => <option key={x.id} value={x.id}>{lang === "sv" ? x.name_sv : x.name_en}</option>)}
          </select>
        </label>
      )}
      {shown("itil_process") && (
        <label>{t("field.itil")}
          <select value={values.itil_process} disabled={disabled} onChange={(e) => set("itil_process", e.currentTarget.value)}>
            <option value="">–</option>
            {dir.itil_processes.map((p) => <option key={p} value={p}>{itilLabel(p)}</option>)}
          </select>
        </label>
      )}
      {shown("response_point_id") && (
        <label>{t("field.responsePoint")}
          <select value={values.response_point_id} disabled={disabled} onChange={(e) => { set("response_point_id", e.currentTarget.value); set("group_id", ""); }}>
            {dir.response_points.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
        </label>
      )}
      {shown("group_id") && (
        <label>{t("field.group")}
          <select value={values.group_id} disabled={disabled} data-field="group" onChange={(e) => set("group_id", e.currentTarget.value)}>
            <option value="">–</option>
            {groups.map((g) => <option key={g.id} value={g.id}>{g.name}</option>)}
          </select>
        </label>
      )}
      {shown("agent_id") && (
        <label>{t("field.agent")}
          <select value={values.agent_id} disabled={disabled} data-field="agent" aria-describedby={warning ? "agent-warning" : undefined}
            onChange={(e) => set("agent_id", e.currentTarget.value)}>
            <option value="">–</option>
            {agents.others.length === 0
              ? agents.members.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)
              : <>
                <optgroup label={t("assign.inGroup", { group: groupName(dir, values.group_id) })}>
                  {agents.members.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
                </optgroup>
                <optgroup label={t("assign.otherAgents")}>
                  {agents.others.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
                </optgroup>
              </>}
          </select>
        </label>
      )}
      {shown("agent_id") && warning && <p class="field-warning" id="agent-warning" role="status" data-testid="agent-warning">{warning}</p>}
    </>
  );
}
