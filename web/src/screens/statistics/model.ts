// Statistics (issue 14, S9/S11): the report's shape, the screen's query (kept in the address,
// #/stats?...), date-range presets in the organisation's time zone, number formats per language,
// and the report's series as chart columns. Pure: no DOM, no fetch.
import type { Lang } from "../../types";

export interface Timing {
  count: number;
  median_hours: number | null;
  p90_hours: number | null;
  median_open_hours: number | null;
  p90_open_hours: number | null;
}
export interface Figures {
  created: number;
  closed: number;
  reopened: number;
  backlog: number;
  first_response: Timing;
  resolution: Timing;
  sla: {
    first_response_met: number; first_response_total: number; first_response_compliance: number | null;
    resolution_met: number; resolution_total: number; resolution_compliance: number | null;
    breaches: number; paused_hours: number;
  };
  messages_in: Record<string, number>;
  messages_out: Record<string, number>;
  consultations: { count: number; answered: number; median_hours: number | null };
  one_touch: { resolved: number; one_touch: number; rate: number | null };
}
export interface StatsReport {
  from: string;
  to: string;
  bucket: Bucket;
  by: Dimension | null;
  time_zone: string;
  filter?: { dimension: string; value: string } | null;
  totals: Figures;
  series: { period: string; figures: Figures }[];
  breakdown: { key: string; label: string; figures: Figures }[];
}

export type Bucket = "day" | "week" | "month";
export const BUCKETS: Bucket[] = ["day", "week", "month"];
// Breakdowns (organisations are many and open-ended: the API has them as a filter only).
export type Dimension = "response_point" | "group" | "agent" | "channel" | "ticket_type" | "priority" | "template";
export const DIMENSIONS: Dimension[] = ["response_point", "group", "agent", "channel", "ticket_type", "priority", "template"];
export type FilterKind = "response_point" | "group" | "agent" | "channel" | "organisation";
export const FILTER_KINDS: FilterKind[] = ["response_point", "group", "agent", "channel", "organisation"];
export type Preset = "this_week" | "last_week" | "this_month" | "last_month" | "last_30_days" | "this_year";
export const PRESETS: Preset[] = ["this_week", "last_week", "this_month", "last_month", "last_30_days", "this_year"];

/** What the screen shows: the address's query, defaults filled in. */
export interface StatsQuery {
  preset: Preset | null; // a preset is recomputed from today, so a saved address stays "this week"
  from: string;
  to: string;
  bucket: Bucket;
  by: Dimension | null; // null: no breakdown
  filter: { kind: FilterKind; value: string } | null;
}

/** The breakdowns a query may have: the API takes a filter with no breakdown or one of its own
 * dimension; an agent may break down by agent or group only (and sees only their own). */
export function breakdownsFor(filter: StatsQuery["filter"], everything: boolean): Dimension[] {
  const allowed = everything ? DIMENSIONS : (["agent", "group"] as Dimension[]);
  return filter ? allowed.filter((d) => d === filter.kind) : allowed;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const isDate = (text: string): boolean => DATE.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`))
  && new Date(`${text}T00:00:00Z`).toISOString().slice(0, 10) === text;

// ---- plain dates (YYYY-MM-DD), computed in UTC so the browser's own zone never shifts them ----
const toUtc = (date: string) => new Date(`${date}T00:00:00Z`);
const fromUtc = (d: Date) => d.toISOString().slice(0, 10);
export function addDays(date: string, days: number): string {
  const d = toUtc(date);
  d.setUTCDate(d.getUTCDate() + days);
  return fromUtc(d);
}
/** Monday of the (ISO) week the date falls in. */
export function weekStart(date: string): string {
  const weekday = (toUtc(date).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return addDays(date, -weekday);
}
export function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}
export function monthEnd(date: string): string {
  const d = toUtc(monthStart(date));
  d.setUTCMonth(d.getUTCMonth() + 1);
  d.setUTCDate(0);
  return fromUtc(d);
}

/** Today's date in the organisation's time zone (not the browser's). */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("year")}-${get("month")}-${get("day")}`;
}

/** A preset as [from, to], both inclusive. "This ..." ranges end today: days to come have no figures. */
export function presetRange(preset: Preset, today: string): [string, string] {
  switch (preset) {
    case "this_week":
      return [weekStart(today), today];
    case "last_week": {
      const start = addDays(weekStart(today), -7);
      return [start, addDays(start, 6)];
    }
    case "this_month":
      return [monthStart(today), today];
    case "last_month": {
      const end = addDays(monthStart(today), -1);
      return [monthStart(end), end];
    }
    case "last_30_days":
      return [addDays(today, -29), today];
    case "this_year":
      return [`${today.slice(0, 4)}-01-01`, today];
  }
}

