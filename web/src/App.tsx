import { useEffect, useState } from "preact/hooks";
import { loggedOutReason, logOut, session } from "./api";
import { HelpOverlay } from "./components/HelpOverlay";
import { Notices } from "./components/Notices";
import { language, setLanguage, t } from "./i18n";
import { parseRoute, type Route } from "./logic/route";
import { AdminScreen } from "./admin/AdminScreen";
import { ContactCardScreen, ContactSearchScreen } from "./screens/Contacts";
import { OrganisationCardScreen, OrganisationsScreen } from "./screens/crm/Organisations";
import { DispatcherScreen } from "./screens/Dispatcher";
import { InboxScreen } from "./screens/InboxScreen";
import { LoginScreen } from "./screens/Login";
import { NewTicketScreen } from "./screens/NewTicket";
import { TicketScreen } from "./screens/TicketScreen";
import { Shell } from "./screens/Shell";
import { NotificationsScreen } from "./screens/Notifications";
import { SearchScreen } from "./screens/Search";
import { ConsultationsScreen } from "./screens/Consultations";
import { StatisticsScreen } from "./screens/statistics/Statistics";
import { FindScreen } from "./components/search/FindScreen";
import { directory, helpOpen, keepDirectoryFresh, loadDirectory } from "./state";
import { useStore } from "./store";

function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onHash = () => {
      helpOpen.set(false); // a new screen closes the help overlay
      setRoute(parseRoute(location.hash));
    };
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  return route;
}

export function App() {
  const lang = useStore(language);
  const current = useStore(session);
  const dir = useStore(directory);
  const route = useRoute();
  const reason = useStore(loggedOutReason);
  const [loadError, setLoadError] = useState(false);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = `ServIT – ${t("app.tagline")}`;
  }, [lang]);

  useEffect(() => {
    if (!current) return;
    // The user's own language wins once they are signed in.
    if (current.user.language !== language.get()) setLanguage(current.user.language);
    setLoadError(false);
    loadDirectory().catch(() => setLoadError(true));
    return keepDirectoryFresh();
  }, [current?.token]);

  if (!current) return <><LoginScreen reason={reason} /><Notices /></>;
  if (!dir) {
    return (
      <main class="loading" aria-busy={!loadError}>
        <p>{loadError ? t("error.network") : t("common.loading")}</p>
        {loadError && <button type="button" onClick={() => void logOut()}>{t("nav.logout")}</button>}
      </main>
    );
  }
  const user = current.user;
  let content;
  switch (route.name) {
    case "home":
    case "inbox":
      content = <InboxScreen route={route} user={user} dir={dir} />;
      break;
    case "ticket":
      content = <TicketScreen key={route.ticket} ticketId={route.ticket} user={user} dir={dir} />;
      break;
    case "dispatcher":
      content = <DispatcherScreen user={user} dir={dir} />;
      break;
    case "new":
      content = <NewTicketScreen key={route.template ?? ""} user={user} dir={dir} template={route.template} />;
      break;
    case "search":
      content = <SearchScreen user={user} dir={dir} savedId={route.saved} />;
      break;
    case "notifications":
      content = <NotificationsScreen user={user} dir={dir} />;
      break;
    case "consultations":
      content = <ConsultationsScreen user={user} dir={dir} />;
      break;
    case "contacts":
      content = <ContactSearchScreen />;
      break;
    case "contact":
      content = <ContactCardScreen key={route.contact} contactId={route.contact} dir={dir} user={user} />;
      break;
    case "organisations":
      content = <OrganisationsScreen />;
      break;
    case "organisation":
      content = <OrganisationCardScreen key={route.organisation} organisationId={route.organisation} dir={dir} />;
      break;
    case "stats":
      content = <StatisticsScreen search={route.search} user={user} dir={dir} />;
      break;
    case "find":
      content = <FindScreen q={route.q} />;
      break;
    case "admin":
      content = <AdminScreen key={route.section} section={route.section} user={user} />;
      break;
    default:
      content = <main id="main" class="page"><h1>{t("common.notFound")}</h1></main>;
  }
  return (
    <Shell user={user} route={route}>
      {content}
      <HelpOverlay />
      <Notices />
    </Shell>
  );
}
