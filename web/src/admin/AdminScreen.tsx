import { type Key, t } from "../i18n";
import { ADMIN_SECTIONS, type AdminSection, href } from "../logic/route";
import type { User } from "../types";
import { CalendarsScreen } from "./Calendars";
import { CollectionScreen } from "./Collection";
import { MailLogScreen, OutboxScreen, QuarantineScreen } from "./MailScreens";
import { SettingsScreen } from "./Settings";
import { SignaturesScreen } from "./Signatures";
import { SocialAccountsScreen } from "./SocialAccounts";
import { FieldSettingsScreen } from "./FieldSettings";
import { FormsScreen } from "./Forms";
import { MenuProfilesScreen } from "./MenuProfiles";
import { RulesScreen } from "./Rules";
import { SchedulesScreen } from "./Schedules";
import { TemplatesScreen } from "./Templates";
import { TriggersScreen } from "./Triggers";
import { COLLECTIONS } from "./specs";

const TITLES: Record<AdminSection, Key> = {
  "response-points": "admin.responsePoints", groups: "admin.groups", users: "admin.users",
  "ticket-types": "admin.ticketTypes", "custom-fields": "admin.customFields", signatures: "admin.signatures",
  settings: "admin.settings", quarantine: "admin.quarantine", "mail-log": "admin.mailLog", outbox: "admin.outbox",
  templates: "admin.templates", calendars: "admin.calendars", rules: "admin.rules", "menu-profiles": "admin.menuProfiles", "field-settings": "admin.fieldSettings",
  schedules: "admin.schedules", "external-parties": "admin.externalParties",
  forms: "admin.forms",
  "social-accounts": "admin.socialAccounts",
  triggers: "admin.triggers",
};

export function AdminScreen({ section, user }: { section: AdminSection; user: User }) {
  if (!user.roles.includes("admin")) {
    return <main id="main" class="page"><h1>{t("nav.admin")}</h1><p>{t("error.forbidden")}</p></main>;
  }
  const spec = COLLECTIONS[section];
  let body;
  if (spec) body = <CollectionScreen key={section} section={section} spec={spec} />;
  else if (section === "signatures") body = <SignaturesScreen />;
  else if (section === "settings") body = <SettingsScreen />;
  else if (section === "quarantine") body = <QuarantineScreen />;
  else if (section === "mail-log") body = <MailLogScreen />;
  else if (section === "templates") body = <TemplatesScreen />;
  else if (section === "calendars") body = <CalendarsScreen />;
  else if (section === "rules") body = <RulesScreen />;
  else if (section === "menu-profiles") body = <MenuProfilesScreen />;
  else if (section === "field-settings") body = <FieldSettingsScreen />;
  else if (section === "schedules") body = <SchedulesScreen />;
  else if (section === "triggers") body = <TriggersScreen />;
  else if (section === "forms") body = <FormsScreen />;
  else if (section === "social-accounts") body = <SocialAccountsScreen />;
  else body = <OutboxScreen />;
  return (
    <main id="main" tabIndex={-1} class="page admin">
      <nav class="admin-nav" aria-label={t("nav.admin")}>
        <ul>
          {ADMIN_SECTIONS.map((s) => (
            <li key={s}><a href={href.admin(s)} aria-current={s === section ? "page" : undefined}>{t(TITLES[s])}</a></li>
          ))}
        </ul>
      </nav>
      <div class="admin-body">{body}</div>
    </main>
  );
}
