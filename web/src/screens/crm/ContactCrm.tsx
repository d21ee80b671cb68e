// The contact card's CRM parts (issue 14): its organisation, several addresses and numbers,
// and duplicate cards with a merge (admins).
import { useEffect, useState } from "preact/hooks";
import { api, get, q } from "../../api";
import { t } from "../../i18n";
import { errorText } from "../../logic/errors";
import { href } from "../../logic/route";
import { say } from "../../state";
import type { DuplicateContact, Organisation } from "../../types";

/** Search organisations by name, number or domain and pick one (also the ticket search filter). */
export function OrganisationPicker({ chosen, onChoose, idPrefix }: { chosen: Organisation | null; onChoose: (o: Organisation | null) => void; idPrefix: string }) {
  const [term, setTerm] = useState("");
  const [found, setFound] = useState<Organisation[]>([]);
  useEffect(() => {
    const text = term.trim();
    if (text.length < 2) return setFound([]);
    const timer = setTimeout(() => {
      get<{ items: Organisation[] }>(q("/api/organisations", { q: text, limit: 10 })).then((r) => setFound(r.items)).catch(() => setFound([]));
    }, 200);
    return () => clearTimeout(timer);
  }, [term]);
  if (chosen) {
    return (
      <p class="chosen-contact" data-testid={`${idPrefix}-chosen`}>
        <a href={href.organisation(chosen.id)} dir="auto">{chosen.name}</a> <span class="muted">{chosen.org_number}</span>{" "}
        <button type="button" class="link" onClick={() => onChoose(null)}>{t("org.change")}</button>
      </p>
    );
  }
  return (
    <div class="contact-picker">
      <label>{t("org.search")}<input type="search" name={`${idPrefix}-search`} value={term} onInput={(e) => setTerm(e.currentTarget.value)} /></label>
      {found.length > 0 && (
        <ul class="results" aria-label={t("org.results")}>
          {found.map((o) => (
            <li key={o.id}><button type="button" class="link" onClick={() => { setTerm(""); onChoose(o); }}><span dir="auto">{o.name}</span> <span class="muted">{o.org_number}</span></button></li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The contact's organisation: a link to its card, and a picker to set or change it. */
export function ContactOrganisation({ contactId, organisationId, version, onChanged }: { contactId: string; organisationId: string | null; version: number; onChanged: () => void }) {
  const [org, setOrg] = useState<Organisation | null>(null);
  useEffect(() => {
    if (!organisationId) return setOrg(null);
    get<Organisation>(`/api/organisations/${encodeURIComponent(organisationId)}`).then(setOrg).catch(() => setOrg(null));
  }, [organisationId]);
  async function choose(next: Organisation | null) {
    try {
      await api("PATCH", `/api/contacts/${encodeURIComponent(contactId)}`, { organisation_id: next?.id ?? null }, { ifMatch: version });
      say(next ? t("org.linked", { name: next.name }) : t("org.unlinked"));
    } catch (e) {
      say(errorText(e), "error");
    }
    onChanged();
  }
  return (
    <section class="card" aria-labelledby="contact-org" data-testid="contact-organisation">
      <h2 id="contact-org">{t("org.label")}</h2>
      {organisationId && !org ? <p aria-busy="true">{t("common.loading")}</p> : <OrganisationPicker chosen={org} onChoose={choose} idPrefix="contact-org" />}
      {org && <button type="button" class="link" onClick={() => choose(null)}>{t("org.unlink")}</button>}
    </section>
  );
}

/** Several values (e-mail addresses or phone numbers): one field each, add and remove. */
export function ValueList({ values, onChange, kind }: { values: string[]; onChange: (v: string[]) => void; kind: "email" | "phone" }) {
  const rows = values.length ? values : [""];
  const label = (n: number) => t(kind === "email" ? "contact.emailN" : "contact.phoneN", { n });
  return (
    <fieldset class="value-list" data-testid={`contact-${kind}s`}>
      <legend>{t(kind === "email" ? "contact.emails" : "contact.phones")}</legend>
      {rows.map((value, i) => (
        <div key={i} class="value-row">
          <input type={kind === "email" ? "email" : "tel"} aria-label={label(i + 1)} name={`contact-${kind}-${i}`} value={value}
            onInput={(e) => onChange(rows.map((v, j) => (j === i ? e.currentTarget.value : v)))} />
          {value && <button type="button" class="link" onClick={() => onChange(rows.filter((_, j) => j !== i))}><span aria-hidden="true">×</span><span class="visually-hidden">{t("contact.removeValue", { value })}</span></button>}
        </div>
      ))}
      <button type="button" class="link" onClick={() => onChange([...rows, ""])}>{t(kind === "email" ? "contact.addEmail" : "contact.addPhone")}</button>
    </fieldset>
  );
}

/** Other cards with one of this card's addresses or numbers; an admin merges one into this. */
export function DuplicatesPanel({ contactId, contactName, isAdmin, onMerged }: { contactId: string; contactName: string; isAdmin: boolean; onMerged: () => void }) {
  const [items, setItems] = useState<DuplicateContact[] | null>(null);
  async function load() {
    try {
      setItems((await get<{ items: DuplicateContact[] }>(`/api/contacts/${encodeURIComponent(contactId)}/duplicates`)).items);
    } catch {
      setItems([]);
    }
  }
  useEffect(() => void load(), [contactId]);
  async function merge(other: DuplicateContact) {
    const otherName = other.name || other.emails[0] || other.phones[0] || other.id;
    if (!window.confirm(t("dup.confirm", { other: otherName, kept: contactName }))) return;
    try {
      const done = await api<{ moved_tickets: number }>("POST", `/api/contacts/${encodeURIComponent(other.id)}/merge`, { into: contactId });
      say(t("dup.done", { n: done.moved_tickets }));
    } catch (e) {
      say(errorText(e), "error");
    }
    await load();
    onMerged();
  }
  return (
    <section class="card" aria-labelledby="contact-dups" data-testid="contact-duplicates">
      <h2 id="contact-dups">{t("dup.title")}</h2>
      {items === null ? <p aria-busy="true">{t("common.loading")}</p> : items.length === 0 ? <p class="muted">{t("dup.none")}</p> : (
        <ul>
          {items.map((d) => {
            const name = d.name || d.emails[0] || d.phones[0] || d.id;
            return (
              <li key={d.id}>
                <a href={href.contact(d.id)} dir="auto">{name}</a>{" "}
                <span class="muted">({d.reasons.map((r) => t(r === "email" ? "dup.reason.email" : "dup.reason.phone")).join(", ")})</span>{" "}
                {isAdmin && <button type="button" onClick={() => merge(d)}>{t("dup.merge")}<span class="visually-hidden"> ({name})</span></button>}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

/** The ticket search's organisation filter: the chosen organisation's id, or "". */
export function OrganisationFilter({ id, onChoose }: { id: string; onChoose: (o: Organisation | null) => void }) {
  const [org, setOrg] = useState<Organisation | null>(null);
  useEffect(() => {
    if (!id) return setOrg(null);
    if (org?.id === id) return;
    get<Organisation>(`/api/organisations/${encodeURIComponent(id)}`).then(setOrg).catch(() => setOrg(null));
  }, [id]);
  return <OrganisationPicker chosen={id ? org : null} onChoose={(o) => { setOrg(o); onChoose(o); }} idPrefix="search-org" />;
}
