import { useState } from "preact/hooks";
import { download } from "../api";
import { fmtDateTime, type Key, t } from "../i18n";
import { errorText } from "../logic/errors";
import { channelLabel, groupName, noteLabel, priorityLabel, statusLabel, userName } from "../logic/labels";
import { href } from "../logic/route";
import { say } from "../state";
import type { AttachmentRef, Directory, Status, Priority, TicketEvent } from "../types";
import { MessageContent } from "./MessageBody";
import { actionText, reasonText, type Reason, type TriggerAction } from "../logic/triggers";
import { type Request, threadOf } from "./ticket/thread";

const s = (v: unknown): string =>
  v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

function Attachments({ ticketId, event }: { ticketId: string; event: TicketEvent }) {
  const files = (event.data.attachments as AttachmentRef[] | undefined) ?? [];
  if (!files.length) return null;
  return (
    <ul class="attachments" aria-label={t("message.attachments")}>
      {files.map((file) => (
        <li key={file.index}>
          <button type="button" class="link" onClick={() =>
            download(`/api/tickets/${ticketId}/events/${event.id}/attachments/${file.index}`, file.filename).catch((e) => say(errorText(e), "error"))}>
            📎 <span dir="auto">{file.filename}</span> {t("message.size", { n: Math.max(1, Math.round(file.size / 1024)) })}
          </button>
        </li>
      ))}
    </ul>
  );
}

function Message({ ticketId, event, outgoing }: { ticketId: string; event: TicketEvent; outgoing: boolean }) {
  const d = event.data;
  // A text or a direct message has a name (the number) and no address: no empty "<>".
  const from = d.from_name && d.from ? `${s(d.from_name)} <${s(d.from)}>` : s(d.from_name) || s(d.from);
  return (
    <>
      <dl class="headers">
        <dt>{t("message.from")}</dt><dd dir="auto">{from}</dd>
        <dt>{t("message.to")}</dt><dd>{list(d.to).join(", ")}</dd>
        {list(d.cc).length > 0 && <><dt>{t("message.cc")}</dt><dd>{list(d.cc).join(", ")}</dd></>}
        {outgoing && list(d.bcc).length > 0 && <><dt>{t("message.bcc")}</dt><dd>{list(d.bcc).join(", ")}</dd></>}
        <dt>{t("message.subject")}</dt><dd dir="auto">{s(d.subject)}</dd>
      </dl>
      {/* A reply shows its text first and, like a mail in, the HTML as sent (sanitised by the
          server) in the sandboxed frame on request. */}
      <MessageContent data={outgoing ? { ...d, stripped_text: d.text } : d} />
      <Attachments ticketId={ticketId} event={event} />
      {d.raw_key ? (
        <button type="button" class="link" onClick={() =>
          download(`/api/tickets/${ticketId}/events/${event.id}/raw`, `${event.id}.eml`).catch((e) => say(errorText(e), "error"))}>
          {t("message.original")}
        </button>
      ) : null}
    </>
  );
}

