import type { ComponentChildren } from "preact";
import { useEffect } from "preact/hooks";
import { api, logOut } from "../api";
import { language, t } from "../i18n";
import { emit, onAction } from "../logic/bus";
import { errorText } from "../logic/errors";
import { href, go, type Route } from "../logic/route";
import { actionFor } from "../logic/shortcuts";
import { chooseLanguage, chooseView, helpOpen, say } from "../state";
import { useStore } from "../store";
import { QuickMenu } from "../components/QuickMenu";
import { TopSearch } from "../components/search/TopSearch";
import { pollUnread, unread } from "../logic/notices";
import { startLive } from "../live";
import type { Ticket, User } from "../types";

export async function pickNext(user: User): Promise<void> {
  try {
    const result = await api<{ ticket: Ticket | null }>("POST", "/api/tickets/pick-next");
    if (result.ticket) {
      say(t("pick.nextGot", { number: result.ticket.number }));
      go(href.inbox(`agent:${user.id}`, result.ticket.id));
    } else {
      say(t("pick.nextNone"));
    }
  } catch (e) {
    say(errorText(e), "error");
  }
}

export function Shell({ user, route, children }: { user: User; route: Route; children: ComponentChildren }) {
  const lang = useStore(language);
  const isAdmin = user.roles.includes("admin");
  const isDispatcher = isAdmin || user.roles.includes("dispatcher");
  const unreadCount = useStore(unread);
  useEffect(() => startLive(), [user.id]); // issue 15: live lists (web/src/live)
  useEffect(() => pollUnread(), [user.id]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const action = actionFor(event);
      if (!action) return;
      if (action === "help") helpOpen.set(!helpOpen.get());
      else if (action === "close") helpOpen.set(false);
      else emit(action);
      if (action !== "close") event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    const off = onAction((action) => action === "pickNext" && void pickNext(user));
    return () => {
      window.removeEventListener("keydown", onKey);
      off();
    };
  }, [user.id]);

  const current = (name: Route["name"]) => (route.name === name ? "page" : undefined);
  async function logout() {
    await logOut();
    go("#/");
  }
  return (
    <div class={`shell view-${user.view}`}>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById("main")?.focus(); }}>
        {t("nav.skip")}
      </a>
      <header class="topbar">
        <a class="brand" href="#/">ServIT</a>
        <nav aria-label={t("nav.label")}>
          <ul>
            <li><a href="#/" aria-current={route.name === "home" || route.name === "inbox" ? "page" : undefined}>{t("nav.inboxes")}</a></li>
            {isDispatcher && <li><a href="#/dispatcher" aria-current={current("dispatcher")}>{t("nav.dispatcher")}</a></li>}
            <li><a href="#/new" aria-current={current("new")}>{t("nav.newTicket")}</a></li>
            <li><a href="#/search" aria-current={route.name === "search" ? "page" : undefined}>{t("nav.search")}</a></li>
            <li><a href="#/consultations" aria-current={current("consultations")}>{t("nav.consultations")}</a></li>
            <li><a href="#/contacts" aria-current={route.name === "contacts" || route.name === "contact" ? "page" : undefined}>{t("nav.contacts")}</a></li>
            <li><a href="#/organisations" aria-current={route.name === "organisations" || route.name === "organisation" ? "page" : undefined}>{t("nav.organisations")}</a></li>
            <li><a href="#/stats" aria-current={current("stats")}>{t("nav.statistics")}</a></li>
            {isAdmin && <li><a href={href.admin("groups")} aria-current={current("admin")}>{t("nav.admin")}</a></li>}
          </ul>
        </nav>
        <div class="tools">
          <TopSearch />
          <button type="button" class="primary" onClick={() => pickNext(user)} data-testid="pick-next">
            {t("pick.next")}
          </button>
          <button type="button" aria-pressed={user.view === "pro"} data-testid="view-toggle"
            onClick={() => chooseView(user.view === "pro" ? "standard" : "pro").catch((e) => say(errorText(e), "error"))}>
            {user.view === "pro" ? t("view.toStandard") : t("view.toPro")}
          </button>
          <button type="button" lang={lang === "sv" ? "en" : "sv"} data-testid="lang-toggle"
            onClick={() => chooseLanguage(lang === "sv" ? "en" : "sv").catch((e) => say(errorText(e), "error"))}>
            {t("lang.switchTo")}
          </button>
          <a href="#/notifications" class="notice-badge" data-testid="notification-badge" aria-current={current("notifications")}
            aria-label={unreadCount ? t("notice.badgeLabel", { n: unreadCount }) : t("notice.title")}>
            {/* The visible text ("Aviseringar 3") begins the accessible name ("Aviseringar 3
                olästa"), as axe's label-content-name-mismatch asks. */}
            {t("notice.short")}{unreadCount > 0 && <> <span class="count">{unreadCount}</span></>}
          </a>
          <button type="button" onClick={() => helpOpen.set(true)} aria-keyshortcuts="?">{t("help.open")}</button>
          <span class="me" title={user.email}>{user.name}</span>
          <button type="button" onClick={logout}>{t("nav.logout")}</button>
        </div>
      </header>
      <QuickMenu userId={user.id} />
      {children}
    </div>
  );
}
