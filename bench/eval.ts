import { noisify } from './eval/noise.ts';
import {
  DEV_NOISY,
  datasets,
  emptyMetrics,
  enSources,
  FIT,
  JSON_OUT,
  kefuDecide,
  lunrDecide,
  type Metrics,
  mapIntent,
  miniDecide,
  NOISE_SEED,
  NOISY,
  noisyResults,
  pct,
  perIntent,
  results,
  type System,
  score,
  stripPlaceholders,
  systems,
  TUNE,
  TUNE_BAND,
} from './eval/setup.ts';

// The dev modes run instead of the report, and exit.
if (FIT || DEV_NOISY || TUNE_BAND || TUNE) await import('./eval/dev.ts');

const started = performance.now();
for (const [name, rows] of Object.entries(datasets)) {
  const r = (results[name] = { lunr: emptyMetrics(), minisearch: emptyMetrics(), kefu: emptyMetrics() });
  const nr = NOISY ? (noisyResults[name] = { lunr: emptyMetrics(), minisearch: emptyMetrics(), kefu: emptyMetrics() }) : undefined;
  rows.forEach((row, i) => {
    if (nr) {
      const noisy = noisify(stripPlaceholders(row.text), NOISE_SEED * 1_000_003 + i * 7919 + name.length);
      score(nr.lunr, row, lunrDecide(noisy));
      score(nr.minisearch, row, miniDecide(noisy));
      score(nr.kefu, row, kefuDecide(noisy).out);
    }
    score(r.lunr, row, lunrDecide(row.text));
    score(r.minisearch, row, miniDecide(row.text));
    const { out } = kefuDecide(row.text);
    score(r.kefu, row, out);
    if (name === 'bitext') {
      let pi = perIntent.get(row.intent);
      if (!pi) perIntent.set(row.intent, (pi = { rows: 0, right: 0, wrong: 0, handoff: 0, confusions: new Map() }));
      pi.rows++;
      if (out.action === 'answer' && out.articleId === row.expected) pi.right++;
      else if (out.action === 'answer') {
        pi.wrong++;
        pi.confusions.set(out.articleId!, (pi.confusions.get(out.articleId!) ?? 0) + 1);
      }
      if (out.action === 'handoff') pi.handoff++;
    }
  });
}
const elapsed = (performance.now() - started) / 1000;
// ---------------------------------------------------------------------------------------
// report

const worst = [...perIntent.entries()]
  .map(([intent, v]) => ({ intent, expected: mapIntent(intent), ...v }))
  .sort((a, b) => {
    const ka = a.expected === '@handoff' ? a.handoff / a.rows : a.right / a.rows;
    const kb2 = b.expected === '@handoff' ? b.handoff / b.rows : b.right / b.rows;
    return ka - kb2;
  })
  .slice(0, 10);

if (JSON_OUT) {
  console.log(
    JSON.stringify(
      {
        elapsedSeconds: elapsed,
        results,
        ...(NOISY ? { noisyResults } : {}),
        worst: worst.map((w) => ({ ...w, confusions: Object.fromEntries(w.confusions) })),
      },
      null,
      2,
    ),
  );
  process.exit(0);
}