function describe(event: TicketEvent, dir: Directory): string {
  const d = event.data;
  switch (event.type) {
    case "created": return t("event.created", { channel: channelLabel(s(d.channel)) });
    case "status_changed": {
      const base = t("event.status", { from: statusLabel(s(d.from) as Status), to: statusLabel(s(d.to) as Status) });
      return d.dormant_until ? `${base} (${fmtDateTime(s(d.dormant_until))})` : base;
    }
    case "priority_changed": return t("event.priority", { from: priorityLabel(s(d.from) as Priority), to: priorityLabel(s(d.to) as Priority) });
    case "field_changed": return t("event.field", { field: s(d.field) });
    case "assigned": {
      const who = d.agent_id ? userName(dir, s(d.agent_id)) : t("event.nobody");
      return t("event.assigned", { agent: who, group: d.group_id ? groupName(dir, s(d.group_id)) : "–" });
    }
    case "picked": return t("event.picked");
    case "released": return t("event.released");
    case "reopened": return t("event.reopened");
    case "delivery_status": return d.delivered ? t("event.smsDelivered") : t("event.smsNotDelivered", { status: s(d.status) || s(d.event_type) });
    case "message_in": return t("event.messageIn", { channel: channelLabel(s(d.channel)) });
    case "message_out": if (d.channel === "sms") return t(d.asked_customer ? "event.smsAsk" : "event.smsOut", { parts: s(d.parts) });
      return d.automatic ? t("event.messageAuto") : d.asked_customer ? t("event.messageAsk") : t("event.messageOut");
    case "linked": return t("event.linked", { number: s(d.number) });
    case "note": return noteLabel(s(d.kind));
    case "template_applied": return t("event.templateApplied", { template: s(d.template_id), version: s(d.version) });
    case "routed": return d.rule_id ? t("event.routedByRule", { rule: s(d.rule_name ?? d.rule_id) }) : t("event.routedNoRule");
    case "step_checked": return t(d.done ? "event.stepDone" : "event.stepUndone", { n: Number(d.step) + 1 });
    case "contact_changed": return t("event.contactChanged", { before: list(d.before).join(", ") || "–", after: list(d.after).join(", ") || "–" });
    case "portal_links_revoked": return t("event.portalRevoked");
    case "woke_up": return t("event.woke_up");
    case "children_run_started": return t("event.children_run_started", { total: s(d.total) });
    case "children_run_resumed": return t("event.children_run_resumed");
    case "children_run_done": return t("event.children_run_done", { done: s(d.done), total: s(d.total) });
    case "closed_by_parent": return t("event.closed_by_parent", { number: s(d.parent_number) });
    case "consultation_sent": return t("event.consultation_sent", { to: s(d.to_name) || list(d.to).join(", ") });
    case "consultation_reminded": return t("event.consultation_reminded", { n: s(d.reminder), of: s(d.reminders), to: s(d.party) });
    case "external_answer": return t(d.channel === "phone" ? "event.external_answer_phone" : d.automatic ? "event.external_answer_auto" : "event.external_answer", { from: s(d.from) });
    case "consultation_unanswered": return t("event.consultation_unanswered", { to: s(d.party) });
    case "consultation_cancelled": return t("event.consultation_cancelled", { to: s(d.party) });
    case "sla_set": return t("event.sla_set");
    case "sla_paused": return t("event.sla_paused", { status: statusLabel(s(d.status) as Status) });
    case "sla_resumed": return t("event.sla_resumed", { minutes: s(d.paused_minutes) });
    case "sla_breached": return t(d.target === "resolution" ? "event.sla_breached.resolution" : "event.sla_breached.first_response", { at: fmtDateTime(s(d.due)) });
    case "trigger_fired": return d.capped
      ? t("event.trigger_capped", { name: s(d.trigger_name), cap: s(d.hourly_cap) })
      : t("event.trigger_fired", { name: s(d.trigger_name) });
    default: return event.type;
  }
}

// Who did it: a person, the system, or an admin's trigger (S7: "trigger:<id>").
function actorName(event: TicketEvent, dir: Directory): string {
  if (event.actor.startsWith("system")) return t("event.system");
  if (event.actor.startsWith("trigger:")) {
    return t("event.byTrigger", { name: s(event.data.trigger_name) || event.actor.slice("trigger:".length) });
  }
  return userName(dir, event.actor);
}

// A trigger's firing (S7): why it fired (each condition that held) and what its actions did.
function TriggerDetails({ event, dir }: { event: TicketEvent; dir: Directory }) {
  const reasons = (event.data.reasons as Reason[] | undefined) ?? [];
  const done = (event.data.actions as (TriggerAction & { outcome?: string })[] | undefined) ?? [];
  return (
    <dl class="headers" data-testid="trigger-fired">
      <dt>{t("event.trigger_why")}</dt>
      <dd dir="auto">{reasons.map((r) => reasonText(r, dir)).join(", ")}</dd>
      {done.length > 0 && (<>
        <dt>{t("event.trigger_did")}</dt>
        <dd><ul>{done.map((a, i) => (
          <li key={i}>{actionText(a, dir)}{a.outcome ? `: ${t(`trig.outcome.${a.outcome}` as Key)}` : ""}</li>
        ))}</ul></dd>
      </>)}
    </dl>
  );
}

