// The new ticket form prefilled from a template (S12): what the template sets, shown before saving.

/** The parts of a template (GET /api/templates) that prefill a new ticket. */
export interface PrefillTemplate {
  id: string;
  title: string;
  response_point_id: string;
  group_id?: string;
  agent_id?: string;
  default_ticket_type?: string;
  ticket_title?: string;
  description?: string;
  itil_process?: string;
  default_priority?: string;
  custom_fields?: Record<string, unknown>;
}

/** A text with placeholders ({{ contact_name }} …) is left empty: the API fills it in,
 * rendered for the ticket, when the form sends none. */
const plain = (text: string | undefined) => (text && !text.includes("{{") ? text : "");

/**
 * The form values after choosing `tpl`: the template's placement and classification replace
 * the form's; its title and description only fill fields that are still empty, so nothing the
 * agent wrote is lost.
 */
export function prefillFrom(values: Record<string, string>, tpl: PrefillTemplate): Record<string, string> {
  const next: Record<string, string> = {
    ...values,
    response_point_id: tpl.response_point_id,
    group_id: tpl.group_id ?? "",
    agent_id: tpl.agent_id ?? "",
    priority: tpl.default_priority || values.priority,
    ticket_type: tpl.default_ticket_type ?? "",
    itil_process: tpl.itil_process ?? "",
  };
  if (!values.title) next.title = plain(tpl.ticket_title);
  if (!values.description) next.description = plain(tpl.description);
  for (const [id, value] of Object.entries(tpl.custom_fields ?? {})) {
    if (value !== null && value !== undefined && value !== "") next[`cf:${id}`] = String(value);
  }
  return next;
}
