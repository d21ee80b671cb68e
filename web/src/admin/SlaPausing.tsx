// Which statuses stop the SLA clock (S12): in the general settings (Settings.tsx) and per
// template (Templates.tsx, where ``null`` follows the general settings).
import { t } from "../i18n";
import { statusLabel } from "../logic/labels";
import type { Status } from "../types";

export const PAUSABLE: Status[] = ["with_contact", "with_external", "dormant", "dormant_until"];

/** The chosen statuses with one turned on or off, in PAUSABLE's order. */
export function toggled(chosen: string[], status: Status, on: boolean): string[] {
  return PAUSABLE.filter((s) => (s === status ? on : chosen.includes(s)));
}

/** Checkboxes, one per status that may pause; ``general`` offers "as the general settings
 * say" (the value null) for a template. ``name`` prefixes the inputs' names. */
export function SlaPausingInput({ value, name, general, onChange }: {
  value: string[] | null; name: string; general?: boolean; onChange: (value: string[] | null) => void;
}) {
  const inherits = value === null;
  return (
    <fieldset class="wide" data-testid={name}>
      <legend>{t("admin.slaPausing")}</legend>
      {general && (
        <label class="check">
          <input type="checkbox" name={`${name}-general`} checked={inherits}
            onChange={(e) => onChange(e.currentTarget.checked ? null : [...PAUSABLE])} />
          {t("tpl.slaPausingGeneral")}
        </label>
      )}
      {!inherits && PAUSABLE.map((status) => (
        <label class="check" key={status}>
          <input type="checkbox" name={`${name}-${status}`} value={status} checked={(value ?? []).includes(status)}
            onChange={(e) => onChange(toggled(value ?? [], status, e.currentTarget.checked))} />
          {statusLabel(status)}
        </label>
      ))}
      <p class="muted">{t("admin.slaPausingAbout")}</p>
    </fieldset>
  );
}
