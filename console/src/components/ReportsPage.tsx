/**
 * Reports: the service levels the shop promises, measured over a range in the site's time zone
 * and compared with the previous period. Admins see every agent; an agent sees the site's totals
 * and their own row (the server decides). Every chart has the same figures as a table, and every
 * table downloads as CSV. The chart library is loaded only here (report-charts.ts, dynamic import).
 */
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { AgentProfile } from '../../../protocol/agent.ts';
import type { Compared, ReportFigures, ReportResponse, ReportTable } from '../../../protocol/reports.ts';
import { currentLocale, formatDay, formatNumber, formatPercent, formatSeconds, type MessageKey, t, useLocale } from '../i18n.ts';
import type { ChartSpec } from '../report-charts.ts';
import { fetchReport, reportCsvUrl } from '../reports-api.ts';
import { LoadStatus } from './LoadStatus.tsx';
import { PageHead } from './PageHead.tsx';

type Preset = 'today' | '7' | '30' | 'custom';
type Load = { phase: 'loading' } | { phase: 'error'; message: string } | { phase: 'ready'; report: ReportResponse };

const SHARE_FIGURES = new Set<keyof ReportFigures>([
  'botOnlyShare',
  'takenWithinTargetShare',
  'takenWithin60sShare',
  'csatResponseRate',
  'complaintsClosedWithinSlaShare',
  'ticketsAnsweredInTimeShare',
]);
const SECONDS_FIGURES = new Set<keyof ReportFigures>(['queueWaitP50', 'queueWaitP90', 'firstReplyP50', 'firstReplyP90', 'handleTimeAverage']);

/** Today's date in a time zone, YYYY-MM-DD. */
function todayIn(timeZone: string | undefined): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  } catch {
    return new Date().toISOString().slice(0, 10);
  }
}