// ---- the query in the address and to the API ----

/** The screen's query from the address's query string; anything missing or wrong falls back:
 * a breakdown not asked for (or not allowed) is by group without a filter, none with one;
 * "by=none" asks for none. */
export function parseStatsQuery(search: string, today: string, everything = true): StatsQuery {
  const p = new URLSearchParams(search);
  const bucket = BUCKETS.includes(p.get("bucket") as Bucket) ? (p.get("bucket") as Bucket) : "day";
  let filter: StatsQuery["filter"] = null;
  for (const kind of FILTER_KINDS) {
    const value = p.get(kind);
    if (value) {
      filter = { kind, value };
      break;
    }
  }
  const allowed = breakdownsFor(filter, everything);
  const asked = p.get("by") as Dimension;
  const by = allowed.includes(asked) ? asked : filter || p.get("by") === "none" ? null : "group";
  const from = p.get("from") ?? "";
  const to = p.get("to") ?? "";
  const preset = PRESETS.includes(p.get("preset") as Preset) ? (p.get("preset") as Preset) : null;
  if (!preset && isDate(from) && isDate(to) && from <= to) return { preset: null, from, to, bucket, by, filter };
  const chosen = preset ?? "last_30_days";
  const [start, end] = presetRange(chosen, today);
  return { preset: chosen, from: start, to: end, bucket, by, filter };
}

/** The address of the screen showing a query (a preset is kept by name, not by its dates). */
export function statsHref(query: Partial<StatsQuery>): string {
  const params = new URLSearchParams();
  if (query.preset) params.set("preset", query.preset);
  else if (query.from && query.to) {
    params.set("from", query.from);
    params.set("to", query.to);
  }
  if (query.bucket) params.set("bucket", query.bucket);
  if (query.by !== undefined) params.set("by", query.by ?? "none");
  if (query.filter?.value) params.set(query.filter.kind, query.filter.value);
  const text = params.toString();
  return text ? `#/stats?${text}` : "#/stats";
}

/** The API path of a query: JSON, or the same figures as CSV. */
export function statsApiPath(query: StatsQuery, format: "json" | "csv" = "json"): string {
  const params = new URLSearchParams({ from: query.from, to: query.to, bucket: query.bucket });
  if (query.by) params.set("by", query.by);
  if (query.filter?.value) params.set(query.filter.kind, query.filter.value);
  if (format === "csv") params.set("format", "csv");
  return `/api/stats?${params.toString()}`;
}

export function csvFilename(query: StatsQuery): string {
  const scope = query.filter?.value ? `-${query.filter.kind}-${query.filter.value.replace(/[^\w.-]+/g, "_")}` : "";
  return `statistics-${query.from}-${query.to}-${query.bucket}${query.by ? `-${query.by}` : ""}${scope}.csv`;
}

// ---- numbers and periods per language ----

const LOCALES: Record<Lang, string> = { sv: "sv-SE", en: "en-GB" };
export const DASH = "–";

