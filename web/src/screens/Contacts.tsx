import { useEffect, useState } from "preact/hooks";
import { api, ApiError, get, q } from "../api";
import { AddressFlag } from "../components/AddressFlag";
import { TicketList } from "../components/TicketList";
import { t } from "../i18n";
import { errorText } from "../logic/errors";
import { href } from "../logic/route";
import { say } from "../state";
import type { Contact, ContactCard, Directory, Lang, User } from "../types";
import { ContactOrganisation, DuplicatesPanel, ValueList } from "./crm/ContactCrm";
import { GdprPanel } from "../components/gdpr/GdprPanel";

export function ContactSearchScreen() {
  const [term, setTerm] = useState("");
  const [items, setItems] = useState<Contact[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  async function load(from: string | null) {
    const text = term.trim();
    const params = text.includes("@") ? { email: text.toLowerCase() } : { name: text || null };
    try {
      const page = await get<{ items: Contact[]; cursor: string | null }>(q("/api/contacts", { ...params, limit: 50, cursor: from }));
      setItems((before) => (from ? [...before, ...page.items] : page.items));
      setCursor(page.cursor);
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  useEffect(() => {
    const timer = setTimeout(() => void load(null), 200);
    return () => clearTimeout(timer);
  }, [term]);
  return (
    <main id="main" tabIndex={-1} class="page narrow">
      <h1>{t("contacts.title")}</h1>
      <label>{t("contact.search")}<input type="search" value={term} onInput={(e) => setTerm(e.currentTarget.value)} /></label>
      <table class="tickets">
        <caption class="visually-hidden">{t("contacts.title")}</caption>
        <thead><tr><th scope="col">{t("contact.name")}</th><th scope="col">{t("contact.email")}</th><th scope="col">{t("contact.phone")}</th><th scope="col">{t("contact.organisation")}</th></tr></thead>
        <tbody>
          {items.map((c) => (
            <tr key={c.id}>
              <td><a href={href.contact(c.id)} dir="auto">{c.name || c.emails[0] || c.phones[0] || c.id}</a></td>
              <td>{c.emails.map((e, i) => <span key={e}>{i > 0 && ", "}{e}<AddressFlag reason={c.unreachable?.[e]} /></span>)}</td><td>{c.phones.join(", ")}</td><td dir="auto">{c.organisation}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {cursor && <button type="button" class="more" onClick={() => load(cursor)}>{t("list.more")}</button>}
    </main>
  );
}

/** The contact card (S19): details, editable, and every ticket of the contact. */
export function ContactCardScreen({ contactId, dir, user }: { contactId: string; dir: Directory; user?: User }) {
  const [card, setCard] = useState<ContactCard | null>(null);
  // Several e-mail addresses and phone numbers, one field each (issue 14).
  const [form, setForm] = useState({ name: "", emails: [] as string[], phones: [] as string[], organisation: "", language: "sv" as Lang, notes: "" });
  const [error, setError] = useState<string | null>(null);

  async function load() {
    try {
      const loaded = await get<ContactCard>(`/api/contacts/${encodeURIComponent(contactId)}`);
      setCard(loaded);
      setForm({ name: loaded.name, emails: loaded.emails, phones: loaded.phones, organisation: loaded.organisation, language: loaded.language, notes: loaded.notes });
    } catch (e) {
      setError(e instanceof ApiError && e.status === 404 ? t("contact.notFound") : errorText(e));
    }
  }
  useEffect(() => void load(), [contactId]);

  async function save(event: Event) {
    event.preventDefault();
    if (!card) return;
    const clean = (values: string[]) => values.map((x) => x.trim()).filter(Boolean);
    try {
      await api("PATCH", `/api/contacts/${card.id}`, { ...form, emails: clean(form.emails), phones: clean(form.phones) }, { ifMatch: card.version });
      say(t("contact.saved"));
    } catch (e) {
      say(e instanceof ApiError && e.status === 409 ? t("error.staleReloaded") : errorText(e), "error");
    }
    await load();
  }
  if (error) return <main id="main" class="page"><h1>{t("contact.title")}</h1><p class="notice notice-error" role="alert">{error}</p></main>;
  if (!card) return <main id="main" class="page" aria-busy="true"><p>{t("common.loading")}</p></main>;
  const contacts = { [card.id]: card.name };
  return (
    <main id="main" tabIndex={-1} class="page">
      <h1><span class="muted">{t("contact.card")}:</span> <span dir="auto">{card.name || card.emails[0] || card.phones[0]}</span></h1>
      <div class="two-col">
        <form class="card form-grid" onSubmit={save} aria-label={t("contact.details")}>
          <label class="wide">{t("contact.name")}<input type="text" value={form.name} dir="auto" onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} /></label>
          <ValueList kind="email" values={form.emails} onChange={(emails) => setForm({ ...form, emails })} />
          {Object.keys(card.unreachable ?? {}).length > 0 && (
            <ul class="wide" aria-label={t("contact.unreachable")} data-testid="contact-unreachable">
              {Object.entries(card.unreachable ?? {}).map(([address, reason]) => (
                <li key={address}>{address}<AddressFlag reason={reason} detailed /></li>
              ))}
            </ul>
          )}
          <ValueList kind="phone" values={form.phones} onChange={(phones) => setForm({ ...form, phones })} />
          <label>{t("org.freeText")}<input type="text" value={form.organisation} dir="auto" onInput={(e) => setForm({ ...form, organisation: e.currentTarget.value })} /></label>
          <label>{t("contact.language")}
            <select value={form.language} onChange={(e) => setForm({ ...form, language: e.currentTarget.value as Lang })}>
              <option value="sv">{t("lang.sv")}</option><option value="en">{t("lang.en")}</option>
            </select>
          </label>
          <label class="wide">{t("contact.notes")}<textarea rows={3} value={form.notes} dir="auto" onInput={(e) => setForm({ ...form, notes: e.currentTarget.value })} /></label>
          <div class="wide"><button type="submit" class="primary">{t("common.save")}</button></div>
        </form>
        <div>
          <ContactOrganisation contactId={card.id} organisationId={card.organisation_id ?? null} version={card.version} onChanged={load} />
          <DuplicatesPanel contactId={card.id} contactName={card.name || card.emails[0] || card.phones[0] || card.id} isAdmin={!!user?.roles.includes("admin")} onMerged={load} />
          <GdprPanel contactId={card.id} contactName={card.name} isAdmin={!!user?.roles.includes("admin")} onChanged={load} />
          <section aria-labelledby="contact-tickets">
            <h2 id="contact-tickets">{t("contact.tickets")}</h2>
            <TicketList items={card.tickets} contacts={contacts} dir={dir} caption={t("contact.tickets")} linkTo={(x) => href.ticket(x.id)} />
          </section>
        </div>
      </div>
    </main>
  );
}
