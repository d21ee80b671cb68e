// The breakdown table: one row per response point, group, agent, … with the total below;
// the column headers sort it.
import { useState } from "preact/hooks";
import { type Key, language, t } from "../../i18n";
import { useStore } from "../../store";
import { type Column, COLUMNS, type Dimension, type Figures, formatColumn, sortBreakdown, type StatsReport } from "./model";

export const COLUMN_KEYS: Record<Column, Key> = {
  label: "stats.col.label", created: "stats.created", closed: "stats.closed", reopened: "stats.reopened",
  backlog: "stats.backlog", fr_median: "stats.col.frMedian", fr_p90: "stats.col.frP90", res_median: "stats.col.resMedian",
  fr_compliance: "stats.col.frCompliance", res_compliance: "stats.col.resCompliance", breaches: "stats.breaches",
  one_touch: "stats.oneTouch",
};

export function Breakdown({ report, by, labelOf }: {
  report: StatsReport; by: Dimension; labelOf: (key: string, label: string) => string;
}) {
  const lang = useStore(language);
  const [sort, setSort] = useState<{ column: Column; descending: boolean }>({ column: "created", descending: true });
  const rows = sortBreakdown(report.breakdown.map((r) => ({ ...r, label: labelOf(r.key, r.label) })), sort.column, sort.descending, lang);
  const cells = (f: Figures) => COLUMNS.slice(1).map((c) => (
    <td key={c} class="num" data-col={c}>{formatColumn(c as Exclude<Column, "label">, f, lang)}</td>
  ));
  const by_ = t(`stats.by.${by}` as Key);
  const title = t("stats.breakdownTitle", { by: by_.toLocaleLowerCase(lang === "sv" ? "sv-SE" : "en-GB") });
  return (
    <section aria-labelledby="stats-breakdown-title">
      <h2 id="stats-breakdown-title">{title}</h2>
      {rows.length === 0 ? <p class="empty" data-testid="stats-breakdown-empty">{t("stats.noRows")}</p> : (
        <div class="table-scroll">
          <table class="tickets stats-table" data-testid="stats-breakdown">
            <caption class="visually-hidden">{title}</caption>
            <thead>
              <tr>
                {COLUMNS.map((c) => {
                  const active = sort.column === c;
                  return (
                    <th scope="col" key={c} aria-sort={active ? (sort.descending ? "descending" : "ascending") : undefined}>
                      <button type="button" class="link sort" data-col={c}
                        onClick={() => setSort({ column: c, descending: active ? !sort.descending : c !== "label" })}>
                        {c === "label" ? by_ : t(COLUMN_KEYS[c])}
                        {active && <span aria-hidden="true">{sort.descending ? " ▼" : " ▲"}</span>}
                      </button>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key} data-key={r.key}>
                  <th scope="row" dir="auto">{r.label}</th>
                  {cells(r.figures)}
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr data-key="">
                <th scope="row">{t("stats.total")}</th>
                {cells(report.totals)}
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </section>
  );
}
