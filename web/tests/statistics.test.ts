// The statistics screen's logic (issue 14): date presets in the organisation's zone, the query
// in the address and to the API, numbers per language, and the report's series as chart columns.
import { describe, expect, it } from "vitest";
import { parseRoute } from "../src/logic/route";
import {
  breakdownsFor, chartData, csvFilename, type Figures, fmtCount, fmtHours, fmtShare, isoWeek, parseStatsQuery, periodLabel,
  presetRange, sortBreakdown, statsApiPath, statsHref, todayIn,
} from "../src/screens/statistics/model";

const NBSP = "\u00a0";

function figures(over: Partial<Figures> = {}): Figures {
  const timing = { count: 0, median_hours: null, p90_hours: null, median_open_hours: null, p90_open_hours: null };
  return {
    created: 0, closed: 0, reopened: 0, backlog: 0, first_response: timing, resolution: timing,
    sla: {
      first_response_met: 0, first_response_total: 0, first_response_compliance: null,
      resolution_met: 0, resolution_total: 0, resolution_compliance: null, breaches: 0, paused_hours: 0,
    },
    messages_in: {}, messages_out: {}, consultations: { count: 0, answered: 0, median_hours: null },
    one_touch: { resolved: 0, one_touch: 0, rate: null },
    ...over,
  };
}

describe("today in the organisation's time zone", () => {
  it("is Stockholm's date, not UTC's, just after midnight there", () => {
    // 23:30 UTC on 31 December is 00:30 on 1 January in Stockholm, still 18:30 on the 31st in New York.
    const now = new Date("2026-12-31T23:30:00Z");
    expect(todayIn("Europe/Stockholm", now)).toBe("2027-01-01");
    expect(todayIn("America/New_York", now)).toBe("2026-12-31");
    expect(todayIn("UTC", now)).toBe("2026-12-31");
  });
});

describe("date range presets", () => {
  const today = "2026-11-18"; // a Wednesday
  it("give weeks from Monday, and this week up to today", () => {
    expect(presetRange("this_week", today)).toEqual(["2026-11-16", "2026-11-18"]);
    expect(presetRange("last_week", today)).toEqual(["2026-11-09", "2026-11-15"]);
    expect(presetRange("this_week", "2026-11-16")).toEqual(["2026-11-16", "2026-11-16"]); // a Monday
    expect(presetRange("last_week", "2026-11-22")).toEqual(["2026-11-09", "2026-11-15"]); // a Sunday
  });
  it("give months, over a year's end and a leap February", () => {
    expect(presetRange("this_month", today)).toEqual(["2026-11-01", "2026-11-18"]);
    expect(presetRange("last_month", today)).toEqual(["2026-10-01", "2026-10-31"]);
    expect(presetRange("last_month", "2027-01-05")).toEqual(["2026-12-01", "2026-12-31"]);
    expect(presetRange("last_month", "2028-03-01")).toEqual(["2028-02-01", "2028-02-29"]);
  });
  it("give the last 30 days including today, and the year so far", () => {
    expect(presetRange("last_30_days", today)).toEqual(["2026-10-20", "2026-11-18"]);
    expect(presetRange("last_30_days", "2026-03-01")).toEqual(["2026-01-31", "2026-03-01"]);
    expect(presetRange("this_year", today)).toEqual(["2026-01-01", "2026-11-18"]);
  });
});

