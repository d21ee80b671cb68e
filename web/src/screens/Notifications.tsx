// The agent's notifications (S16): the list to read them, and what to be told of, and how.
import { useEffect, useState } from "preact/hooks";
import { api, get, q, session, setSession } from "../api";
import { fmtDateTime, type Key, t } from "../i18n";
import { MfaSettings } from "../components/MfaSettings";
import { errorText } from "../logic/errors";
import { refreshUnread } from "../logic/notices";
import { href } from "../logic/route";
import { userName } from "../logic/labels";
import { say } from "../state";
import type { Directory, User } from "../types";

interface Notice { id: string; at: string; kind: string; ticket_id: string; number: number; title: string; actor: string; read: boolean }
const KINDS: { value: string; label: Key }[] = [
  { value: "message", label: "notice.kind.message" }, { value: "assigned", label: "notice.kind.assigned" }, { value: "changed", label: "notice.kind.changed" },
];
// A follow-up (a ticket woke up, ...) is let through by the "changed" choice: no checkbox.
const kindLabel = (k: string) =>
  t(k === "follow_up" ? "notice.kind.follow_up" : k === "alarm" ? "notice.kind.alarm" : KINDS.find((x) => x.value === k)?.label ?? "notice.kind.changed");

export function NotificationsScreen({ user, dir }: { user: User; dir: Directory }) {
  const [items, setItems] = useState<Notice[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [onlyUnread, setOnlyUnread] = useState(false);
  const [notify, setNotify] = useState<string[]>(user.notify ?? KINDS.map((k) => k.value));
  const [byEmail, setByEmail] = useState(user.notify_email ?? true);
  const [prefsLoaded, setPrefsLoaded] = useState(false); // no edits until the saved ones are in

  async function load(from: string | null) {
    try {
      const page = await get<{ items: Notice[]; cursor: string | null }>(q("/api/me/notifications", { unread: onlyUnread ? 1 : null, cursor: from, limit: 50 }));
      setItems((before) => (from ? [...before, ...page.items] : page.items));
      setCursor(page.cursor);
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  useEffect(() => void load(null), [onlyUnread]);
  useEffect(() => void get<User>("/api/me").then((me) => {
    setNotify(me.notify ?? []);
    setByEmail(me.notify_email ?? true);
    setPrefsLoaded(true);
  }).catch((e) => say(errorText(e), "error")), []);

  async function markRead(body: { ids: string[] } | { all: true }) {
    try {
      await api("POST", "/api/me/notifications/read", body);
      await Promise.all([load(null), refreshUnread()]);
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  async function savePrefs(event: Event) {
    event.preventDefault();
    try {
      await api("PATCH", "/api/me", { notify, notify_email: byEmail });
      const current = session.get();
      if (current) setSession({ ...current, user: { ...current.user, notify, notify_email: byEmail } });
      say(t("admin.saved"));
    } catch (e) {
      say(errorText(e), "error");
    }
  }
  return (
    <main id="main" tabIndex={-1} class="page narrow">
      <h1>{t("notice.title")}</h1>
      <div class="row">
        <label class="check"><input type="checkbox" checked={onlyUnread} onChange={(e) => setOnlyUnread(e.currentTarget.checked)} />{t("notice.onlyUnread")}</label>
        <button type="button" onClick={() => markRead({ all: true })} data-testid="mark-all-read">{t("notice.markAll")}</button>
      </div>
      {items.length === 0 ? <p class="muted">{t("notice.none")}</p> : (
        <ul class="notices-list" data-testid="notification-list">
          {items.map((n) => (
            <li key={n.id} class={n.read ? "read" : "unread"}>
              <a href={href.ticket(n.ticket_id)} onClick={() => !n.read && void markRead({ ids: [n.id] })}>
                {t("notice.line", { kind: kindLabel(n.kind), number: n.number, title: n.title })}
              </a>{" "}
              <span class="muted">{t("notice.by", { name: userName(dir, n.actor), at: fmtDateTime(n.at) })}</span>
              {!n.read && <>{" "}<span class="badge">{t("notice.unread")}</span>{" "}
                <button type="button" class="link" onClick={() => markRead({ ids: [n.id] })} aria-label={t("notice.markReadNamed", { number: n.number })}>{t("notice.markRead")}</button></>}
            </li>
          ))}
        </ul>
      )}
      {cursor && <button type="button" onClick={() => load(cursor)}>{t("list.more")}</button>}
      <form class="card form-grid" onSubmit={savePrefs} aria-labelledby="prefs-title" data-testid="notify-prefs">
        <h2 id="prefs-title" class="wide">{t("notice.prefs")}</h2>
        <fieldset class="wide" disabled={!prefsLoaded}>
          <legend>{t("notice.tellMe")}</legend>
          {KINDS.map((k) => (
            <label class="check" key={k.value}>
              <input type="checkbox" name="notify" value={k.value} checked={notify.includes(k.value)}
                onChange={(e) => setNotify(e.currentTarget.checked ? [...notify, k.value] : notify.filter((x) => x !== k.value))} />
              {t(k.label)}
            </label>
          ))}
        </fieldset>
        <label class="check wide"><input type="checkbox" name="notify-email" disabled={!prefsLoaded} checked={byEmail} onChange={(e) => setByEmail(e.currentTarget.checked)} />{t("notice.byEmail")}</label>
        <div class="wide"><button type="submit" class="primary" disabled={!prefsLoaded}>{t("common.save")}</button></div>
      </form>
      <MfaSettings />
    </main>
  );
}