/** One event of the history as a list item. */
function EventItem({ ticketId, event, dir, request = false }: { ticketId: string; event: TicketEvent; dir: Directory; request?: boolean }) {
  return (
    <li class={`event event-${event.type}${event.type === "note" ? ` note-${s(event.data.kind)}` : ""}${request ? " event-request" : ""}`} data-event={event.type}>
      <div class="event-head">
        {request && <span class="badge request-badge">{t("thread.request")}</span>}
        <strong>{describe(event, dir)}</strong>
        <span class="muted"> · {actorName(event, dir)} · <time dateTime={event.at}>{fmtDateTime(event.at)}</time></span>
      </div>
      {event.type === "note" && <div class="message-text" dir="auto">{s(event.data.text)}</div>}
      {event.type === "field_changed" && (
        <div class="muted small" dir="auto">{s(event.data.before) || "–"} → {s(event.data.after) || "–"}</div>
      )}
      {event.type === "reopened" && event.data.reason ? <div class="message-text" dir="auto">{s(event.data.reason)}</div> : null}
      {event.type === "linked" && event.data.ticket_id ? <a href={href.ticket(s(event.data.ticket_id))}>#{s(event.data.number)}</a> : null}
      {event.type === "created" && event.data.follows_up ? (
        <a href={href.ticket(s((event.data.follows_up as { id: string }).id))}>
          {t("event.followsUp", { number: s((event.data.follows_up as { number: number }).number) })}
        </a>
      ) : null}
      {(event.type === "message_in" || event.type === "message_out") && (
        <Message ticketId={ticketId} event={event} outgoing={event.type === "message_out"} />
      )}
      {/* External consultation (S6): the mails as mails; an answer taken by phone as text. */}
      {(event.type === "consultation_sent" || event.type === "consultation_reminded" || (event.type === "external_answer" && event.data.channel !== "phone")) && (
        <Message ticketId={ticketId} event={event} outgoing={event.type !== "external_answer"} />
      )}
      {event.type === "external_answer" && event.data.channel === "phone" && <div class="message-text" dir="auto">{s(event.data.text)}</div>}
      {event.type === "trigger_fired" && <TriggerDetails event={event} dir={dir} />}
      {event.type === "consultation_unanswered" && <div class="muted small" dir="auto">{s(event.data.note)}</div>}
      {event.type === "consultation_cancelled" && event.data.reason ? <div class="message-text" dir="auto">{s(event.data.reason)}</div> : null}
    </li>
  );
}

/** A run of system events as one line; the button shows them in place (issue 15). */
function FoldedEvents({ ticketId, events, dir, initiallyOpen }: { ticketId: string; events: TicketEvent[]; dir: Directory; initiallyOpen: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  const id = `fold-${events[0].id}`;
  return (
    <li class="event event-folded" data-event="folded">
      <button type="button" class="link fold-toggle" aria-expanded={open} aria-controls={id} title={t("thread.foldedHint")}
        onClick={() => setOpen(!open)}>
        {open ? "▾" : "▸"} {t("thread.folded", { n: events.length })}
      </button>
      {!open && <span class="muted small fold-summary" dir="auto"> {events.map((e) => describe(e, dir)).join(" · ")}</span>}
      <ol id={id} class="timeline folded-events" hidden={!open}>
        {open && events.map((event) => <EventItem key={event.id} ticketId={ticketId} event={event} dir={dir} />)}
      </ol>
    </li>
  );
}

/** The request an agent typed when they entered the ticket (no mail came with it). */
function DescriptionItem({ request, dir }: { request: Extract<Request, { kind: "description" }>; dir: Directory }) {
  return (
    <li class="event event-request event-description" data-event="description">
      <div class="event-head">
        <span class="badge request-badge">{t("thread.request")}</span>
        <strong>{t("thread.description")}</strong>
        {request.actor && <span class="muted"> · {request.actor.startsWith("system") ? t("event.system") : userName(dir, request.actor)}</span>}
        {request.at && <span class="muted"> · <time dateTime={request.at}>{fmtDateTime(request.at)}</time></span>}
      </div>
      <div class="message-text" dir="auto">{request.text}</div>
    </li>
  );
}

/** The conversation: the customer's request first, then the history in order, runs of
 * system events folded into one line each (components/ticket/thread.ts decides). */
export function Timeline({ ticketId, events, dir, description = "" }: { ticketId: string; events: TicketEvent[]; dir: Directory; description?: string }) {
  const thread = threadOf(events, description);
  return (
    <ol class="timeline" aria-label={t("ticket.history")}>
      {thread.request?.kind === "message" && <EventItem ticketId={ticketId} event={thread.request.event} dir={dir} request />}
      {thread.request?.kind === "description" && <DescriptionItem request={thread.request} dir={dir} />}
      {thread.items.map((item) => item.kind === "folded"
        ? <FoldedEvents key={item.key} ticketId={ticketId} events={item.events} dir={dir} initiallyOpen={item.open} />
        : <EventItem key={item.event.id} ticketId={ticketId} event={item.event} dir={dir} />)}
    </ol>
  );
}