describe("the query in the address", () => {
  const today = "2026-11-18";
  it("defaults to the last 30 days per day, broken down by group", () => {
    expect(parseStatsQuery("", today)).toEqual({
      preset: "last_30_days", from: "2026-10-20", to: "2026-11-18", bucket: "day", by: "group", filter: null,
    });
  });
  it("reads dates, bucket, breakdown and one filter", () => {
    const q = parseStatsQuery("from=2026-11-01&to=2026-11-30&bucket=week&by=response_point&response_point=kundtjanst", today);
    expect(q).toEqual({
      preset: null, from: "2026-11-01", to: "2026-11-30", bucket: "week", by: "response_point",
      filter: { kind: "response_point", value: "kundtjanst" },
    });
  });
  it("gives a filter no breakdown, or only one of its own dimension, as the API takes them", () => {
    expect(parseStatsQuery("response_point=kundtjanst", today).by).toBeNull();
    expect(parseStatsQuery("by=agent&response_point=kundtjanst", today).by).toBeNull();
    expect(parseStatsQuery("by=group&group=kt-forsta", today).by).toBe("group");
    expect(parseStatsQuery("by=none", today).by).toBeNull();
    expect(breakdownsFor({ kind: "channel", value: "sms" }, true)).toEqual(["channel"]);
    expect(breakdownsFor({ kind: "organisation", value: "o1" }, true)).toEqual([]);
    expect(breakdownsFor(null, true)).toHaveLength(7);
  });
  it("recomputes a preset from today, and drops what is wrong", () => {
    expect(parseStatsQuery("preset=last_week&from=2020-01-01&to=2020-01-02", today)).toMatchObject({
      preset: "last_week", from: "2026-11-09", to: "2026-11-15",
    });
    expect(parseStatsQuery("from=2026-11-31&to=2026-12-01&bucket=hour&by=colour", today)).toMatchObject({
      preset: "last_30_days", bucket: "day", by: "group",
    });
    expect(parseStatsQuery("from=2026-11-20&to=2026-11-01", today)).toMatchObject({ preset: "last_30_days" });
  });
  it("lets an agent break their figures down by agent or group only", () => {
    expect(breakdownsFor(null, false)).toEqual(["agent", "group"]);
    expect(parseStatsQuery("by=channel", today, false).by).toBe("group");
    expect(parseStatsQuery("", today, false).by).toBe("group");
    expect(parseStatsQuery("group=kt-forsta&by=group", today, false).by).toBe("group");
  });
  it("round-trips through the address and the router", () => {
    const href = statsHref({ preset: null, from: "2026-11-01", to: "2026-11-30", bucket: "month", by: "channel",
      filter: { kind: "group", value: "kt första" } });
    const route = parseRoute(href);
    expect(route).toEqual({ name: "stats", search: "from=2026-11-01&to=2026-11-30&bucket=month&by=channel&group=kt+f%C3%B6rsta" });
    expect(statsHref({ preset: "this_week", by: null })).toBe("#/stats?preset=this_week&by=none");
    expect(parseStatsQuery(route.name === "stats" ? route.search : "", today).filter).toEqual({ kind: "group", value: "kt första" });
    expect(parseRoute("#/stats")).toEqual({ name: "stats", search: "" });
    // the other screens are not affected by the query support
    expect(parseRoute("#/inbox/rp:kundtjanst/t1")).toEqual({ name: "inbox", inbox: "rp:kundtjanst", ticket: "t1" });
  });
});

describe("the API and CSV addresses", () => {
  const q = parseStatsQuery("from=2026-11-01&to=2026-11-30&bucket=week&by=response_point&response_point=kundtjanst", "2026-11-18");
  it("ask for the same figures as JSON and as CSV", () => {
    expect(statsApiPath(q)).toBe("/api/stats?from=2026-11-01&to=2026-11-30&bucket=week&by=response_point&response_point=kundtjanst");
    expect(statsApiPath(q, "csv")).toBe(`${statsApiPath(q)}&format=csv`);
  });
  it("name the file after the query", () => {
    expect(csvFilename(q)).toBe("statistics-2026-11-01-2026-11-30-week-response_point-response_point-kundtjanst.csv");
    expect(csvFilename({ ...q, by: null, filter: { kind: "organisation", value: "a/b c" } })).toBe(
      "statistics-2026-11-01-2026-11-30-week-organisation-a_b_c.csv",
    );
  });
});

