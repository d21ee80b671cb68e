// The statistics screen (S9, S11): a date range, a bucket, a breakdown and one filter, all kept
// in the address (#/stats?...), so a response point's settings page can link to its figures.
import { useEffect, useMemo, useState } from "preact/hooks";
import { ApiError, download, get } from "../../api";
import { currentTimeZone, hasKey, type Key, language, t } from "../../i18n";
import { errorText } from "../../logic/errors";
import { go } from "../../logic/route";
import { say } from "../../state";
import { useStore } from "../../store";
import type { Directory, Lang, User } from "../../types";
import { Breakdown } from "./Breakdown";
import { Chart, type SeriesStyle } from "./Chart";
import "./statistics.css";
import { Filter, scopeFor } from "./Filter";
import {
  breakdownsFor, BUCKETS, chartData, type ChartKind, CHARTS, channelsOf, csvFilename, type Figures, fmtCount, fmtHours,
  fmtShare, parseStatsQuery, periodLabel, PRESETS, type Preset, statsApiPath, statsHref, type StatsQuery, type StatsReport,
  todayIn,
} from "./model";

const STYLES: Record<ChartKind, { key: string; label: Key; color: string; dash?: number[] }[]> = {
  flow: [
    { key: "created", label: "stats.created", color: "#0a5ad4" },
    { key: "closed", label: "stats.closed", color: "#1b6e3a", dash: [6, 4] },
  ],
  backlog: [{ key: "backlog", label: "stats.backlog", color: "#7a3e9d" }],
  sla: [
    { key: "first_response_compliance", label: "stats.frCompliance", color: "#0a5ad4" },
    { key: "resolution_compliance", label: "stats.resCompliance", color: "#a4161a", dash: [6, 4] },
  ],
};

/** A channel, priority or ticket type as the catalogue names it; otherwise the API's label. */
export function dimensionLabel(dir: Directory, by: string, key: string, label: string, lang: Lang): string {
  if (by === "channel" && hasKey(`channel.${key}`)) return t(`channel.${key}` as Key);
  if (by === "priority" && hasKey(`priority.${key}`)) return t(`priority.${key}` as Key);
  if (by === "ticket_type") {
    const type = dir.ticket_types.find((x) => x.id === key);
    if (type) return lang === "sv" ? type.name_sv : type.name_en;
  }
  if (!key || key === "none") return t("stats.none"); // the API's key for "no group", "no agent" ...
  return label || key;
}

