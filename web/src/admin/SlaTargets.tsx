// SLA targets in minutes per priority, for first response and resolution: a template's own
// (Templates.tsx) and the organisation's general ones (Settings.tsx, S16).
import { t } from "../i18n";
import { priorityLabel } from "../logic/labels";
import type { Priority } from "../types";

export const SLA_KINDS = ["first_response", "resolution"] as const;
export type SlaKind = (typeof SLA_KINDS)[number];
export type SlaTargets = Partial<Record<SlaKind, Partial<Record<Priority, number>>>>;

/** The targets with one changed: "" removes it, and a kind left without targets. */
export function withTarget(sla: SlaTargets, kind: SlaKind, prio: Priority, raw: string): SlaTargets {
  const targets = { ...(sla[kind] ?? {}) };
  if (raw === "") delete targets[prio];
  else targets[prio] = Number(raw);
  const next = { ...sla, [kind]: targets };
  if (!Object.keys(targets).length) delete next[kind];
  return next;
}

/** The table of minute inputs; ``name`` prefixes the inputs' names (`${name}-${kind}-${priority}`). */
export function SlaTargetsInput({ value, priorities, name, legend, onChange }: {
  value: SlaTargets; priorities: Priority[]; name: string; legend: string; onChange: (sla: SlaTargets) => void;
}) {
  return (
    <fieldset class="wide">
      <legend>{legend}</legend>
      <table>
        <caption class="visually-hidden">{legend}</caption>
        <thead><tr><th scope="col">{t("field.priority")}</th><th scope="col">{t("tpl.slaFirst")}</th><th scope="col">{t("tpl.slaResolution")}</th></tr></thead>
        <tbody>
          {priorities.map((p) => (
            <tr key={p}>
              <th scope="row">{priorityLabel(p)}</th>
              {SLA_KINDS.map((kind) => (
                <td key={kind}>
                  <input type="number" min="1" name={`${name}-${kind}-${p}`} value={value[kind]?.[p] ?? ""}
                    aria-label={t(kind === "first_response" ? "tpl.slaFirstFor" : "tpl.slaResolutionFor", { priority: priorityLabel(p) })}
                    onInput={(e) => onChange(withTarget(value, kind, p, e.currentTarget.value))} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">{t("tpl.slaMinutesHint")}</p>
    </fieldset>
  );
}
