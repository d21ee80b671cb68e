// The admin collections as field lists: one generic screen draws and saves them all.
import type { Key } from "../i18n";
import type { AdminSection } from "../logic/route";
import type { Directory } from "../types";

export type FieldKind = "id" | "text" | "number" | "bool" | "select" | "multi" | "list" | "password";
export interface FieldSpec {
  name: string;
  label: Key;
  kind: FieldKind;
  options?: (dir: Directory) => { value: string; label: string }[];
  fixed?: { value: string; label: Key }[];
  inList?: boolean;
  required?: boolean;
  placeholder?: Key;
}
export interface CollectionSpec { title: Key; fields: FieldSpec[]; deletable: boolean }

const rpOptions = (dir: Directory) => dir.response_points.map((r) => ({ value: r.id, label: r.name }));
const groupOptions = (dir: Directory) => dir.groups.map((g) => ({ value: g.id, label: g.name }));

export const COLLECTIONS: Partial<Record<AdminSection, CollectionSpec>> = {
  "response-points": {
    title: "admin.responsePoints",
    deletable: false,
    fields: [
      { name: "id", label: "admin.id", kind: "id", inList: true, required: true },
      { name: "name", label: "admin.name", kind: "text", inList: true, required: true },
      { name: "emails", label: "admin.addresses", kind: "list", inList: true },
      { name: "language", label: "admin.language", kind: "select", fixed: [{ value: "sv", label: "lang.sv" }, { value: "en", label: "lang.en" }], inList: true },
      { name: "visibility_level", label: "admin.visibility", kind: "select", inList: true,
        fixed: [{ value: "all", label: "admin.visibility.all" }, { value: "own_groups", label: "admin.visibility.own_groups" }] },
      { name: "reopen_window_days", label: "admin.reopenDays", kind: "number" },
      { name: "notification_mode", label: "admin.notification", kind: "select",
        fixed: [{ value: "full", label: "admin.notification.full" }, { value: "link", label: "admin.notification.link" }] },
      { name: "tag_in_subject", label: "admin.tagInSubject", kind: "bool" },
      { name: "subject_tag_format", label: "admin.tagFormat", kind: "text" },
      { name: "auto_acknowledge", label: "admin.autoAck", kind: "bool" },
      // Our numbers texts to this response point arrive at (E.164); the first sends its SMS replies.
      { name: "sms_numbers", label: "admin.smsNumbers", kind: "list" },
    ],
  },
  groups: {
    title: "admin.groups",
    deletable: false,
    fields: [
      { name: "id", label: "admin.id", kind: "id", inList: true, required: true },
      { name: "name", label: "admin.name", kind: "text", inList: true, required: true },
      { name: "response_point_id", label: "field.responsePoint", kind: "select", options: rpOptions, inList: true, required: true },
    ],
  },
  users: {
    title: "admin.users",
    deletable: false,
    fields: [
      { name: "id", label: "admin.id", kind: "id", inList: true, required: true },
      { name: "name", label: "admin.name", kind: "text", inList: true, required: true },
      { name: "email", label: "contact.email", kind: "text", inList: true, required: true },
      { name: "roles", label: "admin.roles", kind: "multi", inList: true,
        fixed: [{ value: "agent", label: "role.agent" }, { value: "dispatcher", label: "role.dispatcher" }, { value: "admin", label: "role.admin" }] },
      { name: "groups", label: "admin.groupsOf", kind: "multi", options: groupOptions, inList: true },
      { name: "language", label: "admin.language", kind: "select", fixed: [{ value: "sv", label: "lang.sv" }, { value: "en", label: "lang.en" }] },
      { name: "view", label: "admin.view", kind: "select", fixed: [{ value: "standard", label: "view.standard" }, { value: "pro", label: "view.pro" }] },
      { name: "active", label: "admin.active", kind: "bool", inList: true },
      { name: "password", label: "login.password", kind: "password", placeholder: "admin.passwordHint" },
      // With a password: it is temporary, the user chooses their own at the next login (issue 11).
      { name: "must_change_password", label: "admin.mustChangePassword", kind: "bool" },
    ],
  },
  "ticket-types": {
    title: "admin.ticketTypes",
    deletable: true,
    fields: [
      { name: "id", label: "admin.id", kind: "id", inList: true, required: true },
      { name: "name_sv", label: "admin.nameSv", kind: "text", inList: true, required: true },
      { name: "name_en", label: "admin.nameEn", kind: "text", inList: true, required: true },
    ],
  },
  "custom-fields": {
    title: "admin.customFields",
    deletable: true,
    fields: [
      { name: "id", label: "admin.id", kind: "id", inList: true, required: true },
      { name: "label", label: "admin.label", kind: "text", inList: true, required: true },
      { name: "type", label: "admin.fieldType", kind: "select", inList: true,
        fixed: [{ value: "text", label: "admin.fieldType.text" }, { value: "number", label: "admin.fieldType.number" },
          { value: "date", label: "admin.fieldType.date" }, { value: "select", label: "admin.fieldType.select" }] },
      { name: "required", label: "admin.required", kind: "bool", inList: true },
      { name: "options", label: "admin.options", kind: "list" },
    ],
  },
  // Suppliers and experts the agents consult (S6): chosen by name in the ticket's Consult panel.
  "external-parties": {
    title: "admin.externalParties",
    deletable: true,
    fields: [
      { name: "id", label: "admin.id", kind: "id", inList: true, required: true },
      { name: "name", label: "admin.name", kind: "text", inList: true, required: true },
      { name: "email", label: "admin.email", kind: "text", inList: true, required: true },
      { name: "notes", label: "admin.notes", kind: "text" },
    ],
  },
};

export type Item = Record<string, unknown>;

/** Form text from an item, and the item from form text (lists are comma separated). */
export function toForm(spec: CollectionSpec, item: Item): Record<string, string | string[] | boolean> {
  const form: Record<string, string | string[] | boolean> = {};
  for (const f of spec.fields) {
    const v = item[f.name];
    if (f.kind === "bool") form[f.name] = Boolean(v);
    else if (f.kind === "multi") form[f.name] = Array.isArray(v) ? v.map(String) : [];
    else if (f.kind === "list") form[f.name] = Array.isArray(v) ? v.join(", ") : "";
    else form[f.name] = v === undefined || v === null ? "" : String(v);
  }
  return form;
}

export function fromForm(spec: CollectionSpec, form: Record<string, string | string[] | boolean>, original: Item): Item {
  const item: Item = { ...original };
  for (const f of spec.fields) {
    const v = form[f.name];
    if (f.kind === "password") {
      if (v) item.password = v;
      else delete item.password;
    } else if (f.kind === "number") item[f.name] = v === "" ? undefined : Number(v);
    else if (f.kind === "list") item[f.name] = String(v ?? "").split(/[,;]+/).map((x) => x.trim()).filter(Boolean);
    else if (f.kind === "select" && v === "" && !f.required) delete item[f.name];
    else item[f.name] = v;
  }
  for (const [k, v] of Object.entries(item)) if (v === undefined) delete item[k];
  return item;
}
