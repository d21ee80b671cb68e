// The statistics screen against the API's contract (issue 14), with fetch mocked: what it asks
// for, what it shows, and the CSV download with the user's token.
import { render } from "preact";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { setSession } from "../src/api";
import { setLanguage } from "../src/i18n";
import type { Figures, StatsReport } from "../src/screens/statistics/model";
import { StatisticsScreen } from "../src/screens/statistics/Statistics";
import type { Directory, User } from "../src/types";

// No canvas in happy-dom: a stand-in uPlot records what it was asked to draw.
const drawn = vi.hoisted(() => [] as { series: string[]; columns: unknown[][] }[]);
vi.mock("uplot", () => ({
  default: class {
    constructor(options: { series: { label?: string }[] }, columns: unknown[][]) {
      drawn.push({ series: options.series.slice(1).map((s) => s.label ?? ""), columns });
    }
    destroy() {}
    setSize() {}
  },
}));

const NBSP = "\u00a0";
const agent: User = { id: "agent1", email: "a@x.se", name: "Agnes", roles: ["agent"], groups: ["kt-forsta"], language: "sv", view: "standard" };
const admin: User = { ...agent, id: "admin", roles: ["admin"] };
const dir = {
  response_points: [{ id: "kundtjanst", name: "Kundtjänst", language: "sv", visibility_level: "all" }],
  groups: [{ id: "kt-forsta", name: "Första linjen", response_point_id: "kundtjanst" }, { id: "it", name: "IT", response_point_id: "kundtjanst" }],
  users: [{ id: "agent1", name: "Agnes", roles: ["agent"], groups: ["kt-forsta"], active: true }],
  ticket_types: [], custom_fields: [], hidden_fields: [], default_response_point_id: "kundtjanst",
  time_zone: "Europe/Stockholm", status_moves: {}, statuses: [], priorities: [], itil_processes: [], channels: ["email", "sms"],
} as unknown as Directory;

function figures(created: number, closed: number, backlog: number, medianOpen: number | null): Figures {
  const timing = { count: 2, median_hours: 30.25, p90_hours: 40, median_open_hours: medianOpen, p90_open_hours: 12 };
  return {
    created, closed, reopened: 1, backlog, first_response: timing, resolution: timing,
    sla: {
      first_response_met: 3, first_response_total: 4, first_response_compliance: 0.75,
      resolution_met: 7, resolution_total: 8, resolution_compliance: 0.875, breaches: 2, paused_hours: 1.5,
    },
    messages_in: { email: 1234 }, messages_out: { sms: 3 }, consultations: { count: 1, answered: 1, median_hours: 2 },
    one_touch: { resolved: 4, one_touch: 1, rate: 0.25 },
  };
}
const report: StatsReport = {
  from: "2026-11-01", to: "2026-11-30", bucket: "week", by: "group", time_zone: "Europe/Stockholm",
  totals: figures(1234, 1000, 56, 3.25),
  series: [{ period: "2026-10-26", figures: figures(4, 2, 7, 1) }, { period: "2026-11-02", figures: figures(6, 3, 8, null) }],
  breakdown: [
    { key: "kt-forsta", label: "Första linjen", figures: figures(1200, 990, 50, 3.25) },
    { key: "it", label: "IT", figures: figures(34, 10, 6, null) },
  ],
};

const host = document.createElement("div");
document.body.append(host);
const flush = () => new Promise((resolve) => setTimeout(resolve, 20));
let calls: [string, RequestInit][] = [];

beforeEach(() => {
  calls = [];
  drawn.length = 0;
  setSession({ token: "tok-9", user: agent });
  vi.stubGlobal("fetch", vi.fn(async (url: string, init: RequestInit) => {
    calls.push([url, init]);
    if (url.includes("format=csv")) return new Response("group,created\nkt-forsta,1200\n", { status: 200 });
    if (url.startsWith("/api/stats")) return new Response(JSON.stringify(report), { status: 200 });
    return new Response("{}", { status: 404 });
  }));
});
afterEach(() => {
  render(null, host);
  vi.unstubAllGlobals();
});

