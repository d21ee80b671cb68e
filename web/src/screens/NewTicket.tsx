import { useEffect, useState } from "preact/hooks";
import { api, get, q } from "../api";
import { ClassificationFields, CustomFieldInput, customValue, type Values } from "../components/Fields";
import { t } from "../i18n";
import { errorText } from "../logic/errors";
import { hiddenFor, isShown } from "../logic/fieldSettings";
import { type PrefillTemplate, prefillFrom } from "../logic/templatePrefill";
import { go, href } from "../logic/route";
import { say } from "../state";
import type { Contact, Directory, Ticket, User } from "../types";

/** Contact search-or-create: by name prefix, or an exact e-mail address. */
export function ContactPicker({ chosen, onChoose }: { chosen: Contact | null; onChoose: (c: Contact | null) => void }) {
  const [term, setTerm] = useState("");
  const [found, setFound] = useState<Contact[]>([]);
  useEffect(() => {
    const text = term.trim();
    if (text.length < 2) return setFound([]);
    const timer = setTimeout(() => {
      const params = text.includes("@") ? { email: text.toLowerCase() } : { name: text };
      get<{ items: Contact[] }>(q("/api/contacts", { ...params, limit: 10 })).then((r) => setFound(r.items)).catch(() => setFound([]));
    }, 200);
    return () => clearTimeout(timer);
  }, [term]);
  if (chosen) {
    return (
      <p class="chosen-contact">
        <span dir="auto">{chosen.name}</span> <span class="muted">{chosen.emails[0] ?? chosen.phones[0] ?? ""}</span>{" "}
        <button type="button" class="link" onClick={() => onChoose(null)}>{t("contact.change")}</button>
      </p>
    );
  }
  return (
    <div class="contact-picker">
      <label>{t("contact.search")}<input type="search" value={term} data-field="contact-search" onInput={(e) => setTerm(e.currentTarget.value)} /></label>
      {found.length > 0 && (
        <ul class="results" aria-label={t("contact.results")}>
          {found.map((c) => (
            <li key={c.id}><button type="button" class="link" onClick={() => onChoose(c)}><span dir="auto">{c.name}</span> <span class="muted">{c.emails[0] ?? ""}</span></button></li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function NewTicketScreen({ user, dir, template = null }: { user: User; dir: Directory; template?: string | null }) {
  const firstGroup = dir.groups.find((g) => user.groups.includes(g.id));
  const [values, setValues] = useState<Values>({
    title: "", description: "", priority: "medium", ticket_type: "", itil_process: "",
    response_point_id: firstGroup?.response_point_id ?? dir.default_response_point_id ?? dir.response_points[0]?.id ?? "",
    group_id: firstGroup?.id ?? "", agent_id: "",
  });
  const [contact, setContact] = useState<Contact | null>(null);
  const [newContact, setNewContact] = useState({ name: "", email: "", phone: "" });
  const [busy, setBusy] = useState(false);
  const [templateId, setTemplateId] = useState(template ?? "");
  const [applyRules, setApplyRules] = useState(false);
  const [templates, setTemplates] = useState<PrefillTemplate[]>([]);
  useEffect(() => void get<{ items: PrefillTemplate[] }>("/api/templates").then((r) => {
    setTemplates(r.items);
    // "New ticket from template X" (#/new/X, the quick menu): the form shows what X fills in.
    const chosen = r.items.find((x) => x.id === template);
    if (chosen) setValues((before) => prefillFrom(before, chosen));
  }).catch(() => setTemplates([])), []);
  function chooseTemplate(id: string) {
    setTemplateId(id);
    const chosen = templates.find((x) => x.id === id);
    if (chosen) setValues((before) => prefillFrom(before, chosen));
  }
  const hidden = hiddenFor(dir, values.response_point_id);
  const set = (k: string, v: string) => setValues((before) => ({ ...before, [k]: v }));

  async function submit(event: Event) {
    event.preventDefault();
    const body: Record<string, unknown> = {};
    // A field the response point does not use is not sent (a template may have filled it).
    for (const [k, v] of Object.entries(values)) if (v && !k.startsWith("cf:") && isShown(hidden, k)) body[k] = v;
    const custom: Record<string, unknown> = {};
    for (const def of dir.custom_fields.filter((d) => isShown(hidden, `custom_fields.${d.id}`))) {
      const value = customValue(def, values[`cf:${def.id}`] ?? "");
      if (value !== null) custom[def.id] = value;
    }
    if (Object.keys(custom).length) body.custom_fields = custom;
    if (templateId) body.template_id = templateId;
    if (applyRules) body.apply_rules = true;
    if (contact) body.contact_id = contact.id;
    else if (newContact.name || newContact.email || newContact.phone) {
      body.contact = Object.fromEntries(Object.entries(newContact).filter(([, v]) => v));
    }
    setBusy(true);
    try {
      const created = await api<Ticket>("POST", "/api/tickets", body);
      say(t("newTicket.created", { number: created.number }));
      go(href.ticket(created.id));
    } catch (e) {
      say(errorText(e), "error");
    } finally {
      setBusy(false);
    }
  }
  return (
    <main id="main" tabIndex={-1} class="page narrow">
      <h1>{t("newTicket.title")}</h1>
      <form class="card form-grid" onSubmit={submit}>
        <label class="wide">{t("field.title")}<input type="text" required value={values.title} dir="auto" data-field="title" onInput={(e) => set("title", e.currentTarget.value)} /></label>
        <fieldset class="wide">
          <legend>{t("contact.title")}</legend>
          <ContactPicker chosen={contact} onChoose={setContact} />
          {!contact && (
            <div class="grid3">
              <p class="wide muted">{t("contact.orCreate")}</p>
              <label>{t("contact.name")}<input type="text" value={newContact.name} data-field="new-contact-name" onInput={(e) => setNewContact({ ...newContact, name: e.currentTarget.value })} /></label>
              <label>{t("contact.email")}<input type="email" value={newContact.email} data-field="new-contact-email" onInput={(e) => setNewContact({ ...newContact, email: e.currentTarget.value })} /></label>
              <label>{t("contact.phone")}<input type="tel" value={newContact.phone} onInput={(e) => setNewContact({ ...newContact, phone: e.currentTarget.value })} /></label>
            </div>
          )}
        </fieldset>
        <label>{t("newTicket.template")}
          <select value={templateId} data-field="template" onChange={(e) => chooseTemplate(e.currentTarget.value)}>
            <option value="">–</option>
            {templates.map((x) => <option key={x.id} value={x.id}>{x.title}</option>)}
          </select>
        </label>
        <label class="check"><input type="checkbox" checked={applyRules} onChange={(e) => setApplyRules(e.currentTarget.checked)} />{t("newTicket.applyRules")}</label>
        <ClassificationFields values={values} set={set} dir={dir} />
        {isShown(hidden, "description") && (
          <label class="wide">{t("field.description")}<textarea rows={5} value={values.description} dir="auto" onInput={(e) => set("description", e.currentTarget.value)} /></label>
        )}
        {dir.custom_fields.filter((def) => isShown(hidden, `custom_fields.${def.id}`)).map((def) => <CustomFieldInput key={def.id} def={def} value={values[`cf:${def.id}`] ?? ""} onChange={(v) => set(`cf:${def.id}`, v)} />)}
        <div class="wide"><button type="submit" class="primary" disabled={busy}>{t("newTicket.create")}</button></div>
      </form>
    </main>
  );
}
