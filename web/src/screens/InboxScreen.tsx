import { useEffect, useRef, useState } from "preact/hooks";
import { get, q, seg } from "../api";
import { BulkBar } from "../components/lists/BulkBar";
import { useChosen } from "../components/lists/useChosen";
import { TicketList } from "../components/TicketList";
import { t } from "../i18n";
import { onAction } from "../logic/bus";
import { errorText } from "../logic/errors";
import { inboxLabel } from "../logic/labels";
import { go, href, parseRoute, type Route } from "../logic/route";
import { currentList } from "../state";
import type { Directory, Inbox, InboxPage, Ticket, User } from "../types";
import { TicketView } from "./TicketView";
import { debounce, onTicketChange } from "../live";
import { fetchFresh } from "../live/conditional";
import { concerns, REFRESH_DEBOUNCE_MS } from "../live/lists";
import { landingInbox } from "../components/ticket/landing";

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
                <a href={href.inbox(inbox.id)} aria-current={inbox.id === selected ? "page" : undefined} title={inboxLabel(dir, inbox.id, user.id)}
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

export function useInboxes(): [Inbox[], () => void, boolean] {
  const [inboxes, setInboxes] = useState<Inbox[]>([]);
  const [settled, setSettled] = useState(false); // answered or failed: the landing need not wait
  const load = () => void get<{ items: Inbox[] }>("/api/inboxes").then((r) => setInboxes(r.items)).catch(() => undefined).finally(() => setSettled(true));
  useEffect(load, []);
  return [inboxes, load, settled];
}

export function InboxScreen({ route, user, dir }: { route: Route; user: User; dir: Directory }) {
  const inboxId = route.name === "inbox" ? route.inbox : `agent:${user.id}`;
  const ticketId = route.name === "inbox" ? route.ticket : null;
  const [inboxes, reloadInboxes, inboxesSettled] = useInboxes();
  // Issue 15: the address without an inbox (after login) opens the first inbox with work.
  const landing = route.name === "home";
  useEffect(() => {
    if (landing && inboxesSettled) location.replace(href.inbox(landingInbox(inboxes, user.id)));
  }, [landing, inboxesSettled]);
  const [items, setItems] = useState<Ticket[]>([]);
  const [contacts, setContacts] = useState<Record<string, string>>({});
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  // Issue 15: which inbox the rows are of. After a switch the old rows are hidden and inert
  // until the new list is in; an answer for an inbox left meanwhile is dropped.
  const [loadedFor, setLoadedFor] = useState<string | null>(null);
  const wanted = useRef(inboxId);
  wanted.current = inboxId;
  const { chosen, onChoose, clear } = useChosen(items, loadedFor ?? "");
  const pro = user.view === "pro";

  async function load(from: string | null, quiet = false) {
    if (!quiet) setLoading(true);
    try {
      const path = q(`/api/ui/inboxes/${seg(inboxId)}/tickets`, { limit: PAGE_SIZE, cursor: from });
      // Issue 15: the first page by ETag; a live refresh that finds nothing changed (304) redraws nothing.
      const fresh = from ? { body: await get<InboxPage>(path), changed: true } : await fetchFresh<InboxPage>(path);
      if (wanted.current !== inboxId || (quiet && !fresh.changed)) return;
      const page = fresh.body;
      performance.mark("servit:list:start");
      setLoadedFor(inboxId);
      setItems((before) => (from ? [...before, ...page.items] : page.items));
      setContacts((before) => ({ ...before, ...page.contacts }));
      setCursor(page.cursor);
      setError(null);
    } catch (e) {
      if (wanted.current !== inboxId) return;
      setError(errorText(e));
      setLoadedFor(inboxId);
      setItems([]);
    } finally {
      setLoading(false);
    }
  }

  useEffect(() => {
    if (!landing) void load(null);
  }, [inboxId, landing]);

  // Issue 15: live lists. The open list and the counts follow the changes the server pushes
  // (web/src/live), debounced; a change of a ticket neither shown nor due here is ignored.
  const shown = useRef<Set<string>>(new Set());
  shown.current = new Set(items.map((i) => i.id));
  useEffect(() => {
    if (landing) return;
    const again = debounce(() => {
      void load(null, true);
      reloadInboxes();
    }, REFRESH_DEBOUNCE_MS);
    const off = onTicketChange((change) => concerns(change, inboxId, shown.current) && again());
    return () => {
      off();
      again.cancel();
    };
  }, [inboxId, landing]);

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
      <BulkBar dir={dir} items={items} chosen={chosen} onClear={clear} onChanged={refresh} />
      <TicketList items={items} contacts={contacts} dir={dir} caption={label} selectedId={ticketId} loading={loading}
        stale={loadedFor !== inboxId} chosen={chosen} onChoose={onChoose} spansGroups={!inboxId.includes("group:")}
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
