import { useEffect, useState } from "preact/hooks";
import { api, ApiError, get } from "../api";
import { ClassificationFields, CustomFieldInput, customValue, type Values } from "../components/Fields";
import { AddressFlag } from "../components/AddressFlag";
import { NoteComposer, ReplyComposer } from "../components/Composers";
import { ReplyChannels } from "../components/SmsComposer";
import { SocialReplyChannels } from "../components/SocialComposer";
import { ChildrenPanel } from "../components/ChildrenPanel";
import { ConsultPanel } from "../components/ConsultPanel";
import { Timeline } from "../components/Timeline";
import { AssignmentInfo } from "../components/ticket/AssignmentInfo";
import { RoutingInfo, type Routing, TemplatePanel } from "../components/TemplatePanel";
import { hiddenFor, isShown } from "../logic/fieldSettings";
import { currentTimeZone, fmtDateTime, t } from "../i18n";
import { zonedLocalToIso } from "../logic/zonedTime";
import { onAction } from "../logic/bus";
import { errorText } from "../logic/errors";
import { canPick, canRelease, canReopen, lockedByOther, statusMoves } from "../logic/moves";
import { channelLabel, priorityLabel, rpName, statusLabel, userName } from "../logic/labels";
import { href } from "../logic/route";
import { say } from "../state";
import type { Contact, Directory, Status, Ticket, TicketWithEvents, User } from "../types";

const PLAIN = ["title", "priority", "ticket_type", "itil_process", "response_point_id", "group_id", "agent_id", "parent_id", "description"] as const;

function valuesOf(ticket: Ticket): Values {
  const values: Values = {};
  for (const k of PLAIN) values[k] = String(ticket[k] ?? "");
  values.cc = (ticket.cc ?? []).join(", "); // a hidden field (S16) is not in the API's answer
  values.bcc = (ticket.bcc ?? []).join(", ");
  for (const [k, v] of Object.entries(ticket.custom_fields ?? {})) values[`cf:${k}`] = String(v);
  return values;
}

function changes(ticket: Ticket, values: Values, dir: Directory): Record<string, unknown> {
  const before = valuesOf(ticket);
  const body: Record<string, unknown> = {};
  for (const k of PLAIN) if ((values[k] ?? "") !== (before[k] ?? "")) body[k] = values[k] === "" ? null : values[k];
  for (const k of ["cc", "bcc"]) {
    if (values[k] !== before[k]) body[k] = values[k].split(/[,;\s]+/).filter(Boolean);
  }
  const custom: Record<string, unknown> = {};
  for (const def of dir.custom_fields) {
    const key = `cf:${def.id}`;
    if ((values[key] ?? "") !== (before[key] ?? "")) custom[def.id] = customValue(def, values[key] ?? "");
  }
  if (Object.keys(custom).length) body.custom_fields = custom;
  if ("description" in body && body.description === null) body.description = "";
  return body;
}

/**
 * One ticket. ``level`` is its heading's level: 1 where the ticket is the page (the standalone
 * ticket page, the standard view), 2 beside the list in the PRO view (the list holds the h1);
 * its sections are one level below, so the outline never skips a level.
 */
