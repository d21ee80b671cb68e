// Issue 15: list columns chosen per user, row selection for bulk work, SLA due, the bulk
// request's shape, and how rows show unread, "customer replied" and a list still loading.
import { render } from "preact";
import { act } from "preact/test-utils";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setSession } from "../src/api";
import { agentsFor, changesFrom, undoItems, type BulkResult } from "../src/components/lists/bulk";
import {
  chooseColumns, chosenColumns, DEFAULT_COLUMNS, loadColumns, saveColumns, shownColumns, toggleColumn,
} from "../src/components/lists/columns";
import { allState, keepListed, rangeOf, withChosen } from "../src/components/lists/selection";
import { slaDue } from "../src/components/lists/sla";
import { TicketList } from "../src/components/TicketList";
import { firstPool } from "../src/screens/Dispatcher";
import { language } from "../src/i18n";
import type { Directory, Ticket, User } from "../src/types";

const NOW = new Date("2026-12-04T12:00:00Z");

function ticket(n: number, extra: Partial<Ticket> = {}): Ticket {
  return {
    id: `t${n}`, number: 10000 + n, title: `Ärende ${n}`, status: "open", priority: "medium", template_id: null,
    itil_process: null, ticket_type: null, response_point_id: "kt", group_id: "g1", agent_id: null, parent_id: null,
    contact_id: null, description: "", cc: [], bcc: [], attachments: [], custom_fields: {}, channel: "email",
    created_at: "2026-12-04T08:00:00Z", updated_at: "2026-12-04T11:30:00Z", resolved_at: null, closed_at: null,
    dormant_until: null, lock: null, version: 3, ...extra,
  };
}

function memoryStorage(): Storage {
  const data = new Map<string, string>();
  return {
    getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k),
    clear: () => data.clear(), key: (i) => [...data.keys()][i] ?? null, get length() { return data.size; },
  };
}

describe("chosen columns", () => {
  it("start as the triage set, and a choice is kept per user", () => {
    const storage = memoryStorage();
    expect(loadColumns("anna", storage)).toEqual(DEFAULT_COLUMNS);
    saveColumns("anna", toggleColumn(DEFAULT_COLUMNS, "age", false), storage);
    expect(loadColumns("anna", storage)).not.toContain("age");
    expect(loadColumns("bo", storage)).toContain("age"); // another user's choice is their own
  });

  it("always keep the number and the title, in display order", () => {
    expect(toggleColumn(["title", "contact"], "title", false)).toEqual(["number", "title", "contact"]);
    expect(toggleColumn(["number", "title"], "agent", true)).toEqual(["number", "title", "agent"]);
    expect(toggleColumn(["number", "title", "lock"], "sla", true)).toEqual(["number", "title", "sla", "lock"]);
  });

  it("ignore a broken or unknown stored entry", () => {
    const storage = memoryStorage();
    storage.setItem("servit:list-columns:anna", "{nope");
    expect(loadColumns("anna", storage)).toEqual(DEFAULT_COLUMNS);
    storage.setItem("servit:list-columns:anna", JSON.stringify(["contact", "colour"]));
    expect(loadColumns("anna", storage)).toEqual(["number", "title", "contact"]);
  });

  it("offer the group column only where a list spans groups", () => {
    expect(shownColumns(DEFAULT_COLUMNS, false)).not.toContain("group");
    expect(shownColumns(DEFAULT_COLUMNS, true)).toContain("group");
  });
});

describe("choosing rows", () => {
  const order = ["a", "b", "c", "d", "e"];

  it("a Shift range runs from the last box clicked, either way", () => {
    expect(rangeOf(order, "b", "d")).toEqual(["b", "c", "d"]);
    expect(rangeOf(order, "d", "b")).toEqual(["b", "c", "d"]);
    expect(rangeOf(order, null, "c")).toEqual(["c"]);
    expect(rangeOf(order, "gone", "c")).toEqual(["c"]);
  });

  it("adds and removes without touching the old set, and says all, some or none", () => {
    const before = new Set(["a"]);
    const after = withChosen(before, ["b", "c"], true);
    expect([...before]).toEqual(["a"]);
    expect(allState(order, after)).toBe("some");
    expect(allState(order, withChosen(after, order, true))).toBe("all");
    expect(allState(order, withChosen(after, order, false))).toBe("none");
  });

  it("drops chosen rows the reloaded list no longer holds", () => {
    expect([...keepListed(new Set(["a", "x"]), order)]).toEqual(["a"]);
  });
});

