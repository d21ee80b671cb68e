// Hash routes: the app is static files, so every screen is a #/... address.

export type AdminSection =
  | "response-points" | "groups" | "users" | "ticket-types" | "custom-fields"
  | "signatures" | "settings" | "quarantine" | "mail-log" | "outbox"
  | "templates" | "calendars" | "rules" | "menu-profiles" | "field-settings" | "schedules"
  | "external-parties" | "forms" | "social-accounts" | "triggers";
export const ADMIN_SECTIONS: AdminSection[] = [
  "response-points", "groups", "users", "ticket-types", "custom-fields",
  "signatures", "settings", "quarantine", "mail-log", "outbox",
  "templates", "calendars", "rules", "menu-profiles", "field-settings", "schedules",
  "external-parties", "forms", "social-accounts", "triggers",
];

export type Route =
  | { name: "home" }
  | { name: "inbox"; inbox: string; ticket: string | null }
  | { name: "ticket"; ticket: string }
  | { name: "dispatcher" }
  | { name: "new"; template: string | null }
  | { name: "search"; saved: string | null }
  | { name: "notifications" }
  | { name: "consultations" }
  | { name: "contacts" }
  | { name: "contact"; contact: string }
  | { name: "organisations" }
  | { name: "organisation"; organisation: string }
  | { name: "admin"; section: AdminSection }
  | { name: "stats"; search: string }
  | { name: "find"; q: string } // issue 15: every result of a top-bar search
  | { name: "notfound" };

export function parseRoute(hash: string): Route {
  // Only the statistics screen reads a query (#/stats?from=...&by=...); the others never have one.
  const full = hash.replace(/^#\/?/, "");
  const mark = full.indexOf("?");
  const path = mark < 0 ? full : full.slice(0, mark);
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const [head, a, b] = parts;
  switch (head) {
    case undefined:
      return { name: "home" };
    case "inbox":
      return a ? { name: "inbox", inbox: a, ticket: b ?? null } : { name: "home" };
    case "ticket":
      return a ? { name: "ticket", ticket: a } : { name: "notfound" };
    case "dispatcher":
      return { name: "dispatcher" };
    case "new":
      return { name: "new", template: a ?? null };
    case "search":
      return { name: "search", saved: a ?? null };
    case "notifications":
      return { name: "notifications" };
    case "consultations":
      return { name: "consultations" };
    case "contacts":
      return a ? { name: "contact", contact: a } : { name: "contacts" };
    case "organisations":
      return a ? { name: "organisation", organisation: a } : { name: "organisations" };
    case "stats":
      return { name: "stats", search: mark < 0 ? "" : full.slice(mark + 1) };
    case "find":
      return { name: "find", q: mark < 0 ? "" : new URLSearchParams(full.slice(mark + 1)).get("q") ?? "" };
    case "admin":
      return { name: "admin", section: ADMIN_SECTIONS.includes(a as AdminSection) ? (a as AdminSection) : "groups" };
    default:
      return { name: "notfound" };
  }
}

export const href = {
  inbox: (inbox: string, ticket?: string) =>
    `#/inbox/${encodeURIComponent(inbox).replace(/%3A/gi, ":")}${ticket ? `/${encodeURIComponent(ticket)}` : ""}`,
  ticket: (ticket: string) => `#/ticket/${encodeURIComponent(ticket)}`,
  contact: (contact: string) => `#/contacts/${encodeURIComponent(contact)}`,
  organisation: (organisation: string) => `#/organisations/${encodeURIComponent(organisation)}`,
  admin: (section: AdminSection) => `#/admin/${section}`,
};

export function go(to: string): void {
  if (location.hash !== to) location.hash = to;
}
