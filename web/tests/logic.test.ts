import { describe, expect, it } from "vitest";
import { ageOf } from "../src/logic/age";
import { canPick, canRelease, lockedByOther, statusMoves } from "../src/logic/moves";
import { parseRoute, href } from "../src/logic/route";
import { actionFor } from "../src/logic/shortcuts";
import { nextSort, sortTickets } from "../src/logic/sort";
import type { Directory, Ticket, User } from "../src/types";

const now = new Date("2025-03-10T12:00:00Z");
const user = (id: string, roles: User["roles"] = ["agent"]): User => ({ id, email: `${id}@x.se`, name: id, roles, groups: [], language: "sv", view: "standard" });
const ticket = (over: Partial<Ticket>): Ticket => ({
  id: "t", number: 1, title: "T", status: "open", priority: "medium", template_id: null, itil_process: null,
  ticket_type: null, response_point_id: "rp", group_id: null, agent_id: null, parent_id: null, contact_id: null,
  description: "", cc: [], bcc: [], attachments: [], custom_fields: {}, channel: "email",
  created_at: "2025-03-10T10:00:00Z", updated_at: "2025-03-10T10:00:00Z", resolved_at: null, closed_at: null,
  dormant_until: null, lock: null, version: 1, ...over,
});
const later = "2025-03-10T12:30:00Z";

describe("locks", () => {
  it("a ticket locked by someone else offers neither pick nor release to an agent", () => {
    const locked = ticket({ lock: { by: "bengt", until: later } });
    expect(lockedByOther(locked, user("anna"), now)).toBe(true);
    expect(canPick(locked, user("anna"), now)).toBe(false);
    expect(canRelease(locked, user("anna"), now)).toBe(false);
  });

  it("a dispatcher may release someone else's lock", () => {
    const locked = ticket({ lock: { by: "bengt", until: later } });
    expect(lockedByOther(locked, user("dan", ["dispatcher"]), now)).toBe(false);
    expect(canRelease(locked, user("dan", ["dispatcher"]), now)).toBe(true);
  });

  it("an expired lock is no lock", () => {
    const expired = ticket({ lock: { by: "bengt", until: "2025-03-10T11:00:00Z" } });
    expect(lockedByOther(expired, user("anna"), now)).toBe(false);
    expect(canPick(expired, user("anna"), now)).toBe(true);
  });

  it("closed tickets cannot be picked", () => {
    expect(canPick(ticket({ status: "closed" }), user("anna"), now)).toBe(false);
  });
});

describe("status moves come from the domain's table", () => {
  it("offers what the table says for the ticket's status", () => {
    const moves = { resolved: ["closed"], closed: [] } as unknown as Directory["status_moves"];
    expect(statusMoves(ticket({ status: "resolved" }), moves)).toEqual(["closed"]);
    expect(statusMoves(ticket({ status: "closed" }), moves)).toEqual([]);
  });
});

describe("sorting", () => {
  const items = [
    ticket({ id: "a", number: 3, priority: "low", created_at: "2025-03-01T00:00:00Z" }),
    ticket({ id: "b", number: 1, priority: "high", created_at: "2025-03-05T00:00:00Z" }),
    ticket({ id: "c", number: 2, priority: "medium", created_at: "2025-03-03T00:00:00Z" }),
  ];
  it("sorts by number both ways", () => {
    expect(sortTickets(items, { column: "number", dir: "asc" }, () => "").map((t) => t.number)).toEqual([1, 2, 3]);
    expect(sortTickets(items, { column: "number", dir: "desc" }, () => "").map((t) => t.number)).toEqual([3, 2, 1]);
  });
  it("sorts by priority high first and by age youngest first", () => {
    expect(sortTickets(items, { column: "priority", dir: "asc" }, () => "").map((t) => t.id)).toEqual(["b", "c", "a"]);
    expect(sortTickets(items, { column: "age", dir: "asc" }, () => "").map((t) => t.id)).toEqual(["b", "c", "a"]);
  });
  it("keeps the server's order without a sort, and toggles direction on a second click", () => {
    expect(sortTickets(items, null, () => "")).toBe(items);
    expect(nextSort({ column: "title", dir: "asc" }, "title")).toEqual({ column: "title", dir: "desc" });
    expect(nextSort({ column: "title", dir: "asc" }, "age")).toEqual({ column: "age", dir: "asc" });
  });
});

describe("age", () => {
  it("uses the largest whole unit", () => {
    expect(ageOf("2025-03-10T11:45:00Z", now)).toEqual({ n: 15, unit: "min" });
    expect(ageOf("2025-03-09T12:00:00Z", now)).toEqual({ n: 24, unit: "h" });
    expect(ageOf("2025-03-01T12:00:00Z", now)).toEqual({ n: 9, unit: "d" });
  });
});

describe("routes", () => {
  it("round-trips inbox and ticket addresses", () => {
    expect(parseRoute(href.inbox("group:kt-forsta", "01ABC"))).toEqual({ name: "inbox", inbox: "group:kt-forsta", ticket: "01ABC" });
    expect(parseRoute("#/admin/custom-fields")).toEqual({ name: "admin", section: "custom-fields" });
    expect(parseRoute("#/nonsense")).toEqual({ name: "notfound" });
    expect(parseRoute("")).toEqual({ name: "home" });
  });
});

describe("shortcuts", () => {
  const key = (k: string, target: unknown = document.body, mods = {}) =>
    actionFor({ key: k, ctrlKey: false, metaKey: false, altKey: false, target: target as EventTarget, ...mods });
  it("maps the common moves", () => {
    expect(key("j")).toBe("next");
    expect(key("r")).toBe("reply");
    expect(key("g")).toBe("pickNext");
    expect(key("?")).toBe("help");
  });
  it("ignores keys typed into a field, and modified keys", () => {
    expect(key("j", document.createElement("textarea"))).toBeNull();
    expect(key("r", document.body, { ctrlKey: true })).toBeNull();
    expect(key("Escape", document.createElement("input"))).toBe("close");
  });
});
