// Shapes of the API's JSON (chalicelib/api/present.py, services/ui.py).

export type Status =
  | "new" | "open" | "with_contact" | "with_external"
  | "dormant" | "dormant_until" | "resolved" | "closed";
export type Priority = "low" | "medium" | "high";
export type Role = "admin" | "dispatcher" | "agent";
export type Lang = "sv" | "en";
export type View = "standard" | "pro";

export interface User {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  groups: string[];
  language: Lang;
  view: View;
  notify?: string[];
  notify_email?: boolean;
}

export interface Lock { by: string; until: string }

export interface Ticket {
  id: string;
  number: number;
  title: string;
  status: Status;
  priority: Priority;
  template_id: string | null;
  itil_process: string | null;
  ticket_type: string | null;
  response_point_id: string;
  group_id: string | null;
  agent_id: string | null;
  parent_id: string | null;
  contact_id: string | null;
  description: string;
  cc: string[];
  bcc: string[];
  attachments: unknown[];
  custom_fields: Record<string, string | number>;
  channel: string;
  created_at: string;
  updated_at: string;
  resolved_at: string | null;
  closed_at: string | null;
  dormant_until: string | null;
  lock: Lock | null;
  version: number;
  /** How intake placed it (S2): the rule that matched and why; set by the API. */
  routing?: unknown;
  template_version?: number | null;
  steps_done?: number[];
  /** Service targets (S9, S12): due times in the calendar's opening hours; set by the API. */
  sla?: { state: "none" | "running" | "breached"; first_response_due: string | null; resolution_due: string | null; first_response_at: string | null; paused_since?: string | null };
  /** Of the ticket's cc/bcc, the addresses mail cannot reach, and why (English, from the API). */
  unreachable?: Unreachable;
  /** Issue 10: the contact's addresses changed in the last 30 days (warned before a reply). */
  address_changed?: AddressChange | null;
  /** Issue 10: bumped when an admin revokes the ticket's portal links. */
  portal_generation?: number;
  /** Issue 15 (list rows): changed by someone else since this user last opened it; the last
   *  message is the customer's, after the last agent reply. Set by the API on list answers. */
  unread?: boolean;
  customer_replied?: boolean;
}

export interface AddressChange { at: string; by: string; before: string[]; after: string[] }

/** ``{address: reason}``: addresses a reply would be refused for (API code address_unreachable). */
export type Unreachable = Record<string, string>;

export interface AttachmentRef {
  index: number;
  filename: string;
  content_type: string;
  size: number;
  content_id?: string | null;
  inline?: boolean;
}

export interface TicketEvent {
  id: string;
  at: string;
  type: string;
  actor: string;
  data: Record<string, unknown>;
}

export interface TicketWithEvents extends Ticket { events: TicketEvent[] }

export interface Inbox { id: string; kind: string; key: string; name: string; count: number }

export interface Page<T> { items: T[]; cursor: string | null }
export interface InboxPage extends Page<Ticket> { contacts: Record<string, string> }

export interface Contact {
  id: string;
  name: string;
  emails: string[];
  phones: string[];
  organisation: string;
  language: Lang;
  notes: string;
  created_at: string;
  version: number;
  /** The contact's addresses mail cannot reach ("address not verified"), and why. */
  unreachable?: Unreachable;
  /** The number an SMS reply goes to (E.164), if any; and the numbers that texted STOP. */
  mobile?: string | null;
  sms_opted_out?: string[];
  /** The customer organisation the contact belongs to (issue 14). */
  organisation_id?: string | null;
}
export interface ContactCard extends Contact { tickets: Ticket[]; tickets_cursor: string | null }

// issue 14: customer organisations (CRM) and duplicate contacts.
export interface Organisation {
  id: string;
  name: string;
  org_number: string;
  domains: string[];
  phone: string;
  address: string;
  notes: string;
  custom_fields: Record<string, string | number | boolean>;
  created_at: string;
  version: number;
}
export interface OrganisationCard extends Organisation {
  contacts: Contact[];
  contacts_cursor: string | null;
  tickets: Ticket[];
  tickets_cursor: string | null;
}
export interface DuplicateContact extends Contact { reasons: ("email" | "phone")[] }

export interface CustomFieldDef {
  id: string;
  label: string;
  type: "text" | "number" | "date" | "select";
  required: boolean;
  options: string[];
}

export interface Directory {
  response_points: { id: string; name: string; language: Lang; visibility_level: string }[];
  groups: { id: string; name: string; response_point_id: string }[];
  users: { id: string; name: string; roles: Role[]; groups: string[]; active: boolean }[];
  ticket_types: { id: string; name_sv: string; name_en: string }[];
  custom_fields: CustomFieldDef[];
  hidden_fields: string[];
  default_response_point_id: string;
  time_zone: string;
  status_moves: Record<Status, Status[]>;
  statuses: Status[];
  priorities: Priority[];
  itil_processes: string[];
  channels: string[];
}

export interface MailLogEntry {
  id: string;
  received_at: string;
  outcome: string;
  reason?: string;
  sender?: string;
  message_id?: string;
  subject?: string;
  ticket_id?: string | null;
  in_quarantine: boolean;
  replayed_at: string | null;
  [key: string]: unknown;
}