export function TicketView({ ticketId, user, dir, onChanged, level = 2 }: {
  ticketId: string; user: User; dir: Directory; onChanged?: () => void; level?: 1 | 2;
}) {
  const Title = level === 1 ? "h1" : "h2";
  const Section = level === 1 ? "h2" : "h3";
  const [ticket, setTicket] = useState<TicketWithEvents | null>(null);
  const [contact, setContact] = useState<Contact | null>(null);
  const [values, setValues] = useState<Values>({});
  const [status, setStatus] = useState<Status | "">("");
  const [dormantUntil, setDormantUntil] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [childCount, setChildCount] = useState(0); // from the children panel (S10)

  async function load(): Promise<TicketWithEvents | null> {
    try {
      const loaded = await get<TicketWithEvents>(`/api/tickets/${encodeURIComponent(ticketId)}`);
      setTicket(loaded);
      setValues(valuesOf(loaded));
      setStatus("");
      setError(null);
      if (loaded.contact_id && loaded.contact_id !== contact?.id) {
        get<Contact>(`/api/contacts/${loaded.contact_id}`).then(setContact).catch(() => setContact(null));
      }
      return loaded;
    } catch (e) {
      setError(e instanceof ApiError && e.status === 404 ? t("ticket.notFound") : errorText(e));
      setTicket(null);
      return null;
    }
  }
  useEffect(() => {
    void load();
  }, [ticketId]);

  /** Every write: show the error in words; on 409 reload and say why. */
  async function run(work: () => Promise<unknown>, done: string): Promise<boolean> {
    setBusy(true);
    try {
      await work();
      say(done);
      await load();
      onChanged?.();
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        await load();
        say(e.code === "locked" ? t("error.lockedReloaded") : t("error.staleReloaded"), "error");
      } else {
        say(errorText(e), "error");
      }
      return false;
    } finally {
      setBusy(false);
    }
  }

  const now = new Date();
  const pick = () => ticket && canPick(ticket, user, now) && run(() => api("POST", `/api/tickets/${ticket.id}/pick`), t("pick.done"));
  const release = () => ticket && canRelease(ticket, user, now) && run(() => api("POST", `/api/tickets/${ticket.id}/release`), t("release.done"));
  useEffect(() => onAction((a) => (a === "pick" ? void pick() : a === "release" ? void release() : undefined)), [ticket]);
  // Shift+S (issue 15): to the status without a reply.
  useEffect(() => onAction((a) => a === "status" && document.querySelector<HTMLSelectElement>("[data-testid=status-select]")?.focus()), []);

  // Before the ticket is there (or when it cannot be shown) the page still has its heading.
  const placeholderTitle = level === 1 ? <Title class="visually-hidden">{t("ticket.paneLabel")}</Title> : null;
  if (error) return <section class="ticket">{placeholderTitle}<p class="notice notice-error" role="alert">{error}</p></section>;
  if (!ticket) return <section class="ticket" aria-busy="true">{placeholderTitle}<p class="muted">{t("common.loading")}</p></section>;

  const locked = lockedByOther(ticket, user, now);
  const moves = statusMoves(ticket, dir.status_moves);
  const set = (k: string, v: string) => setValues((before) => ({ ...before, [k]: v }));
  const hidden = hiddenFor(dir, ticket.response_point_id);
  const shown = (field: string) => isShown(hidden, field);
  const contactEmail = contact?.emails[0] ?? "";

  async function saveFields(event: Event) {
    event.preventDefault();
    const body = changes(ticket as Ticket, values, dir);
    if (!Object.keys(body).length) return say(t("ticket.noChanges"));
    await run(() => api("PATCH", `/api/tickets/${ticketId}`, body, { ifMatch: (ticket as Ticket).version }), t("ticket.saved"));
  }
  /** What the agent typed into the fields and has not saved yet is saved before a template
   * is applied, so "fill only empty fields" keeps it (and the reload does not lose it). */
  async function saveEdits() {
    const body = changes(ticket as Ticket, values, dir);
    if (Object.keys(body).length) await api("PATCH", `/api/tickets/${ticketId}`, body, { ifMatch: (ticket as Ticket).version });
  }
  async function changeStatus(event: Event) {
    event.preventDefault();
    if (!status) return;
    const body: Record<string, unknown> = { status };
    // The wall time typed is the organisation's (Settings.time_zone), not the browser's.
    if (status === "dormant_until") body.dormant_until = zonedLocalToIso(dormantUntil, currentTimeZone());
    await run(() => api("PATCH", `/api/tickets/${ticketId}`, body, { ifMatch: (ticket as Ticket).version }), t("status.changed"));
  }

  return (
    <article class="ticket" aria-labelledby={`t-${ticket.id}`} data-version={ticket.version}>
      <header class="ticket-head">
        <Title id={`t-${ticket.id}`} class="ticket-title"><span class="muted">#{ticket.number}</span> <span dir="auto">{ticket.title}</span></Title>
        <p class="meta">
          <span class={`badge status-${ticket.status}`} data-testid="ticket-status">{statusLabel(ticket.status)}</span>
          <span class={`prio prio-${ticket.priority}`}>{priorityLabel(ticket.priority)}</span>
          <span>{rpName(dir, ticket.response_point_id)}</span>
          <span>{channelLabel(ticket.channel)}</span>
          <span>{t("ticket.createdAt", { at: fmtDateTime(ticket.created_at) })}</span>
          {ticket.dormant_until && <span>{t("ticket.dormantUntil", { at: fmtDateTime(ticket.dormant_until) })}</span>}
        </p>
        <AssignmentInfo ticket={ticket} dir={dir} />
        {ticket.sla && ticket.sla.state !== "none" && (
          <p class={`meta sla sla-${ticket.sla.state}`} data-testid="ticket-sla">
            <span class="sla-state">{t("ticket.sla", { state: t(ticket.sla.state === "breached" ? "search.sla.breached" : "search.sla.running") })}</span>
            {ticket.sla.first_response_at
              ? <span>{t("ticket.slaAnswered", { at: fmtDateTime(ticket.sla.first_response_at) })}</span>
              : ticket.sla.first_response_due && <span>{t("ticket.slaFirstDue", { at: fmtDateTime(ticket.sla.first_response_due) })}</span>}
            {ticket.sla.resolution_due && <span>{t("ticket.slaResolveDue", { at: fmtDateTime(ticket.sla.resolution_due) })}</span>}
            {ticket.sla.paused_since && <span class="sla-paused" data-testid="sla-paused">{t("ticket.slaPaused", { at: fmtDateTime(ticket.sla.paused_since) })}</span>}
          </p>
        )}
        {ticket.lock && (
          <p class={locked ? "notice notice-error" : "notice notice-info"} data-testid="lock-info">
            {ticket.lock.by === user.id
              ? t("lock.mine", { until: fmtDateTime(ticket.lock.until) })
              : t("lock.other", { name: userName(dir, ticket.lock.by), until: fmtDateTime(ticket.lock.until) })}
          </p>
        )}
        <div class="actions">
          {canPick(ticket, user, now) && <button type="button" class="primary" disabled={busy} onClick={pick} aria-keyshortcuts="p">{t("pick.pick")}</button>}
          {canRelease(ticket, user, now) && <button type="button" disabled={busy} onClick={release} aria-keyshortcuts="u">{t("release.release")}</button>}
          {canReopen(ticket) && !locked && (
            <button type="button" disabled={busy} onClick={() => run(() => api("POST", `/api/tickets/${ticket.id}/reopen`, {}), t("reopen.done"))}>{t("reopen.reopen")}</button>
          )}
          {user.roles.includes("admin") && (
            <button type="button" disabled={busy} data-testid="revoke-portal-links"
              onClick={() => window.confirm(t("portal.revokeConfirm")) && run(() => api("POST", `/api/admin/tickets/${ticket.id}/portal-links/revoke`, {}), t("portal.revoked"))}>
              {t("portal.revoke")}
            </button>
          )}
        </div>
      </header>

      {!locked && moves.length > 0 && (
        <form class="status-form row" onSubmit={changeStatus}>
          <label>{t("status.moveTo")}
            <select value={status} data-testid="status-select" disabled={busy} aria-keyshortcuts="Shift+S" onChange={(e) => setStatus(e.currentTarget.value as Status)}>
              <option value="">–</option>
              {moves.map((m) => <option key={m} value={m}>{statusLabel(m)}</option>)}
            </select>
          </label>
          {status === "dormant_until" && (
            <label>{t("status.untilIn", { zone: currentTimeZone() })}<input type="datetime-local" required data-testid="dormant-until" disabled={busy} value={dormantUntil} onInput={(e) => setDormantUntil(e.currentTarget.value)} /></label>
          )}
          <button type="submit" disabled={busy || !status}>{t("status.change")}</button>
        </form>
      )}

      <div class="ticket-body">
        <section class="ticket-main">
          <Section class="visually-hidden">{t("ticket.history")}</Section>
          <Timeline ticketId={ticket.id} events={ticket.events} dir={dir} description={ticket.description} />
          {!locked && ticket.status !== "closed" && (
            <>
              <SocialReplyChannels ticket={ticket} run={run} heading={Section}>
                <ReplyChannels ticket={ticket} contact={contact} run={run} heading={Section}>
                  <ReplyComposer ticket={ticket} contactEmail={contactEmail} unreachable={{ ...ticket.unreachable, ...contact?.unreachable }} run={run} heading={Section} hasChildren={childCount > 0} />
                </ReplyChannels>
              </SocialReplyChannels>
              <NoteComposer ticket={ticket} run={run} heading={Section} />
            </>
          )}
        </section>
        <aside class="ticket-side">
          <RoutingInfo routing={ticket.routing as Routing | null} heading={Section} />
          <TemplatePanel ticket={ticket} locked={locked} run={run} heading={Section} saveEdits={saveEdits} />
          {shown("parent_id") && <ChildrenPanel ticket={ticket} locked={locked} run={run} heading={Section} onCount={setChildCount} />}
          <ConsultPanel ticket={ticket} locked={locked} run={run} dir={dir} heading={Section} />
          <section class="contact-box" aria-labelledby={`c-${ticket.id}`}>
            <Section id={`c-${ticket.id}`} class="section-title">{t("contact.title")}</Section>
            {contact ? (
              <p><a href={href.contact(contact.id)} dir="auto">{contact.name || contactEmail || contact.phones[0] || contact.id}</a><br /><span class="muted">{contactEmail}</span><AddressFlag reason={contact.unreachable?.[contactEmail]} /></p>
            ) : <p class="muted">{t("contact.none")}</p>}
          </section>
          <form class="fields" onSubmit={saveFields} aria-labelledby={`f-${ticket.id}`}>
            <Section id={`f-${ticket.id}`} class="section-title">{t("ticket.fields")}</Section>
            <fieldset disabled={locked}>
              <legend class="visually-hidden">{t("ticket.fields")}</legend>
              {shown("title") && <label>{t("field.title")}<input type="text" value={values.title} dir="auto" onInput={(e) => set("title", e.currentTarget.value)} /></label>}
              <ClassificationFields values={values} set={set} dir={dir} />
              {/* The parent is chosen by search in the children panel (S10), not typed here. */}
              {shown("cc") && <label>{t("field.cc")}<input type="text" value={values.cc} onInput={(e) => set("cc", e.currentTarget.value)} /></label>}
              {shown("bcc") && <label>{t("field.bcc")}<input type="text" value={values.bcc} onInput={(e) => set("bcc", e.currentTarget.value)} /></label>}
              {shown("description") && <label>{t("field.description")}<textarea rows={4} value={values.description} dir="auto" onInput={(e) => set("description", e.currentTarget.value)} /></label>}
              {dir.custom_fields.filter((def) => shown(`custom_fields.${def.id}`)).map((def) => (
                <CustomFieldInput key={def.id} def={def} value={values[`cf:${def.id}`] ?? ""} onChange={(v) => set(`cf:${def.id}`, v)} />
              ))}
              <button type="submit" class="primary" disabled={busy}>{t("common.save")}</button>
            </fieldset>
          </form>
        </aside>
      </div>
    </article>
  );
}