/** "Nov 24" / "11月24日": a chart tick. */
function shortDay(date: string): string {
  return new Intl.DateTimeFormat(currentLocale(), { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
}

function minusDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

function rangeOf(preset: Exclude<Preset, 'custom'>, timeZone: string | undefined): { from: string; to: string } {
  const today = todayIn(timeZone);
  if (preset === 'today') return { from: today, to: today };
  return { from: minusDays(today, Number(preset) - 1), to: today };
}

export function formatFigure(name: keyof ReportFigures, value: number | null): string {
  if (value === null) return t('common.none');
  if (SHARE_FIGURES.has(name)) return formatPercent(value);
  if (SECONDS_FIGURES.has(name)) return formatSeconds(value);
  if (name === 'csatAverage') return formatNumber(value, { maximumFractionDigits: 2 });
  return formatNumber(value);
}

function change(name: keyof ReportFigures, figure: Compared): string {
  if (figure.value === null || figure.previous === null) return t('common.none');
  const delta = figure.value - figure.previous;
  if (delta === 0) return '±0';
  const sign = delta > 0 ? '+' : '−';
  if (SHARE_FIGURES.has(name)) return `${sign}${formatNumber(Math.abs(delta) * 100, { maximumFractionDigits: 1 })} pp`;
  return `${sign}${formatFigure(name, Math.abs(delta))}`;
}

function figureLabel(name: keyof ReportFigures, report: ReportResponse): string {
  const { targets } = report;
  return t(`figure.${name}` as MessageKey, {
    s: targets.takenWithinSeconds,
    target: formatPercent(targets.takenShareTarget),
    h: name === 'ticketsAnsweredInTimeShare' ? targets.ticketReplyHours : targets.complaintCloseHours,
  });
}

function reasonName(reason: string): string {
  const key = `reason.${reason}` as MessageKey;
  const text = t(key);
  return text === key ? reason : text;
}

export function ReportsPage({ me }: { me: AgentProfile }) {
  useLocale();
  const [zone, setZone] = useState<string | undefined>(undefined);
  const [preset, setPreset] = useState<Preset>('7');
  const [range, setRange] = useState(() => rangeOf('7', undefined));
  const [custom, setCustom] = useState(range);
  const [load, setLoad] = useState<Load>({ phase: 'loading' });
  const mainRef = useRef<HTMLElement>(null);
  const fromId = useId();
  const toId = useId();

  useEffect(() => mainRef.current?.focus(), []);
  useEffect(() => {
    let active = true;
    setLoad({ phase: 'loading' });
    fetchReport(range.from, range.to).then(
      (report) => {
        if (!active) return;
        setLoad({ phase: 'ready', report });
        if (report.timezone !== zone) setZone(report.timezone);
      },
      (error: unknown) => active && setLoad({ phase: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      active = false;
    };
    // zone is only remembered here; it does not refetch
  }, [range]);

  const choose = (next: Preset) => {
    setPreset(next);
    if (next !== 'custom') setRange(rangeOf(next, zone));
  };

  const report = load.phase === 'ready' ? load.report : null;

  return (
    <main id="main-content" ref={mainRef} class="page reports-page" tabIndex={-1} aria-labelledby="reports-title" data-testid="reports-page">
      <PageHead id="reports-title" title={t('nav.reports')}>
        <p class="muted">{t('reports.intro', { zone: report?.timezone ?? zone ?? '…' })}</p>
        {me.role !== 'admin' && <p class="muted small">{t('reports.scopeAgent')}</p>}
      </PageHead>

      <form
        class="report-range"
        onSubmit={(event) => {
          event.preventDefault();
          if (custom.from && custom.to) setRange({ ...custom });
        }}
      >
        <fieldset class="segmented">
          <legend>{t('reports.range')}</legend>
          {(['today', '7', '30', 'custom'] as const).map((value) => (
            <label key={value} class={`segment ${preset === value ? 'is-on' : ''}`}>
              <input type="radio" name="report-range" value={value} checked={preset === value} onChange={() => choose(value)} data-testid={`range-${value}`} />
              {t(value === 'today' ? 'reports.today' : value === '7' ? 'reports.7days' : value === '30' ? 'reports.30days' : 'reports.custom')}
            </label>
          ))}
        </fieldset>
        {preset === 'custom' && (
          <div class="report-custom">
            <label for={fromId}>{t('reports.from')}</label>
            <input id={fromId} type="date" value={custom.from} onInput={(event) => setCustom({ ...custom, from: event.currentTarget.value })} />
            <label for={toId}>{t('reports.to')}</label>
            <input id={toId} type="date" value={custom.to} onInput={(event) => setCustom({ ...custom, to: event.currentTarget.value })} />
            <button type="submit" class="button small">
              {t('reports.apply')}
            </button>
          </div>
        )}
      </form>

      <LoadStatus load={load} errorText={(message) => t('reports.error', { message })} />
      {report && <Report report={report} />}
    </main>
  );
}

function CsvLink({ report, table, label }: { report: ReportResponse; table: ReportTable; label?: string }) {
  return (
    <a class="button small" href={reportCsvUrl(report.from, report.to, table)} download data-testid={`csv-${table}`}>
      {label ?? t('common.downloadCsv')}
    </a>
  );
}

function Report({ report }: { report: ReportResponse }) {
  const names = Object.keys(report.figures) as (keyof ReportFigures)[];
  const targetShare = report.targets.takenShareTarget;
  return (
    <div class="report" data-testid="report" data-from={report.from} data-to={report.to}>
      <p class="muted small">
        {formatDay(report.from)} – {formatDay(report.to)} · {t('reports.previous', { from: formatDay(report.previousFrom), to: formatDay(report.previousTo) })}
      </p>
      {report.botOnlyPending > 0 && <p class="muted small">{t('reports.pending', { n: formatNumber(report.botOnlyPending) })}</p>}

      <section class="report-section" aria-labelledby="figures-title">
        <div class="report-section-head">
          <h2 id="figures-title">{t('reports.figures')}</h2>
          <CsvLink report={report} table="figures" />
        </div>
        <table class="report-table" data-testid="figures-table">
          <thead>
            <tr>
              <th scope="col">{t('reports.figure')}</th>
              <th scope="col">{t('reports.value')}</th>
              <th scope="col">{t('reports.previousValue')}</th>
              <th scope="col">{t('reports.change')}</th>
            </tr>
          </thead>
          <tbody>
            {names.map((name) => (
              <tr key={name} data-figure={name}>
                <th scope="row">{figureLabel(name, report)}</th>
                <td>{formatFigure(name, report.figures[name].value)}</td>
                <td>{formatFigure(name, report.figures[name].previous)}</td>
                <td>{change(name, report.figures[name])}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <ChartBlock
        id="chart-taken"
        title={t('reports.chart.taken', { s: report.targets.takenWithinSeconds, target: formatPercent(targetShare) })}
        spec={{
          x: { kind: 'days', days: report.daily.map((day) => day.date) },
          series: [
            { label: t('reports.series.share'), values: report.daily.map((day) => day.takenWithinTargetShare), color: '#1f6f5c' },
            { label: t('reports.series.target'), values: report.daily.map(() => targetShare), color: '#b3261e', dash: [6, 4] },
          ],
          yMax: 1,
          formatY: (value) => formatPercent(value),
          formatDay: shortDay,
        }}
        table={{
          headers: [t('reports.date'), t('reports.series.share'), t('figure.handoffsToQueue'), t('reports.series.target')],
          rows: report.daily.map((day) => [
            formatDay(day.date),
            day.takenWithinTargetShare === null ? t('common.none') : formatPercent(day.takenWithinTargetShare),
            formatNumber(day.handoffsToQueue),
            formatPercent(targetShare),
          ]),
        }}
        csv={<CsvLink report={report} table="daily" />}
      />

      <ChartBlock
        id="chart-volume"
        title={t('reports.chart.volume')}
        spec={{
          x: { kind: 'days', days: report.daily.map((day) => day.date) },
          series: [
            { label: t('reports.series.started'), values: report.daily.map((day) => day.started), color: '#1f4e8c' },
            { label: t('reports.series.handoffs'), values: report.daily.map((day) => day.handoffsToQueue), color: '#8c5a1f', dash: [4, 3] },
          ],
          formatDay: shortDay,
          formatY: (value) => (Number.isInteger(value) ? formatNumber(value) : ''),
        }}
        table={{
          headers: [t('reports.date'), t('reports.series.started'), t('reports.series.handoffs')],
          rows: report.daily.map((day) => [formatDay(day.date), formatNumber(day.started), formatNumber(day.handoffsToQueue)]),
        }}
        csv={<CsvLink report={report} table="daily" />}
      />

      <ChartBlock
        id="chart-csat"
        title={t('reports.chart.csat')}
        spec={{
          x: { kind: 'categories', values: report.csatDistribution.map((row) => row.score) },
          series: [{ label: t('reports.series.ratings'), values: report.csatDistribution.map((row) => row.count.value), color: '#1f6f5c', bars: true }],
          formatY: (value) => (Number.isInteger(value) ? formatNumber(value) : ''),
        }}
        table={{
          headers: [t('reports.score'), t('reports.value'), t('reports.previousValue')],
          rows: report.csatDistribution.map((row) => [String(row.score), formatNumber(row.count.value ?? 0), formatNumber(row.count.previous ?? 0)]),
        }}
        csv={<CsvLink report={report} table="csat" />}
      />

      <section class="report-section" aria-labelledby="reasons-title">
        <div class="report-section-head">
          <h2 id="reasons-title">{t('reports.reasons')}</h2>
          <CsvLink report={report} table="reasons" />
        </div>
        <SimpleTable
          headers={[t('reports.reason'), t('reports.value'), t('reports.previousValue')]}
          rows={report.handoffsByReason.map((row) => [reasonName(row.reason), formatNumber(row.count.value ?? 0), formatNumber(row.count.previous ?? 0)])}
        />
      </section>

      <section class="report-section" aria-labelledby="agents-title">
        <div class="report-section-head">
          <h2 id="agents-title">{t('reports.agents')}</h2>
          <CsvLink report={report} table="agents" />
        </div>
        <SimpleTable
          testId="agents-table"
          headers={[t('reports.agent'), t('reports.chats'), t('reports.medianFirstReply'), t('reports.csat'), t('reports.transfers')]}
          rows={report.agents.map((row) => [
            row.name,
            formatNumber(row.chats),
            row.firstReplyP50 === null ? t('common.none') : formatSeconds(row.firstReplyP50),
            row.csatAverage === null ? t('common.none') : `${formatNumber(row.csatAverage, { maximumFractionDigits: 2 })} (${formatNumber(row.csatResponses)})`,
            formatNumber(row.transfers),
          ])}
        />
      </section>

      <Heatmap report={report} />

      <section class="report-section" aria-labelledby="gaps-title">
        <div class="report-section-head">
          <h2 id="gaps-title">{t('reports.gaps')}</h2>
          <CsvLink report={report} table="gaps" />
        </div>
        {report.knowledgeGaps.length === 0 ? (
          <p class="muted small">{t('reports.noGaps')}</p>
        ) : (
          <SimpleTable
            headers={[t('reports.question'), t('reports.count')]}
            rows={report.knowledgeGaps.map((gap) => [gap.question, formatNumber(gap.count)])}
          />
        )}
      </section>

      <section class="report-section" aria-labelledby="exports-title">
        <h2 id="exports-title">{t('reports.exports')}</h2>
        <p>
          <CsvLink report={report} table="chats" label={t('reports.chatsCsv')} />
        </p>
      </section>
    </div>
  );
}

function SimpleTable({ headers, rows, testId, caption }: { headers: string[]; rows: string[][]; testId?: string; caption?: string }) {
  return (
    <table class="report-table" data-testid={testId}>
      {caption && <caption class="visually-hidden">{caption}</caption>}
      <thead>
        <tr>
          {headers.map((header) => (
            <th key={header} scope="col">
              {header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row, index) => (
          <tr key={index}>
            {row.map((cell, column) =>
              column === 0 ? (
                <th key={column} scope="row">
                  {cell}
                </th>
              ) : (
                <td key={column}>{cell}</td>
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type ChartState = 'loading' | 'drawn' | 'failed';

/** A chart (canvas, drawn by the lazily loaded uPlot) with the same figures as a table under it. */
function ChartBlock(props: { id: string; title: string; spec: ChartSpec; table: { headers: string[]; rows: string[][] }; csv: preact.ComponentChild }) {
  const host = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<ChartState>('loading');
  const { spec } = props;
  useEffect(() => {
    let cleanup: (() => void) | null = null;
    let active = true;
    setState('loading');
    import('../report-charts.ts').then(
      ({ drawChart }) => {
        if (!active || !host.current) return;
        try {
          host.current.replaceChildren();
          cleanup = drawChart(host.current, spec);
          setState('drawn');
        } catch (error) {
          console.warn('report chart', error);
          setState('failed');
        }
      },
      (error: unknown) => {
        console.warn('report chart library', error);
        if (active) setState('failed');
      },
    );
    return () => {
      active = false;
      cleanup?.();
    };
  }, [currentLocale(), JSON.stringify(spec.x), JSON.stringify(spec.series.map((series) => [series.label, series.values]))]);

  return (
    <section class="report-section report-chart" aria-labelledby={`${props.id}-title`}>
      <div class="report-section-head">
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        {props.csv}
      </div>
      <ul class="chart-legend" aria-hidden="true">
        {spec.series.map((series) => (
          <li key={series.label}>
            <span class="legend-swatch" style={{ background: series.color }} />
            {series.label}
          </li>
        ))}
      </ul>
      <div ref={host} class="chart-host" role="img" aria-label={props.title} data-testid={props.id} data-chart-state={state} />
      {state === 'loading' && <p class="muted small">{t('reports.chart.loading')}</p>}
      {state === 'failed' && <p class="muted small">{t('reports.chart.failed')}</p>}
      <details class="chart-table">
        <summary>{t('common.showTable')}</summary>
        <SimpleTable headers={props.table.headers} rows={props.table.rows} caption={props.title} />
      </details>
    </section>
  );
}

/** Weekday × hour as a table: it is its own accessible alternative (numbers in every cell, shade for the eye). */
function Heatmap({ report }: { report: ReportResponse }) {
  const max = Math.max(1, ...report.heatmap.map((cell) => cell.chats));
  const byDay = Array.from({ length: 7 }, (_, weekday) => report.heatmap.filter((cell) => cell.weekday === weekday).sort((a, b) => a.hour - b.hour));
  return (
    <section class="report-section" aria-labelledby="heatmap-title">
      <div class="report-section-head">
        <h2 id="heatmap-title">{t('reports.heatmap')}</h2>
        <CsvLink report={report} table="heatmap" />
      </div>
      <p class="muted small">{t('reports.heatmapHint')}</p>
      <div class="heatmap-scroll">
        <table class="heatmap" data-testid="heatmap">
          <thead>
            <tr>
              <th scope="col">{t('reports.weekday')}</th>
              {Array.from({ length: 24 }, (_, hour) => (
                <th key={hour} scope="col">
                  {hour}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {byDay.map((cells, weekday) => (
              <tr key={weekday}>
                <th scope="row">{t(`weekday.${weekday}` as MessageKey)}</th>
                {cells.map((cell) => {
                  const level = cell.chats === 0 ? 0 : Math.ceil((cell.chats / max) * 4);
                  return (
                    <td key={cell.hour} class={`heat-${level}`}>
                      {cell.chats}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
