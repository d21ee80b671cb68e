// Customer organisations (issue 14, S19): search and create, and the organisation card.
import { useEffect, useState } from "preact/hooks";
import { api, ApiError, get, q } from "../../api";
import { TicketList } from "../../components/TicketList";
import { t } from "../../i18n";
import { errorText } from "../../logic/errors";
import { href } from "../../logic/route";
import { say } from "../../state";
import type { Directory, Organisation, OrganisationCard } from "../../types";

interface OrgForm { name: string; org_number: string; domains: string; phone: string; address: string; notes: string; custom: string }
const EMPTY: OrgForm = { name: "", org_number: "", domains: "", phone: "", address: "", notes: "", custom: "" };

function toForm(o: Organisation): OrgForm {
  const custom = Object.entries(o.custom_fields ?? {}).map(([k, v]) => `${k}=${String(v)}`).join("\n");
  return { name: o.name, org_number: o.org_number, domains: o.domains.join(", "), phone: o.phone, address: o.address, notes: o.notes, custom };
}

function toBody(f: OrgForm): Record<string, unknown> {
  const custom: Record<string, string> = {};
  for (const line of f.custom.split("\n")) {
    const at = line.indexOf("=");
    if (at > 0) custom[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return {
    name: f.name, org_number: f.org_number.trim(), phone: f.phone.trim(), address: f.address, notes: f.notes,
    domains: f.domains.split(/[,;\s]+/).map((d) => d.trim()).filter(Boolean), custom_fields: custom,
  };
}

/** The record's fields, shared by the create form and the card. */
function OrgFields({ form, set, prefix }: { form: OrgForm; set: (f: OrgForm) => void; prefix: string }) {
  const field = (key: keyof OrgForm) => ({ value: form[key], name: `${prefix}-${key}`, onInput: (e: Event) => set({ ...form, [key]: (e.currentTarget as HTMLInputElement).value }) });
  return (
    <>
      <label class="wide">{t("org.name")}<input type="text" required dir="auto" {...field("name")} /></label>
      <label>{t("org.number")}<input type="text" inputMode="numeric" aria-describedby={`${prefix}-number-hint`} {...field("org_number")} />
        <small id={`${prefix}-number-hint`} class="muted">{t("org.numberHint")}</small></label>
      <label>{t("org.domains")}<input type="text" {...field("domains")} /></label>
      <label>{t("org.phone")}<input type="tel" {...field("phone")} /></label>
      <label class="wide">{t("org.address")}<textarea rows={2} dir="auto" {...field("address")} /></label>
      <label class="wide">{t("org.notes")}<textarea rows={3} dir="auto" {...field("notes")} /></label>
      <label class="wide">{t("org.customFields")}<textarea rows={2} {...field("custom")} /></label>
    </>
  );
}

export function OrganisationsScreen() {
  const [term, setTerm] = useState("");
  const [items, setItems] = useState<Organisation[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [form, setForm] = useState<OrgForm>(EMPTY);
  async function load(from: string | null) {
    try {
      const page = await get<{ items: Organisation[]; cursor: string | null }>(q("/api/organisations", { q: term.trim(), limit: 50, cursor: from }));
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
  async function create(event: Event) {
    event.preventDefault();
    try {
      const created = await api<Organisation>("POST", "/api/organisations", toBody(form));
      say(t("org.created"));
      setForm(EMPTY);
      location.hash = href.organisation(created.id);
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  return (
    <main id="main" tabIndex={-1} class="page">
      <h1>{t("org.title")}</h1>
      <div class="two-col">
        <form class="card form-grid" onSubmit={create} aria-labelledby="org-new" data-testid="org-create">
          <h2 id="org-new" class="wide">{t("org.new")}</h2>
          <OrgFields form={form} set={setForm} prefix="new-org" />
          <div class="wide"><button type="submit" class="primary">{t("org.create")}</button></div>
        </form>
        <section aria-labelledby="org-list">
          <h2 id="org-list" class="visually-hidden">{t("org.results")}</h2>
          <label>{t("org.search")}<input type="search" name="org-search" value={term} onInput={(e) => setTerm(e.currentTarget.value)} /></label>
          <table class="tickets" data-testid="org-results">
            <caption class="visually-hidden">{t("org.results")}</caption>
            <thead><tr><th scope="col">{t("org.name")}</th><th scope="col">{t("org.number")}</th><th scope="col">{t("org.domainsShort")}</th></tr></thead>
            <tbody>
              {items.map((o) => (
                <tr key={o.id}>
                  <td><a href={href.organisation(o.id)} dir="auto">{o.name}</a></td>
                  <td>{o.org_number}</td>
                  <td>{o.domains.join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {items.length === 0 && term.trim() && <p class="muted">{t("org.noResults")}</p>}
          {cursor && <button type="button" class="more" onClick={() => load(cursor)}>{t("list.more")}</button>}
        </section>
      </div>
    </main>
  );
}

/** The organisation card: the record (editable), its contacts and the tickets the user may see. */
export function OrganisationCardScreen({ organisationId, dir }: { organisationId: string; dir: Directory }) {
  const [card, setCard] = useState<OrganisationCard | null>(null);
  const [form, setForm] = useState<OrgForm>(EMPTY);
  const [error, setError] = useState<string | null>(null);
  async function load() {
    try {
      const loaded = await get<OrganisationCard>(`/api/organisations/${encodeURIComponent(organisationId)}`);
      setCard(loaded);
      setForm(toForm(loaded));
    } catch (e) {
      setError(e instanceof ApiError && e.status === 404 ? t("org.notFound") : errorText(e));
    }
  }
  useEffect(() => void load(), [organisationId]);
  async function save(event: Event) {
    event.preventDefault();
    if (!card) return;
    try {
      await api("PATCH", `/api/organisations/${encodeURIComponent(card.id)}`, toBody(form), { ifMatch: card.version });
      say(t("org.saved"));
      await load();
    } catch (e) {
      say(e instanceof ApiError && e.status === 409 && e.code === "stale" ? t("error.staleReloaded") : errorText(e), "error");
      if (e instanceof ApiError && e.code === "stale") await load();
    }
  }
  if (error) return <main id="main" class="page"><h1>{t("org.card")}</h1><p class="notice notice-error" role="alert">{error}</p></main>;
  if (!card) return <main id="main" class="page" aria-busy="true"><p>{t("common.loading")}</p></main>;
  const contacts = Object.fromEntries(card.contacts.map((c) => [c.id, c.name || c.emails[0] || c.phones[0] || ""]));
  return (
    <main id="main" tabIndex={-1} class="page">
      <h1><span class="muted">{t("org.card")}:</span> <span dir="auto">{card.name}</span></h1>
      <div class="two-col">
        <form class="card form-grid" onSubmit={save} aria-label={t("org.details")} data-testid="org-details">
          <OrgFields form={form} set={setForm} prefix="org" />
          <div class="wide"><button type="submit" class="primary">{t("common.save")}</button></div>
        </form>
        <div>
          <section aria-labelledby="org-contacts">
            <h2 id="org-contacts">{t("org.contacts")}</h2>
            {card.contacts.length === 0 ? <p class="muted">{t("org.noContacts")}</p> : (
              <ul data-testid="org-contacts">
                {card.contacts.map((c) => (
                  <li key={c.id}><a href={href.contact(c.id)} dir="auto">{c.name || c.emails[0] || c.phones[0] || c.id}</a>{" "}
                    <span class="muted">{c.emails.join(", ")}</span></li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="org-tickets">
            <h2 id="org-tickets">{t("org.tickets")}</h2>
            <TicketList items={card.tickets} contacts={contacts} dir={dir} caption={t("org.tickets")} linkTo={(x) => href.ticket(x.id)} />
          </section>
        </div>
      </div>
    </main>
  );
}
