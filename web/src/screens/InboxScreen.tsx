import { useEffect, useState } from "preact/hooks";
import { get, q, seg } from "../api";
import { TicketList } from "../components/TicketList";
import { t } from "../i18n";
import { onAction } from "../logic/bus";
import { errorText } from "../logic/errors";
import { inboxLabel } from "../logic/labels";
import { go, href, parseRoute, type Route } from "../logic/route";
import { currentList } from "../state";
import type { Directory, Inbox, InboxPage, Ticket, User } from "../types";
import { TicketView } from "./TicketView";

const PAGE_SIZE = 50;
const KIND_ORDER = ["agent", "group", "pool-group", "rp", "pool-rp"];
const KIND_KEYS = {
  agent: "inbox.section.mine", group: "inbox.section.groups", "pool-group": "inbox.section.unassigned",
  rp: "inbox.section.rps", "pool-rp": "inbox.section.unassigned",
} as const;

export function InboxNav({ inboxes, selected, dir, user }: { inboxes: Inbox[]; selected: string; dir: Directory; user: User }) {
  const sections = KIND_ORDER.filter((k) => k !== "pool-rp" && k !== "pool-group").map((kind) => ({
    kind,
    items: inboxes.filter((i) => i.kind === kind || (kind === "group" && i.kind === "pool-group") || (kind === "rp" && i.kind === "pool-rp")),
  }));
  return (
    <nav class="inbox-nav" aria-label={t("inbox.navLabel")}>
      {sections.filter((s) => s.items.length).map((section) => (
        <section key={section.kind}>
          <h2>{t(KIND_KEYS[section.kind as keyof typeof KIND_KEYS])}</h2>
          <ul>
            {section.items.map((inbox) => (
              <li key={inbox.id}>
                <a href={href.inbox(inbox.id)} aria-current={inbox.id === selected ? "page" : undefined}
                  class={inbox.kind.startsWith("pool") ? "pool" : undefined}>
                  <span>{inboxLabel(dir, inbox.id, user.id)}</span>
                  <span class="count" aria-label={t("inbox.countLabel", { n: inbox.count })}>{inbox.count}</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </nav>
  );
}

export function useInboxes(): [Inbox[], () => void] {
  const [inboxes, setInboxes] = useState<Inbox[]>([]);
  const load = () => void get<{ items: Inbox[] }>("/api/inboxes").then((r) => setInboxes(r.items)).catch(() => undefined);
  useEffect(load, []);
  return [inboxes, load];
}

export function InboxScreen({ route, user, dir }: { route: Route; user: User; dir: Directory }) {
  const inboxId = route.name === "inbox" ? route.inbox : `agent:${user.id}`;
  const ticketId = route.name === "inbox" ? route.ticket : null;
  const [inboxes, reloadInboxes] = useInboxes();
  const [items, setItems] = useState<Ticket[]>([]);
  const [contacts, setContacts] = useState<Record<string, string>>({});
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const pro = user.view === "pro";

  async function load(from: string | null) {
    setLoading(true);
    try {
      const page = await get<InboxPage>(q(`/api/ui/inboxes/${seg(inboxId)}/tickets`, { limit: PAGE_SIZE, cursor: from }));
      performance.mark("servit:list:start");
      setItems((before) => (from ? [...before, ...page.items] : page.items));
      setContacts((before) => ({ ...before, ...page.contacts }));
      setCursor(page.cursor);
      setError(null);
    } catch (e) {
      setError(errorText(e));
      setItems([]);
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    void load(null);
  }, [inboxId]);

  // j/k walk the list; in the standard view they open the next ticket, in PRO they move the selection.
  // The list's order is read when the key is pressed: this screen does not subscribe to it,
  // so a re-sort redraws the table alone, not the whole screen.
  useEffect(
    () =>
      onAction((action) => {
        if (action !== "next" && action !== "previous") return;
        const ids = currentList.get().ids;
        if (!ids.length) return;
        // The open ticket as the address says now, not as this screen last drew it: a second
        // press (a held key) can come before the screen has redrawn for the first.
        const now = parseRoute(location.hash);
        const open = now.name === "inbox" && now.inbox === inboxId ? now.ticket : ticketId;
        const at = open ? ids.indexOf(open) : -1;
        const to = action === "next" ? Math.min(ids.length - 1, at + 1) : Math.max(0, at - 1);
        go(href.inbox(inboxId, ids[to]));
      }),
    [ticketId, inboxId],
  );

  const refresh = () => {
    void load(null);
    reloadInboxes();
  };
  const label = inboxLabel(dir, inboxId, user.id);
  const listBlock = (
    <section class="list-pane" aria-labelledby="list-title">
      <div class="list-head">
        <h1 id="list-title">{label}</h1>
        <button type="button" onClick={refresh}>{t("common.refresh")}</button>
      </div>
      {error && <p class="notice notice-error" role="alert">{error}</p>}
      <TicketList items={items} contacts={contacts} dir={dir} caption={label} selectedId={ticketId} loading={loading}
        linkTo={(ticket) => href.inbox(inboxId, ticket.id)}
        onSorted={(ids) => currentList.set({ inbox: inboxId, ids })} />
      {cursor && (
        <button type="button" class="more" disabled={loading} onClick={() => load(cursor)}>{t("list.more")}</button>
      )}
      {loading && <p class="muted" aria-live="polite">{t("common.loading")}</p>}
    </section>
  );

  if (!pro && ticketId) {
    // The list is not drawn here, so nothing changes currentList while this is shown.
    const list = currentList.get();
    const at = list.ids.indexOf(ticketId);
    return (
      <main id="main" tabIndex={-1} class="page standard-ticket">
        <nav class="ticket-nav" aria-label={t("ticket.navLabel")}>
          <a href={href.inbox(inboxId)}>← {t("ticket.backTo", { inbox: label })}</a>
          <span class="muted">{at >= 0 ? t("ticket.position", { n: at + 1, total: list.ids.length }) : ""}</span>
          <a href={at > 0 ? href.inbox(inboxId, list.ids[at - 1]) : undefined} aria-disabled={at <= 0} aria-keyshortcuts="k">{t("ticket.previous")}</a>
          <a href={at >= 0 && at < list.ids.length - 1 ? href.inbox(inboxId, list.ids[at + 1]) : undefined}
            aria-disabled={at < 0 || at >= list.ids.length - 1} aria-keyshortcuts="j">{t("ticket.next")}</a>
        </nav>
        <TicketView key={ticketId} ticketId={ticketId} user={user} dir={dir} onChanged={refresh} level={1} />
      </main>
    );
  }
  return (
    <main id="main" tabIndex={-1} class={pro ? "page pro-layout" : "page standard-layout"}>
      <InboxNav inboxes={inboxes} selected={inboxId} dir={dir} user={user} />
      {listBlock}
      {pro && (
        <section class="ticket-pane" aria-label={t("ticket.paneLabel")}>
          {ticketId ? (
            <TicketView key={ticketId} ticketId={ticketId} user={user} dir={dir} onChanged={refresh} />
          ) : (
            <p class="empty">{t("ticket.chooseOne")}</p>
          )}
        </section>
      )}
    </main>
  );
}