const lines: string[] = [];
const row = (cells: string[], widths: number[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
// With --noisy: the clean columns, then the same systems on the noisy copy (marked ~).
const columns: Array<{ label: string; system: System; res: Record<string, Record<System, Metrics>> }> = [
  ...systems.map((system) => ({ label: system, system, res: results })),
  ...(NOISY ? systems.map((system) => ({ label: `${system} ~noisy`, system, res: noisyResults })) : []),
];
const W = [44, ...columns.map((c) => Math.max(10, c.label.length))];
const header = () => {
  lines.push(row(['metric', ...columns.map((c) => c.label)], W));
  lines.push('|' + W.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
};
const cells = (set: string, f: (m: Metrics) => string) => columns.map((c) => f(c.res[set]![c.system]));
const metricRows = (label: string, set: string) => {
  lines.push(row([`**${label}**`, ...columns.map(() => '')], W));
  lines.push(row(['answered right (of article rows)', ...cells(set, (m) => pct(m.right, m.articleRows))], W));
  lines.push(row(['  of which in the "probably" band', ...cells(set, (m) => pct(m.bandRight, m.articleRows))], W));
  lines.push(row(['"probably" band: answers right', ...cells(set, (m) => (m.band ? `${pct(m.bandRight, m.band)} of ${m.band}` : '—'))], W));
  lines.push(row(['precision of answers (band included)', ...cells(set, (m) => pct(m.right, m.answers))], W));
  lines.push(row(['right-or-suggested (of article rows)', ...cells(set, (m) => pct(m.rightOrSuggested, m.articleRows))], W));
  lines.push(row(['wrong answers (of all rows)', ...cells(set, (m) => pct(m.wrong, m.rows))], W));
  lines.push(row(['handoff recall (@handoff rows)', ...cells(set, (m) => pct(m.handoffHit, m.handoffRows))], W));
};

const ds = Object.fromEntries(Object.entries(datasets).map(([k, v]) => [k, v.length]));
lines.push(
  `kefu eval — demo KB (en: ${enSources.length} articles), ${Object.values(ds).reduce((a, b) => a + b, 0)} rows in ${elapsed.toFixed(1)} s` +
    (NOISY ? ` (clean and noisy, noise seed ${NOISE_SEED})` : ''),
);
lines.push('');
header();
metricRows(`Bitext 27K (${ds.bitext} rows)`, 'bitext');
metricRows(`Bitext intent-detection, all splits (${ds.bitext_id} rows)`, 'bitext_id');
lines.push(row([`**CLINC out-of-scope (${ds.clinc_oos} rows)**`, ...columns.map(() => '')], W));
lines.push(row(['false answers (target ≤ 3%)', ...cells('clinc_oos', (m) => pct(m.answers, m.rows))], W));
// Not an answer, but not a handoff either: the shopper is offered article chips (and can
// still ask for a person). Plain Lunr and minisearch never suggest.
lines.push(row(['offered article chips instead', ...cells('clinc_oos', (m) => pct(m.suggested, m.rows))], W));
lines.push(row([`**CLINC in-scope sample (${ds.clinc_inscope} rows)**`, ...columns.map(() => '')], W));
lines.push(row(['answered at all (mostly bank intents)', ...cells('clinc_inscope', (m) => pct(m.answers, m.rows))], W));
lines.push(row(['order_status → track-order answered right', ...cells('clinc_inscope', (m) => pct(m.right, m.articleRows))], W));
if (NOISY) {
  lines.push('');
  for (const set of ['bitext', 'bitext_id']) {
    const c = results[set]!.kefu;
    const n = noisyResults[set]!.kefu;
    const drop = (100 * c.right) / c.articleRows - (100 * n.right) / n.articleRows;
    lines.push(
      `kefu ${set}: answered right ${pct(c.right, c.articleRows)} clean, ${pct(n.right, n.articleRows)} noisy: drop ${drop.toFixed(1)} points (target ≤ 5)`,
    );
  }
}
lines.push('');
lines.push('kefu, Bitext 27K, worst ten intents:');
lines.push('');
const W2 = [26, 24, 6, 8, 8, 9, 30];
lines.push(row(['intent', 'expected', 'rows', 'right', 'wrong', 'handoff', 'top wrong answer'], W2));
lines.push('|' + W2.map((w, i) => (i === 0 || i === 1 || i === 6 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
for (const w of worst) {
  const top = [...w.confusions.entries()].sort((a, b) => b[1] - a[1])[0];
  lines.push(
    row([w.intent, w.expected, String(w.rows), pct(w.right, w.rows), pct(w.wrong, w.rows), pct(w.handoff, w.rows), top ? `${top[0]} (${top[1]})` : '—'], W2),
  );
}
console.log(lines.join('\n'));