function Headline({ totals, lang }: { totals: Figures; lang: Lang }) {
  const items: [string, Key, string][] = [
    ["created", "stats.created", fmtCount(totals.created, lang)],
    ["closed", "stats.closed", fmtCount(totals.closed, lang)],
    ["backlog", "stats.backlogEnd", fmtCount(totals.backlog, lang)],
    ["first-response", "stats.frMedianOpen", fmtHours(totals.first_response.median_open_hours, lang)],
    ["resolution-compliance", "stats.resCompliance", fmtShare(totals.sla.resolution_compliance, lang)],
    ["one-touch", "stats.oneTouch", fmtShare(totals.one_touch.rate, lang)],
  ];
  return (
    <dl class="stats-headline" data-testid="stats-headline">
      {items.map(([id, label, value]) => (
        <div class="card" key={id}>
          <dt>{t(label)}</dt>
          <dd data-testid={`stats-${id}`}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function AllFigures({ totals, lang }: { totals: Figures; lang: Lang }) {
  const h = (x: number | null) => fmtHours(x, lang);
  const n = (x: number) => fmtCount(x, lang);
  const channel = (c: string) => (hasKey(`channel.${c}`) ? t(`channel.${c}` as Key) : c);
  const rows: [string, string, string][] = [
    ["created", t("stats.created"), n(totals.created)],
    ["closed", t("stats.closed"), n(totals.closed)],
    ["reopened", t("stats.reopened"), n(totals.reopened)],
    ["backlog", t("stats.backlogEnd"), n(totals.backlog)],
    ...(["first_response", "resolution"] as const).flatMap((k): [string, string, string][] => {
      const x = totals[k];
      const what = t(k === "first_response" ? "stats.firstResponse" : "stats.resolution");
      return [
        [`${k}.count`, t("stats.timedCount", { what }), n(x.count)],
        [`${k}.median_open_hours`, t("stats.medianOpen", { what }), h(x.median_open_hours)],
        [`${k}.p90_open_hours`, t("stats.p90Open", { what }), h(x.p90_open_hours)],
        [`${k}.median_hours`, t("stats.medianElapsed", { what }), h(x.median_hours)],
        [`${k}.p90_hours`, t("stats.p90Elapsed", { what }), h(x.p90_hours)],
      ];
    }),
    ["sla.first_response", t("stats.frCompliance"),
      `${fmtShare(totals.sla.first_response_compliance, lang)} (${n(totals.sla.first_response_met)} / ${n(totals.sla.first_response_total)})`],
    ["sla.resolution", t("stats.resCompliance"),
      `${fmtShare(totals.sla.resolution_compliance, lang)} (${n(totals.sla.resolution_met)} / ${n(totals.sla.resolution_total)})`],
    ["sla.breaches", t("stats.breaches"), n(totals.sla.breaches)],
    ["sla.paused_hours", t("stats.pausedHours"), h(totals.sla.paused_hours)],
    ...channelsOf(totals).flatMap((c): [string, string, string][] => [
      [`messages_in.${c}`, t("stats.messagesIn", { channel: channel(c) }), n(totals.messages_in?.[c] ?? 0)],
      [`messages_out.${c}`, t("stats.messagesOut", { channel: channel(c) }), n(totals.messages_out?.[c] ?? 0)],
    ]),
    ["consultations.count", t("stats.consultations"), n(totals.consultations.count)],
    ["consultations.answered", t("stats.consultationsAnswered"), n(totals.consultations.answered)],
    ["consultations.median_hours", t("stats.consultationsMedian"), h(totals.consultations.median_hours)],
    ["one_touch.resolved", t("stats.resolvedCount"), n(totals.one_touch.resolved)],
    ["one_touch.one_touch", t("stats.oneTouchCount"), n(totals.one_touch.one_touch)],
    ["one_touch.rate", t("stats.oneTouch"), fmtShare(totals.one_touch.rate, lang)],
  ];
  return (
    <details class="stats-all">
      <summary>{t("stats.allFigures")}</summary>
      <table class="tickets stats-table" data-testid="stats-all">
        <caption class="visually-hidden">{t("stats.allFigures")}</caption>
        <thead><tr><th scope="col">{t("stats.figure")}</th><th scope="col">{t("stats.value")}</th></tr></thead>
        <tbody>
          {rows.map(([id, label, value]) => <tr key={id} data-figure={id}><th scope="row">{label}</th><td class="num">{value}</td></tr>)}
        </tbody>
      </table>
    </details>
  );
}

export function StatisticsScreen({ search, user, dir }: { search: string; user: User; dir: Directory }) {
  const lang = useStore(language);
  const scope = scopeFor(user);
  const query = useMemo(
    () => parseStatsQuery(search, todayIn(dir.time_zone || currentTimeZone()), scope.everything),
    [search, dir.time_zone, user.id],
  );
  const [report, setReport] = useState<StatsReport | null>(null);
  const [problem, setProblem] = useState<"forbidden" | "failed" | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    const abort = new AbortController();
    setLoading(true);
    setProblem(null);
    get<StatsReport>(statsApiPath(query), { signal: abort.signal })
      .then((r) => { setReport(r); setLoading(false); })
      .catch((e) => {
        if ((e as Error).name === "AbortError") return;
        setLoading(false);
        setReport(null);
        setProblem(e instanceof ApiError && e.status === 403 ? "forbidden" : "failed");
        if (!(e instanceof ApiError && e.status === 403)) say(errorText(e), "error");
      });
    return () => abort.abort();
  }, [statsApiPath(query)]);

  const change = (next: Partial<StatsQuery>) => {
    const wanted = { ...query, ...next };
    // A breakdown the new filter does not allow (the API's rule) becomes none.
    if (wanted.by && !breakdownsFor(wanted.filter, scope.everything).includes(wanted.by)) wanted.by = null;
    go(statsHref(wanted));
  };
  const labels = useMemo(
    () => (report?.series ?? []).map((s) => periodLabel(s.period, report!.bucket, lang, t("stats.weekShort"))),
    [report, lang],
  );
  const charts = useMemo(
    () => CHARTS.map((kind) => ({ kind, data: report ? chartData(report, kind) : { periods: [], series: [] } })),
    [report],
  );
  async function csv() {
    try {
      await download(statsApiPath(query, "csv"), csvFilename(query));
    } catch (e) {
      say(errorText(e), "error");
    }
  }

  return (
    <main id="main" class="page stats" tabIndex={-1}>
      <h1>{t("stats.title")}</h1>
      <form class="stats-controls card" aria-label={t("stats.controls")} data-testid="stats-controls" onSubmit={(e) => e.preventDefault()}>
        <label>{t("stats.period")}
          <select name="preset" value={query.preset ?? ""} onChange={(e) => {
            const preset = e.currentTarget.value as Preset | "";
            change(preset ? { preset } : { preset: null });
          }}>
            {PRESETS.map((p) => <option key={p} value={p}>{t(`stats.preset.${p}` as Key)}</option>)}
            <option value="">{t("stats.preset.custom")}</option>
          </select>
        </label>
        <label>{t("stats.from")}
          <input type="date" name="from" value={query.from} max={query.to}
            onChange={(e) => e.currentTarget.value && change({ preset: null, from: e.currentTarget.value })} />
        </label>
        <label>{t("stats.to")}
          <input type="date" name="to" value={query.to} min={query.from}
            onChange={(e) => e.currentTarget.value && change({ preset: null, to: e.currentTarget.value })} />
        </label>
        <label>{t("stats.bucket")}
          <select name="bucket" value={query.bucket} onChange={(e) => change({ bucket: e.currentTarget.value as StatsQuery["bucket"] })}>
            {BUCKETS.map((b) => <option key={b} value={b}>{t(`stats.bucket.${b}` as Key)}</option>)}
          </select>
        </label>
        <label>{t("stats.by")}
          <select name="by" value={query.by ?? ""} onChange={(e) => change({ by: (e.currentTarget.value || null) as StatsQuery["by"] })}>
            <option value="">{t("stats.by.none")}</option>
            {breakdownsFor(query.filter, scope.everything).map((d) => <option key={d} value={d}>{t(`stats.by.${d}` as Key)}</option>)}
          </select>
        </label>
        <Filter query={query} dir={dir} user={user} onChange={(filter) => change({ filter })} />
        <button type="button" data-testid="stats-csv" onClick={csv}>{t("stats.csv")}</button>
      </form>
      <p class="muted" data-testid="stats-range">
        {t("stats.rangeNote", { from: query.from, to: query.to, zone: report?.time_zone ?? dir.time_zone })}
      </p>
      <div aria-live="polite" aria-busy={loading}>
        {problem === "forbidden" && <p class="empty" data-testid="stats-forbidden">{t("stats.forbidden")}</p>}
        {problem === "failed" && <p class="empty">{t("stats.failed")}</p>}
        {loading && !report && <p class="muted">{t("common.loading")}</p>}
      </div>
      {report && !problem && (
        <>
          <section aria-labelledby="stats-headline-title">
            <h2 id="stats-headline-title" class="visually-hidden">{t("stats.headline")}</h2>
            <Headline totals={report.totals} lang={lang} />
            <AllFigures totals={report.totals} lang={lang} />
          </section>
          <section aria-labelledby="stats-charts-title" class="stats-charts">
            <h2 id="stats-charts-title">{t("stats.overTime")}</h2>
            {charts.map(({ kind, data }) => {
              const styles: SeriesStyle[] = STYLES[kind].map((s) => ({ ...s, label: t(s.label) }));
              const format = kind === "sla"
                ? (v: number | null) => fmtShare(v === null ? null : v / 100, lang)
                : (v: number | null) => (v === null ? "–" : fmtCount(v, lang));
              return (
                <Chart key={`${kind}-${lang}`} id={kind} title={t(`stats.chart.${kind}` as Key)} tableLabel={t("stats.showTable")}
                  periodHeader={t(`stats.bucket.${report.bucket}` as Key)} data={data} labels={labels} styles={styles}
                  format={format} yMax={kind === "sla" ? 100 : undefined} counts={kind !== "sla"} />
              );
            })}
          </section>
          {report.by && (
            <Breakdown report={report} by={report.by} labelOf={(key, label) => dimensionLabel(dir, report.by ?? "", key, label, lang)} />
          )}
        </>
      )}
    </main>
  );
}