describe("SLA due", () => {
  const sla = (extra: object) => ({ state: "running" as const, first_response_due: null, resolution_due: null, first_response_at: null, ...extra });

  it("is the first response until one is sent, then the resolution", () => {
    const first = slaDue(ticket(1, { sla: sla({ first_response_due: "2026-12-04T15:00:00Z", resolution_due: "2026-12-05T08:00:00Z" }) }), NOW);
    expect(first).toMatchObject({ target: "first_response", level: "ok", minutes: 180 });
    const later = slaDue(ticket(1, { sla: sla({ first_response_due: "2026-12-04T09:00:00Z", first_response_at: "2026-12-04T08:30:00Z", resolution_due: "2026-12-05T08:00:00Z" }) }), NOW);
    expect(later?.target).toBe("resolution");
  });

  it("warns within an hour or the last quarter, whichever is later, and is breached when past", () => {
    // 8-h target (08:00 → 16:00): a warning from 15:00 on, not at 3 h left
    const at = (due: string, created = "2026-12-04T08:00:00Z") =>
      slaDue(ticket(1, { created_at: created, sla: sla({ resolution_due: due, first_response_at: created }) }), NOW)?.level;
    expect(at("2026-12-04T15:00:00Z")).toBe("ok");
    expect(at("2026-12-04T12:45:00Z")).toBe("warn");
    // 1-h target (11:40 → 12:40): 40 min left is not yet within its last 15 min
    expect(at("2026-12-04T12:40:00Z", "2026-12-04T11:40:00Z")).toBe("ok");
    expect(at("2026-12-04T12:10:00Z", "2026-12-04T11:10:00Z")).toBe("warn");
    expect(at("2026-12-04T11:59:00Z")).toBe("breached");
  });

  it("is none once resolved, and paused while the clock stands still", () => {
    expect(slaDue(ticket(1, { status: "resolved", sla: sla({ resolution_due: "2026-12-04T13:00:00Z" }) }), NOW)).toBeNull();
    expect(slaDue(ticket(1, { sla: sla({ resolution_due: "2026-12-04T11:00:00Z", paused_since: "2026-12-04T10:00:00Z" }) }), NOW)?.level).toBe("paused");
  });
});

describe("the bulk request", () => {
  it("sends only the fields chosen; 'nobody' empties the agent", () => {
    expect(changesFrom({ group: "", agent: "u2", status: "", priority: "" })).toEqual({ agent_id: "u2" });
    expect(changesFrom({ group: "g2", agent: "-", status: "resolved", priority: "high" }))
      .toEqual({ group_id: "g2", agent_id: null, status: "resolved", priority: "high" });
  });

  it("offers the agents of the chosen group, else of the chosen tickets' one group", () => {
    const users = [
      { id: "a", groups: ["g1"], active: true }, { id: "b", groups: ["g2"], active: true },
      { id: "c", groups: ["g1"], active: false },
    ];
    expect(agentsFor(users, "g2", ["g1"]).map((u) => u.id)).toEqual(["b"]);
    expect(agentsFor(users, "", ["g1", "g1"]).map((u) => u.id)).toEqual(["a"]);
    expect(agentsFor(users, "", ["g1", "g2"]).map((u) => u.id)).toEqual(["a", "b"]);
  });

  it("undoes only what was done, with the version the change left", () => {
    const results: BulkResult[] = [
      { id: "t1", ok: true, version: 4, before: { agent_id: null, group_id: "g1" } },
      { id: "t2", ok: false, error: "locked", locked_by: "bo" },
    ];
    expect(undoItems(results)).toEqual([{ id: "t1", version: 4, changes: { agent_id: null, group_id: "g1" } }]);
  });
});