describe("numbers per language", () => {
  it("group thousands and use the decimal comma in Swedish", () => {
    expect(fmtCount(1234, "sv")).toBe(`1${NBSP}234`);
    expect(fmtCount(1234, "en")).toBe("1,234");
    expect(fmtHours(1234.54, "sv")).toBe(`1${NBSP}234,5`);
    expect(fmtHours(1234.54, "en")).toBe("1,234.5");
    expect(fmtHours(2, "sv")).toBe("2,0");
  });
  it("show shares as percentages and a missing value as a dash", () => {
    expect(fmtShare(0.875, "sv")).toBe(`87,5${NBSP}%`);
    expect(fmtShare(0.875, "en")).toBe("87.5%");
    expect(fmtShare(1, "en")).toBe("100%");
    expect(fmtShare(null, "sv")).toBe("–");
    expect(fmtHours(null, "en")).toBe("–");
  });
  it("name periods by day, ISO week and month", () => {
    expect(isoWeek("2026-11-02")).toBe(45);
    expect(isoWeek("2027-01-01")).toBe(53); // a Friday: still the last week of 2026
    expect(isoWeek("2026-12-28")).toBe(53);
    expect(isoWeek("2026-01-01")).toBe(1);
    expect(periodLabel("2026-11-02", "week", "sv", "v.")).toBe("v. 45");
    expect(periodLabel("2026-11-02", "day", "en", "Week")).toBe("2 Nov");
    expect(periodLabel("2026-11-01", "month", "sv", "v.")).toMatch(/^nov\.? 2026$/);
  });
});

describe("charts from the report's series", () => {
  const report = {
    series: [
      { period: "2026-11-09", figures: figures({ created: 5, closed: 2, backlog: 7,
        sla: { ...figures().sla, first_response_compliance: 0.8, resolution_compliance: null } }) },
      { period: "2026-11-02", figures: figures({ created: 3, closed: 1, backlog: 4,
        sla: { ...figures().sla, first_response_compliance: 2 / 3, resolution_compliance: 1 } }) },
    ],
  };
  it("put created and closed side by side, every bucket in order", () => {
    expect(chartData(report, "flow")).toEqual({
      periods: ["2026-11-02", "2026-11-09"],
      series: [{ key: "created", values: [3, 5] }, { key: "closed", values: [1, 2] }],
    });
    expect(chartData(report, "backlog").series).toEqual([{ key: "backlog", values: [4, 7] }]);
  });
  it("give SLA compliance in per cent, with a gap where nothing was measured", () => {
    expect(chartData(report, "sla").series).toEqual([
      { key: "first_response_compliance", values: [66.7, 80] },
      { key: "resolution_compliance", values: [100, null] },
    ]);
  });
});

describe("the breakdown table's order", () => {
  const rows = [
    { key: "a", label: "Örebro", figures: figures({ created: 2, one_touch: { resolved: 1, one_touch: 1, rate: 1 } }) },
    { key: "b", label: "Arboga", figures: figures({ created: 9 }) },
    { key: "c", label: "Borås", figures: figures({ created: 2, one_touch: { resolved: 2, one_touch: 1, rate: 0.5 } }) },
  ];
  it("sorts by a number, ties by name, and puts missing values last both ways", () => {
    expect(sortBreakdown(rows, "created", true, "sv").map((r) => r.key)).toEqual(["b", "c", "a"]);
    expect(sortBreakdown(rows, "one_touch", true, "sv").map((r) => r.key)).toEqual(["a", "c", "b"]);
    expect(sortBreakdown(rows, "one_touch", false, "sv").map((r) => r.key)).toEqual(["c", "a", "b"]);
  });
  it("sorts names the Swedish way (Ö after Z)", () => {
    expect(sortBreakdown(rows, "label", false, "sv").map((r) => r.label)).toEqual(["Arboga", "Borås", "Örebro"]);
  });
});
