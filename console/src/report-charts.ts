/**
 * The Reports page's charts, drawn with uPlot (about 50 KB minified, canvas, maintained). This
 * module is imported dynamically by ReportsPage, so uPlot is fetched only when the page opens:
 * the rest of the console and the shopper's widget never carry it.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
  dash?: number[];
  bars?: boolean;
}

export interface ChartSpec {
  /** x values: days (YYYY-MM-DD) or category numbers (e.g. scores 1–5). */
  x: { kind: 'days'; days: string[] } | { kind: 'categories'; values: number[] };
  series: Series[];
  yMax?: number;
  formatY?: (value: number) => string;
  /** Day ticks as the console's locale writes them (the x values are UTC midnights). */
  formatDay?: (date: string) => string;
  height?: number;
}

/** Draws the chart into `host` and keeps it as wide as its box; returns a function that removes it. */
export function drawChart(host: HTMLElement, spec: ChartSpec): () => void {
  const xs = spec.x.kind === 'days' ? spec.x.days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000) : spec.x.values;
  const bars = uPlot.paths.bars?.({ size: [0.6, 60] });
  const options: uPlot.Options = {
    width: Math.max(280, host.clientWidth),
    height: spec.height ?? 220,
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: spec.x.kind === 'days' ? { time: true } : { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] },
      y: { range: (_u, _min, max) => [0, spec.yMax ?? Math.max(1, max * 1.1)] },
    },
    axes: [
      {
        stroke: '#333',
        grid: { stroke: '#e3e3e3' },
        ...(spec.x.kind === 'categories'
          ? { values: (_u: uPlot, ticks: number[]) => ticks.map((tick) => (Number.isInteger(tick) ? String(tick) : '')) }
          : {
              // Whole days only, written by the console's locale rather than uPlot's English.
              incrs: [86_400, 2 * 86_400, 7 * 86_400, 14 * 86_400, 28 * 86_400, 91 * 86_400],
              space: 60,
              values: (_u: uPlot, ticks: number[]) =>
                ticks.map((tick) => {
                  const date = new Date(tick * 1000).toISOString().slice(0, 10);
                  return spec.formatDay ? spec.formatDay(date) : date;
                }),
            }),
      },
      {
        stroke: '#333',
        grid: { stroke: '#e3e3e3' },
        values: (_u: uPlot, ticks: number[]) => ticks.map((tick) => (spec.formatY ? spec.formatY(tick) : String(tick))),
      },
    ],
    series: [
      {},
      ...spec.series.map((series) => ({
        label: series.label,
        stroke: series.color,
        width: 2,
        dash: series.dash,
        fill: series.bars ? series.color : undefined,
        paths: series.bars ? bars : undefined,
        points: { show: !series.bars && xs.length <= 31 },
        spanGaps: false,
      })),
    ],
  };
  if (spec.x.kind === 'days') options.tzDate = (ts) => uPlot.tzDate(new Date(ts * 1000), 'UTC');
  const chart = new uPlot(options, [xs, ...spec.series.map((series) => series.values)] as uPlot.AlignedData, host);
  const observer = new ResizeObserver(() => {
    const width = Math.max(280, host.clientWidth);
    if (Math.abs(width - chart.width) > 2) chart.setSize({ width, height: chart.height });
  });
  observer.observe(host);
  return () => {
    observer.disconnect();
    chart.destroy();
  };
}
