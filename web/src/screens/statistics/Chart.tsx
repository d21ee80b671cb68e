// One chart over time, drawn by uPlot (loaded on first use, so the rest of the UI stays small),
// with the same figures as a table behind it: screen readers and keyboard users read the table.
import { useEffect, useRef, useState } from "preact/hooks";
import { language } from "../../i18n";
import { useStore } from "../../store";
import type uPlot from "uplot";
import type { ChartData } from "./model";

export interface SeriesStyle { key: string; label: string; color: string; dash?: number[] }

const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6];
let loading: Promise<typeof uPlot> | null = null;
function loadUPlot(): Promise<typeof uPlot> {
  loading ??= Promise.all([import("uplot"), import("uplot/dist/uPlot.min.css")])
    .then(([m]) => (m as unknown as { default: typeof uPlot }).default);
  return loading;
}

export function Chart(props: {
  id: string;
  title: string;
  tableLabel: string;
  periodHeader: string;
  data: ChartData;
  labels: string[]; // one per period
  styles: SeriesStyle[];
  format: (value: number | null) => string;
  yMax?: number;
  counts?: boolean; // whole numbers: no ticks between them
}) {
  const { id, title, tableLabel, periodHeader, data, labels, styles, format, yMax, counts } = props;
  const lang = useStore(language);
  const host = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    const el = host.current;
    if (!el || !data.periods.length) return;
    let plot: uPlot | null = null;
    let observer: ResizeObserver | null = null;
    let gone = false;
    loadUPlot().then((UPlot) => {
      if (gone) return;
      const width = Math.max(280, el.clientWidth);
      const xs = data.periods.map((_, i) => i);
      const options: uPlot.Options = {
        width,
        height: 220,
        legend: { show: false }, // our own legend, in words, below
        cursor: { show: true, drag: { x: false, y: false } },
        scales: { x: { time: false, range: [-0.5, Math.max(0.5, xs.length - 0.5)] }, y: { range: (_u, _min, max) => [0, yMax ?? Math.max(1, max)] } },
        axes: [
          { incrs: [1, 2, 5, 10, 20, 50], values: (_u, splits) => splits.map((i) => labels[i] ?? ""), stroke: "#1b1d21" },
          { values: (_u, splits) => splits.map((v) => format(v)), stroke: "#1b1d21", size: 60, ...(counts ? { incrs: COUNT_STEPS } : {}) },
        ],
        series: [
          {},
          ...styles.map((s) => ({ label: s.label, stroke: s.color, width: 2, dash: s.dash, points: { show: true, size: 5 }, spanGaps: false })),
        ],
      };
      const columns = [xs, ...styles.map((s) => data.series.find((c) => c.key === s.key)?.values ?? [])];
      plot = new UPlot(options, columns as uPlot.AlignedData, el);
      if (typeof ResizeObserver !== "undefined") {
        observer = new ResizeObserver(() => plot?.setSize({ width: Math.max(280, el.clientWidth), height: 220 }));
        observer.observe(el);
      }
    }).catch(() => !gone && setFailed(true));
    return () => {
      gone = true;
      observer?.disconnect();
      plot?.destroy();
    };
  }, [data, lang, labels.join("|")]);

  return (
    <figure class="stats-chart card" aria-labelledby={`${id}-title`} data-testid={`chart-${id}`}>
      <figcaption id={`${id}-title`}><h3>{title}</h3></figcaption>
      <ul class="stats-legend" aria-hidden="true">
        {styles.map((s) => <li key={s.key}><span class={`swatch ${s.dash ? "dashed" : ""}`} data-color={s.key} />{s.label}</li>)}
      </ul>
      {/* The drawing repeats the table below, which is what assistive technology reads. */}
      {!failed && <div class="stats-plot" ref={host} aria-hidden="true" />}
      <details>
        <summary>{tableLabel}</summary>
        <table class="tickets stats-table" data-testid={`chart-table-${id}`}>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{periodHeader}</th>
              {styles.map((s) => <th scope="col" key={s.key}>{s.label}</th>)}
            </tr>
          </thead>
          <tbody>
            {data.periods.map((period, i) => (
              <tr key={period}>
                <th scope="row"><time dateTime={period}>{labels[i]}</time></th>
                {styles.map((s) => <td key={s.key} class="num">{format(data.series.find((c) => c.key === s.key)?.values[i] ?? null)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
