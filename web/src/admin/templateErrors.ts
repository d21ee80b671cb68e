// A template text that does not render, said in the admin's language at the field it is in
// (issue 15): the API answers template_render with details {field, kind, line, name}.
import { ApiError } from "../api";
import { hasKey, type Key, t } from "../i18n";

export interface TemplateFault { field: string; kind: string; line: number | null; name: string | null }

/** The placeholders a template text may name (chalicelib/services/template_texts.py). */
export const PLACEHOLDERS = ["ticket_number", "ticket_title", "contact_name", "agent_name", "response_point"];

const KIND_KEYS: Record<string, Key> = {
  syntax: "tplerr.syntax", undefined: "tplerr.undefined", refused: "tplerr.refusedKind",
  unsafe: "tplerr.unsafe", too_long: "tplerr.too_long", error: "tplerr.error",
};

export function templateFault(error: unknown): TemplateFault | null {
  if (!(error instanceof ApiError) || error.code !== "template_render") return null;
  const d = error.details;
  if (typeof d.field !== "string") return null;
  return {
    field: d.field,
    kind: typeof d.kind === "string" ? d.kind : "error",
    line: typeof d.line === "number" ? d.line : null,
    name: typeof d.name === "string" ? d.name : null,
  };
}

/** "Rad 3: platshållaren kund_namn finns inte. Tillåtna: …" */
export function faultText(fault: TemplateFault): string {
  const what = t(KIND_KEYS[fault.kind] ?? "tplerr.error", { name: fault.name ?? "", allowed: PLACEHOLDERS.join(", ") });
  return (fault.line ? t("tplerr.line", { line: fault.line }) : "") + what;
}

/** The field's name as the form labels it: "steps[1]" is "Steg 2". */
export function faultField(field: string): string {
  const item = /^(solution_suggestions|steps|ticket_types)\[(\d+)\]/.exec(field);
  if (item) {
    const n = Number(item[2]) + 1;
    return t(item[1] === "steps" ? "tplerr.field.step" : item[1] === "ticket_types" ? "tplerr.field.instruction" : "tplerr.field.suggestion", { n });
  }
  const key = `tplerr.field.${field}`;
  return hasKey(key) ? t(key) : field;
}