describe("the statistics screen", () => {
  it("asks an agent's own figures (no filter) by default and shows the headline in Swedish", async () => {
    setLanguage("sv");
    render(<StatisticsScreen search="from=2026-11-01&to=2026-11-30&bucket=week" user={agent} dir={dir} />, host);
    await flush();
    // no filter: the API gives an agent their own figures, and the groups they are in
    expect(calls[0][0]).toBe("/api/stats?from=2026-11-01&to=2026-11-30&bucket=week&by=group");
    expect((host.querySelector("select[name=filter-kind]") as HTMLSelectElement).selectedOptions[0].textContent).toBe("Mina egna siffror");
    expect((calls[0][1].headers as Record<string, string>).Authorization).toBe("Bearer tok-9");
    const text = (id: string) => host.querySelector(`[data-testid=stats-${id}]`)?.textContent;
    expect(text("created")).toBe(`1${NBSP}234`);
    expect(text("closed")).toBe(`1${NBSP}000`);
    expect(text("backlog")).toBe("56");
    expect(text("first-response")).toBe("3,3");
    expect(text("resolution-compliance")).toBe(`87,5${NBSP}%`);
    expect(text("one-touch")).toBe(`25${NBSP}%`);
  });

  it("shows the breakdown, totals last, and a table behind every chart", async () => {
    setLanguage("en");
    render(<StatisticsScreen search="from=2026-11-01&to=2026-11-30&bucket=week" user={admin} dir={dir} />, host);
    await flush();
    expect(calls[0][0]).toBe("/api/stats?from=2026-11-01&to=2026-11-30&bucket=week&by=group");
    const rows = [...host.querySelectorAll("[data-testid=stats-breakdown] tr[data-key]")].map((tr) => [
      tr.getAttribute("data-key"), tr.querySelector("th")?.textContent, tr.querySelector("[data-col=created]")?.textContent,
      tr.querySelector("[data-col=fr_median]")?.textContent,
    ]);
    expect(rows).toEqual([["kt-forsta", "Första linjen", "1,200", "3.3"], ["it", "IT", "34", "–"], ["", "Total", "1,234", "3.3"]]);
    const flow = host.querySelector("[data-testid=chart-table-flow]")!;
    expect(flow.querySelector("caption")?.textContent).toBe("New and closed tickets");
    expect([...flow.querySelectorAll("tbody tr")].map((tr) => tr.textContent)).toEqual(["Week 4442", "Week 4563"]);
    const sla = host.querySelector("[data-testid=chart-table-sla] tbody tr")!;
    expect(sla.textContent).toBe("Week 4475%87.5%");
    expect(host.querySelectorAll("figure.stats-chart details table").length).toBe(3);
    // ... and the drawings are of the same figures, bucket by bucket
    await vi.waitFor(() => expect(drawn.length).toBe(3), { timeout: 3000 });
    expect(drawn).toEqual([
      { series: ["New tickets", "Closed"], columns: [[0, 1], [4, 6], [2, 3]] },
      { series: ["Open tickets"], columns: [[0, 1], [7, 8]] },
      { series: ["First response within SLA", "Resolved within SLA"], columns: [[0, 1], [75, 75], [87.5, 87.5]] },
    ]);
  });

  it("downloads the same query as CSV with the user's token", async () => {
    setLanguage("en");
    const clicked: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) { clicked.push(this.download); });
    URL.createObjectURL = vi.fn(() => "blob:x");
    URL.revokeObjectURL = vi.fn();
    render(<StatisticsScreen search="from=2026-11-01&to=2026-11-30&bucket=week&by=response_point&response_point=kundtjanst" user={admin} dir={dir} />, host);
    await flush();
    (host.querySelector("[data-testid=stats-csv]") as HTMLButtonElement).click();
    await flush();
    const [url, init] = calls[calls.length - 1];
    expect(url).toBe("/api/stats?from=2026-11-01&to=2026-11-30&bucket=week&by=response_point&response_point=kundtjanst&format=csv");
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer tok-9");
    expect(clicked).toEqual(["statistics-2026-11-01-2026-11-30-week-response_point-response_point-kundtjanst.csv"]);
  });

  it("says so when the API refuses an agent another group's figures", async () => {
    setLanguage("en");
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ error: "forbidden", message: "no" }), { status: 403 })));
    render(<StatisticsScreen search="group=it" user={agent} dir={dir} />, host);
    await flush();
    expect(host.querySelector("[data-testid=stats-forbidden]")?.textContent).toContain("yourself and your groups");
    expect(host.querySelector("[data-testid=stats-headline]")).toBeNull();
  });
});
