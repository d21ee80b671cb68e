import { useEffect, useState } from "preact/hooks";
import { api, download, get, q } from "../api";
import { fmtDateTime, type Key, t } from "../i18n";
import { errorText } from "../logic/errors";
import { href } from "../logic/route";
import { say } from "../state";
import type { MailLogEntry } from "../types";

const OUTCOME_KEYS: Record<string, Key> = {
  created: "outcome.created", appended: "outcome.appended", reopened: "outcome.reopened",
  new_linked: "outcome.new_linked", quarantined: "outcome.quarantined", ignored: "outcome.ignored",
};
const outcome = (o: string) => (OUTCOME_KEYS[o] ? t(OUTCOME_KEYS[o]) : o);

function LogTable({ items, caption, empty, actions }: { items: MailLogEntry[]; caption: string; empty: string; actions?: (e: MailLogEntry) => preact.ComponentChildren }) {
  if (!items.length) return <p class="empty">{empty}</p>;
  return (
    <table class="tickets" data-testid="mail-log">
      <caption class="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("mail.received")}</th><th scope="col">{t("message.from")}</th><th scope="col">{t("message.subject")}</th>
          <th scope="col">{t("mail.outcome")}</th><th scope="col">{t("mail.reason")}</th><th scope="col">{t("mail.ticket")}</th>
          {actions && <th scope="col"><span class="visually-hidden">{t("admin.actions")}</span></th>}
        </tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr key={e.id}>
            <td><time dateTime={e.received_at}>{fmtDateTime(e.received_at)}</time></td>
            <td>{String(e.sender ?? "")}</td>
            <td dir="auto">{String(e.subject ?? "")}</td>
            <td>{outcome(e.outcome)}{e.replayed_at ? ` (${t("mail.replayedAt", { at: fmtDateTime(e.replayed_at) })})` : ""}</td>
            <td>{String(e.reason ?? "")}</td>
            <td>{e.ticket_id ? <a href={href.ticket(e.ticket_id)}>{t("mail.open")}</a> : ""}</td>
            {actions && <td class="row">{actions(e)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function QuarantineScreen() {
  const [items, setItems] = useState<MailLogEntry[]>([]);
  const load = () => get<{ items: MailLogEntry[] }>("/api/admin/quarantine").then((r) => setItems(r.items)).catch((e) => say(errorText(e), "error"));
  useEffect(() => void load(), []);
  async function replay(entry: MailLogEntry) {
    try {
      const result = await api<MailLogEntry>("POST", `/api/admin/quarantine/${entry.id}/replay`);
      say(t("mail.replayed", { outcome: outcome(result.outcome) }));
    } catch (e) {
      say(errorText(e), "error");
    }
    await load();
  }
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">{t("admin.quarantine")}</h1>
      <p class="muted">{t("mail.quarantineHelp")}</p>
      <LogTable items={items} caption={t("admin.quarantine")} empty={t("mail.quarantineEmpty")} actions={(e) => (
        <>
          <button type="button" class="link" onClick={() => replay(e)}>{t("mail.replay")}</button>
          <button type="button" class="link" onClick={() => download(`/api/admin/quarantine/${e.id}/raw`, `${e.id}.eml`).catch((x) => say(errorText(x), "error"))}>{t("message.original")}</button>
        </>
      )} />
    </section>
  );
}

export function MailLogScreen() {
  const [items, setItems] = useState<MailLogEntry[]>([]);
  const [sender, setSender] = useState("");
  const [messageId, setMessageId] = useState("");
  const [days, setDays] = useState("7");
  async function load(event?: Event) {
    event?.preventDefault();
    const since = new Date(Date.now() - Number(days || "7") * 86_400_000).toISOString();
    try {
      const r = await get<{ items: MailLogEntry[] }>(q("/api/admin/mail-log", { sender: sender.trim() || null, message_id: messageId.trim() || null, since }));
      setItems(r.items);
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  useEffect(() => void load(), []);
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">{t("admin.mailLog")}</h1>
      <form class="row" onSubmit={load}>
        <label>{t("mail.sender")}<input type="text" value={sender} onInput={(e) => setSender(e.currentTarget.value)} /></label>
        <label>{t("mail.messageId")}<input type="text" value={messageId} onInput={(e) => setMessageId(e.currentTarget.value)} /></label>
        <label>{t("mail.days")}<input type="number" min="1" max="365" value={days} onInput={(e) => setDays(e.currentTarget.value)} /></label>
        <button type="submit">{t("common.search")}</button>
      </form>
      <LogTable items={items} caption={t("admin.mailLog")} empty={t("mail.logEmpty")} />
    </section>
  );
}

/** Local stack only: what ServIT "sent" (the files in .data/outbox). */
export function OutboxScreen() {
  const [items, setItems] = useState<{ name: string; raw: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    get<{ items: { name: string; raw: string }[] }>("/api/dev/outbox?limit=30")
      .then((r) => setItems([...r.items].reverse()))
      .catch((e) => setError(errorText(e)));
  }, []);
  const header = (raw: string, name: string) => raw.match(new RegExp(`^${name}: (.*)$`, "mi"))?.[1] ?? "";
  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">{t("admin.outbox")}</h1>
      <p class="muted">{t("mail.outboxHelp")}</p>
      {error && <p class="notice notice-error" role="alert">{error}</p>}
      <ul class="outbox" data-testid="outbox">
        {items.map((m) => (
          <li key={m.name}>
            <details>
              <summary><strong>{header(m.raw, "Subject")}</strong> <span class="muted">→ {header(m.raw, "To")}</span></summary>
              <pre>{m.raw.slice(0, 8000)}</pre>
            </details>
          </li>
        ))}
      </ul>
    </section>
  );
}