export function fmtCount(n: number, lang: Lang): string {
  return new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: 0 }).format(n);
}
/** Hours with one decimal: "1 234,5" in Swedish, "1,234.5" in English; no value is a dash. */
export function fmtHours(hours: number | null | undefined, lang: Lang): string {
  if (hours === null || hours === undefined) return DASH;
  return new Intl.NumberFormat(LOCALES[lang], { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(hours);
}
/** A share 0..1 as a percentage with at most one decimal: "87,5 %" / "87.5%". */
export function fmtShare(share: number | null | undefined, lang: Lang): string {
  if (share === null || share === undefined) return DASH;
  return new Intl.NumberFormat(LOCALES[lang], { style: "percent", maximumFractionDigits: 1 }).format(share);
}

/** ISO week number of a date (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(date: string): number {
  const d = toUtc(date);
  const thursday = addDays(date, 3 - ((d.getUTCDay() + 6) % 7));
  const jan1 = toUtc(`${thursday.slice(0, 4)}-01-01`);
  return Math.floor((toUtc(thursday).getTime() - jan1.getTime()) / 86400000 / 7) + 1;
}

/** A bucket's label: its day, its week ("v. 45" / "Week 45") or its month. */
export function periodLabel(period: string, bucket: Bucket, lang: Lang, weekWord: string): string {
  const date = toUtc(period);
  if (bucket === "week") return `${weekWord} ${isoWeek(period)}`;
  const options: Intl.DateTimeFormatOptions = bucket === "month"
    ? { timeZone: "UTC", month: "short", year: "numeric" }
    : { timeZone: "UTC", day: "numeric", month: "short" };
  return new Intl.DateTimeFormat(LOCALES[lang], options).format(date);
}

// ---- charts: the report's series as columns ----

export interface ChartSeries { key: string; values: (number | null)[] }
export interface ChartData { periods: string[]; series: ChartSeries[] }

const percent = (share: number | null) => (share === null ? null : Math.round(share * 1000) / 10);

export type ChartKind = "flow" | "backlog" | "sla";
export const CHARTS: ChartKind[] = ["flow", "backlog", "sla"];

/** Columns for one chart, every bucket in order: created vs closed, backlog, SLA compliance in %. */
export function chartData(report: Pick<StatsReport, "series">, kind: ChartKind): ChartData {
  const rows = [...report.series].sort((a, b) => a.period.localeCompare(b.period));
  const periods = rows.map((r) => r.period);
  const column = (key: string, pick: (f: Figures) => number | null) => ({ key, values: rows.map((r) => pick(r.figures)) });
  switch (kind) {
    case "flow":
      return { periods, series: [column("created", (f) => f.created), column("closed", (f) => f.closed)] };
    case "backlog":
      return { periods, series: [column("backlog", (f) => f.backlog)] };
    case "sla":
      return {
        periods,
        series: [
          column("first_response_compliance", (f) => percent(f.sla.first_response_compliance)),
          column("resolution_compliance", (f) => percent(f.sla.resolution_compliance)),
        ],
      };
  }
}

// ---- the breakdown table ----

export type Column =
  | "label" | "created" | "closed" | "reopened" | "backlog" | "fr_median" | "fr_p90" | "res_median"
  | "fr_compliance" | "res_compliance" | "breaches" | "one_touch";
export const COLUMNS: Column[] = [
  "label", "created", "closed", "reopened", "backlog", "fr_median", "fr_p90", "res_median",
  "fr_compliance", "res_compliance", "breaches", "one_touch",
];
export function columnValue(column: Exclude<Column, "label">, f: Figures): number | null {
  switch (column) {
    case "created": return f.created;
    case "closed": return f.closed;
    case "reopened": return f.reopened;
    case "backlog": return f.backlog;
    case "fr_median": return f.first_response.median_open_hours;
    case "fr_p90": return f.first_response.p90_open_hours;
    case "res_median": return f.resolution.median_open_hours;
    case "fr_compliance": return f.sla.first_response_compliance;
    case "res_compliance": return f.sla.resolution_compliance;
    case "breaches": return f.sla.breaches;
    case "one_touch": return f.one_touch.rate;
  }
}
export function formatColumn(column: Exclude<Column, "label">, f: Figures, lang: Lang): string {
  const value = columnValue(column, f);
  if (column === "fr_median" || column === "fr_p90" || column === "res_median") return fmtHours(value, lang);
  if (column === "fr_compliance" || column === "res_compliance" || column === "one_touch") return fmtShare(value, lang);
  return value === null ? DASH : fmtCount(value, lang);
}

/** Breakdown rows sorted by a column; rows without a value go last whichever the direction. */
export function sortBreakdown<R extends { label: string; figures: Figures }>(
  rows: R[], column: Column, descending: boolean, lang: Lang,
): R[] {
  const collator = new Intl.Collator(LOCALES[lang]);
  return [...rows].sort((a, b) => {
    if (column === "label") return (descending ? -1 : 1) * collator.compare(a.label, b.label);
    const x = columnValue(column, a.figures);
    const y = columnValue(column, b.figures);
    if (x === null || y === null) return x === y ? collator.compare(a.label, b.label) : x === null ? 1 : -1;
    return (descending ? y - x : x - y) || collator.compare(a.label, b.label);
  });
}

/** The channels that appear in any messages in/out map, sorted. */
export function channelsOf(f: Figures): string[] {
  return [...new Set([...Object.keys(f.messages_in ?? {}), ...Object.keys(f.messages_out ?? {})])].sort();
}