describe("the ticket list", () => {
  const host = document.createElement("div");
  document.body.append(host);
  const dir = {
    users: [{ id: "bo", name: "Bo Berg", roles: ["agent"], groups: ["g1"], active: true }],
    groups: [{ id: "g1", name: "Första linjen", response_point_id: "kt" }], response_points: [],
  } as unknown as Directory;
  const user = { id: "anna", name: "Anna", email: "a@x.se", roles: ["agent"], groups: ["g1"], language: "en", view: "standard" } as User;
  const draw = (props: Partial<Parameters<typeof TicketList>[0]> = {}) =>
    act(() => render(<TicketList items={[ticket(1, { unread: true, customer_replied: true }), ticket(2, { lock: { by: "bo", until: "2099-01-01T00:00:00Z" } })]}
      contacts={{}} dir={dir} linkTo={(x) => `#/ticket/${x.id}`} caption="Inbox" {...props} />, host));

  beforeEach(() => {
    language.set("en");
    localStorage.clear();
    setSession({ token: "x", user });
    chosenColumns.set({ user: "", columns: DEFAULT_COLUMNS });
  });
  afterEach(() => act(() => render(null, host)));

  it("shows unread rows in bold words and a 'customer replied' badge", () => {
    draw();
    const rows = [...host.querySelectorAll("tbody tr")];
    expect(rows[0].classList.contains("unread")).toBe(true);
    expect(rows[0].querySelector("a")?.textContent).toBe("Ärende 1 (Unread)");
    expect(rows[0].querySelector("[data-testid=customer-replied]")?.textContent).toContain("Customer replied");
    expect(rows[1].classList.contains("unread")).toBe(false);
    expect(rows[1].querySelector("[data-testid=customer-replied]")).toBeNull();
  });

  it("names the lock holder once (the header says 'Locked by')", () => {
    draw();
    const lock = host.querySelectorAll("tbody tr")[1].querySelector(".col-lock")!;
    expect(lock.querySelector(".lock-name")?.textContent).toBe("Bo Berg");
    expect(lock.getAttribute("title")).toBe("Locked by Bo Berg");
    expect(host.querySelector("th.col-lock")?.textContent).toBe("Locked by");
  });

  it("draws the columns the user chose, and a reload keeps them", () => {
    draw();
    const headers = () => [...host.querySelectorAll("thead th")].map((th) => th.className);
    expect(headers()).toContain("col-updated");
    act(() => chooseColumns("anna", toggleColumn(DEFAULT_COLUMNS, "updated", false)));
    expect(headers()).not.toContain("col-updated");
    chosenColumns.set({ user: "", columns: DEFAULT_COLUMNS }); // as after a reload
    draw({ items: [ticket(3)] });
    expect(headers()).not.toContain("col-updated");
    expect(headers()).toContain("col-sla");
  });

  it("shows an arrow on the sorted column", () => {
    draw();
    const button = [...host.querySelectorAll("th button")].find((b) => b.textContent === "Updated") as HTMLButtonElement;
    act(() => button.click());
    expect(button.closest("th")?.getAttribute("aria-sort")).toBe("ascending");
    expect(button.querySelector("svg.sort-ascending")).not.toBeNull();
  });

  it("hides the old rows and makes them inert while another list loads", () => {
    draw({ stale: true, loading: true });
    const table = host.querySelector("table")!;
    expect(table.getAttribute("aria-busy")).toBe("true");
    expect(table.querySelector("tbody")?.hasAttribute("inert")).toBe(true);
    expect(host.querySelector("[role=status]")?.textContent).toBe("Loading the list …");
    draw({ stale: false, loading: false });
    expect(host.querySelector("tbody")?.hasAttribute("inert")).toBe(false);
  });

  it("chooses a Shift range and all rows from the header box", () => {
    let chosen = new Set<string>();
    const items = [1, 2, 3, 4].map((n) => ticket(n));
    const redraw = () => draw({ items, chosen, onChoose: (ids, on) => { chosen = withChosen(chosen, ids, on); redraw(); } });
    redraw();
    const box = (n: number) => host.querySelector(`input[aria-label="Choose ticket ${10000 + n}"]`) as HTMLInputElement;
    act(() => box(1).click());
    act(() => { box(3).dispatchEvent(new MouseEvent("click", { bubbles: true, shiftKey: true })); });
    expect([...chosen].sort()).toEqual(["t1", "t2", "t3"]);
    const all = host.querySelector("[data-testid=choose-all]") as HTMLInputElement;
    expect(all.indeterminate).toBe(true);
    act(() => all.click());
    expect(chosen.size).toBe(4);
  });
});

describe("the dispatcher board", () => {
  const dir = {
    groups: [{ id: "kt", name: "KT", response_point_id: "k" }, { id: "fa", name: "FA", response_point_id: "k" },
      { id: "it", name: "IT", response_point_id: "i" }],
    response_points: [{ id: "i", name: "IT" }, { id: "k", name: "KT" }],
  } as unknown as Directory;
  const me = { groups: ["kt", "fa"] } as User;

  it("opens on the dispatcher's own first group with work, not another team's pool", () => {
    expect(firstPool(me, dir, { "pool-group:kt": 0, "pool-group:fa": 4, "pool-rp:i": 9 })).toBe("pool-group:fa");
    expect(firstPool(me, dir, {})).toBe("pool-group:kt");
    expect(firstPool({ groups: [] } as unknown as User, dir, {})).toBe("pool-rp:i");
  });
});
