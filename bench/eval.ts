/**
 * npm run eval [-- --json] [-- --tune]
 *
 * Answer-quality evaluation over ../shared/eval-data (resolved from the repo root) with
 * intent-map.json, on the demo knowledge base (built in memory by the same build code that
 * writes knowledge-base/dist), side by side:
 *   (a) plain Lunr, default settings, fields title + body + questions, top hit = answer
 *   (b) MiniSearch, default settings, same fields, top hit = answer
 *   (c) kefu: decide() through the batch interface's mapping (bench/bot-batch.ts)
 * {{placeholders}} are stripped for all three the same way (replaced by a space).
 *
 * --tune grid-searches kefu's thresholds on the dev data only (Bitext intent-detection
 * train+dev splits, CLINC oos train+val) and prints the best settings.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import lunr from 'lunr';
import MiniSearch from 'minisearch';
import { buildKnowledgeBase } from '../knowledge-base/build/compile.ts';
import { confidenceFeatures, featureVector, rankingVerdict } from '../worker/bot/decide.ts';
import { type BotOptions, botOptions, type Decision, decide, loadKnowledge, type SiteKnowledge, type Thresholds } from '../worker/bot/index.ts';
import { type BatchOutput, toBatchOutput } from './bot-batch.ts';

const repoRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));
const dataDir = resolve(repoRoot, '../shared/eval-data');
const JSON_OUT = process.argv.includes('--json');
const TUNE = process.argv.includes('--tune');
const FIT = process.argv.includes('--fit');
const HAND_MIN = Number(process.env.HAND_MIN ?? 0.95);
// ablation: --no-typo switches typo correction off
const options: BotOptions = botOptions(process.argv.includes('--no-typo') ? { params: { typoMinLen: 1000 } } : {});

interface Row {
  text: string;
  expected: string; // article id, '@handoff' or '@none'
  intent: string;
  split?: string;
}

function readJsonl(file: string): Array<Record<string, string>> {
  return readFileSync(join(dataDir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, string>);
}

const stripPlaceholders = (s: string) => s.replace(/\{\{[^}]*\}\}/g, ' ');

// ---------------------------------------------------------------------------------------

if (!existsSync(dataDir)) {
  console.error(`eval data not found at ${dataDir}`);
  process.exit(1);
}
const intentMap = JSON.parse(readFileSync(join(dataDir, 'intent-map.json'), 'utf8')) as { bitext: Record<string, string> };
const mapIntent = (i: string) => intentMap.bitext[i] ?? '@none';

const CLINC_INSCOPE_MAP: Record<string, string> = { order_status: 'track-order' };

const datasets: Record<string, Row[]> = {
  bitext: readJsonl('bitext.jsonl').map((r) => ({ text: r.text!, intent: r.intent!, expected: mapIntent(r.intent!) })),
  bitext_id: readJsonl('bitext_intent_detection.jsonl').map((r) => ({ text: r.text!, intent: r.intent!, expected: mapIntent(r.intent!), split: r.split })),
  clinc_oos: readJsonl('clinc_oos.jsonl').map((r) => ({ text: r.text!, intent: 'oos', expected: '@none', split: r.split })),
  clinc_inscope: readJsonl('clinc_inscope_sample.jsonl').map((r) => ({ text: r.text!, intent: r.intent!, expected: CLINC_INSCOPE_MAP[r.intent!] ?? '@none' })),
};

const build = buildKnowledgeBase(join(repoRoot, 'knowledge-base/sites'), repoRoot);
if (build.errors.length) {
  console.error('knowledge base has errors; run npm run kb:build');
  process.exit(1);
}
const demo = build.sites.demo!;
const enSources = demo.sources.en ?? [];
const kb: SiteKnowledge = { site: 'demo', defaultLocale: 'en', locales: {} };
for (const [loc, c] of Object.entries(demo.locales)) if (c && c.articles.length) kb.locales[loc as 'en' | 'zh'] = loadKnowledge(c);

// (a) plain Lunr defaults
const lunrIdx = lunr(function () {
  this.ref('id');
  this.field('title');
  this.field('body');
  this.field('questions');
  for (const a of enSources) this.add({ id: a.id, title: a.title, body: a.bodyText, questions: a.questions.join('\n') });
});
function lunrDecide(text: string): BatchOutput {
  const q = stripPlaceholders(text)
    .replace(/[:^~*+\-]/g, ' ')
    .trim();
  let res: lunr.Index.Result[] = [];
  try {
    res = q ? lunrIdx.search(q) : [];
  } catch {
    res = [];
  }
  return res.length ? { action: 'answer', articleId: res[0]!.ref } : { action: 'handoff', reason: 'no_result' };
}

// (b) MiniSearch defaults
const mini = new MiniSearch<{ id: string; title: string; body: string; questions: string }>({ fields: ['title', 'body', 'questions'] });
mini.addAll(enSources.map((a) => ({ id: a.id, title: a.title, body: a.bodyText, questions: a.questions.join('\n') })));
function miniDecide(text: string): BatchOutput {
  const res = mini.search(stripPlaceholders(text));
  return res.length ? { action: 'answer', articleId: String(res[0]!.id) } : { action: 'handoff', reason: 'no_result' };
}

// (c) kefu
interface KefuRow {
  out: BatchOutput;
  d: Decision;
}
function kefuDecide(text: string, opts: BotOptions = options): KefuRow {
  const d = decide(stripPlaceholders(text), { kb, locale: 'en' }, opts);
  return { out: toBatchOutput(d), d };
}

/**
 * Whether the ranking thresholds made this decision (rather than a rule that comes first:
 * asking for a person, anger, complaint, smalltalk, "that didn't help"). Only these rows can
 * teach the confidence model or move with the thresholds.
 */
function decidedByRanking(d: Decision): boolean {
  if (d.scores.top.length === 0) return false;
  if (d.action === 'answer') return true;
  if (d.action === 'suggest') return !d.reason.startsWith('not_helpful');
  return d.action === 'handoff' && (d.reason === 'low_confidence' || d.reason === 'out_of_scope');
}

// ---------------------------------------------------------------------------------------
// metrics

interface Metrics {
  rows: number;
  articleRows: number;
  handoffRows: number;
  answers: number;
  right: number;
  rightOrSuggested: number;
  wrong: number;
  handoffHit: number;
  answeredNone: number;
  suggested: number;
}

function emptyMetrics(): Metrics {
  return { rows: 0, articleRows: 0, handoffRows: 0, answers: 0, right: 0, rightOrSuggested: 0, wrong: 0, handoffHit: 0, answeredNone: 0, suggested: 0 };
}

function score(m: Metrics, row: Row, out: BatchOutput): void {
  m.rows++;
  const isArticle = !row.expected.startsWith('@');
  if (isArticle) m.articleRows++;
  if (row.expected === '@handoff') m.handoffRows++;
  if (out.action === 'answer') {
    m.answers++;
    if (out.articleId === row.expected) m.right++;
    else m.wrong++;
    if (row.expected === '@none') m.answeredNone++;
  }
  if (isArticle && ((out.articleId === row.expected && out.action === 'answer') || (out.action === 'suggest' && out.suggestions?.includes(row.expected))))
    m.rightOrSuggested++;
  if (row.expected === '@handoff' && out.action === 'handoff') m.handoffHit++;
  if (out.action === 'suggest') m.suggested++;
}

/** The batch output decide() would have given with other thresholds, from its ranking. */
function verdictOutput(d: Decision, thresholds: Thresholds): BatchOutput {
  const v = rankingVerdict(d.scores, thresholds);
  if (v.action === 'answer') return { action: 'answer', articleId: d.scores.top[0]!.articleId };
  if (v.action === 'suggest') return { action: 'suggest', suggestions: v.articleIds };
  return { action: 'handoff', reason: v.reason };
}

const pct = (n: number, d: number) => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`);

const systems = ['lunr', 'minisearch', 'kefu'] as const;
type System = (typeof systems)[number];
const results: Record<string, Record<System, Metrics>> = {};
const perIntent = new Map<string, { rows: number; right: number; wrong: number; handoff: number; confusions: Map<string, number> }>();

const started = performance.now();
for (const [name, rows] of Object.entries(TUNE || FIT ? {} : datasets)) {
  const r = (results[name] = { lunr: emptyMetrics(), minisearch: emptyMetrics(), kefu: emptyMetrics() });
  for (const row of rows) {
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
  }
}
const elapsed = (performance.now() - started) / 1000;

// ---------------------------------------------------------------------------------------
// tuning (dev data only)

if (FIT) {
  // Fit the confidence model: logistic regression, features from decide()'s scores, on the
  // train splits only (Bitext intent-detection train, CLINC oos train). Label: answering with
  // the top article would be right. Rows decided by rules (handoff/smalltalk) are skipped.
  const handMade = botOptions({ model: null }, options);
  const fitRows = [...datasets.bitext_id!.filter((r) => r.split === 'train'), ...datasets.clinc_oos!.filter((r) => r.split === 'train')];
  const X: number[][] = [];
  const Y: number[] = [];
  for (const row of fitRows) {
    const { d } = kefuDecide(row.text, handMade);
    if (!decidedByRanking(d)) continue;
    X.push(featureVector(confidenceFeatures(d.scores)));
    Y.push(d.scores.top[0]!.articleId === row.expected ? 1 : 0);
  }
  const dim = X[0]!.length;
  const w = new Array<number>(dim).fill(0);
  let b = 0;
  const lr = 0.5;
  const l2 = 1e-4;
  for (let it = 0; it < 4000; it++) {
    const gw = new Array<number>(dim).fill(0);
    let gb = 0;
    for (let i = 0; i < X.length; i++) {
      let z = b;
      for (let j = 0; j < dim; j++) z += w[j]! * X[i]![j]!;
      const p = 1 / (1 + Math.exp(-z));
      const e = p - Y[i]!;
      for (let j = 0; j < dim; j++) gw[j]! += e * X[i]![j]!;
      gb += e;
    }
    for (let j = 0; j < dim; j++) w[j] = w[j]! - lr * (gw[j]! / X.length + l2 * w[j]!);
    b -= (lr * gb) / X.length;
  }
  const pos = Y.filter((y) => y === 1).length;
  console.log(`fitted on ${X.length} rows (${pos} where the top article is right)`);
  console.log(JSON.stringify({ weights: w.map((x) => +x.toFixed(4)), bias: +b.toFixed(4) }));
  process.exit(0);
}

if (TUNE) {
  const devRows = [
    // the confidence model is fitted on the train splits (--fit); thresholds are chosen here on
    // the dev/val splits it has not seen
    ...datasets.bitext_id!.filter((r) => r.split === 'dev').map((row) => ({ row, set: 'bitext_id' })),
    ...datasets.clinc_oos!.filter((r) => r.split === 'val').map((row) => ({ row, set: 'clinc_oos' })),
  ];
  type Found = { params: string; th: string; right: number; prec: number; oos: number; ros: number; hand: number };
  const found: Found[] = [];
  const grid = (process.env.TUNE_GRID ?? 'full') === 'full';
  const { params } = options;
  const sims = grid ? [0.4, 0.6, 0.8] : [params.simWeight];
  const unks = grid ? [1, 1.5, 2, 3] : [params.unknownWeight];
  const covs = grid ? [0.3, 0.5, 0.7] : [params.covWeight];
  const mws = grid ? [0.5, 0.8] : [params.marginWeight];
  const pws = process.env.PHRASE_WEIGHTS ? process.env.PHRASE_WEIGHTS.split(',').map(Number) : [params.phraseWeight];
  for (const phraseWeight of pws)
    for (const simWeight of sims)
      for (const unknownWeight of unks)
        for (const covWeight of covs)
          for (const marginWeight of mws) {
            const tried = botOptions({ params: { simWeight, unknownWeight, covWeight, marginWeight, phraseWeight } }, options);
            const ds = devRows.map(({ row, set }) => ({ row, set, d: kefuDecide(row.text, tried).d }));
            for (let A = 0.2; A <= 0.99; A += 0.01)
              for (const MIN_COV of [0.3, 0.4, 0.5, 0.6, 0.7, 0.8])
                for (const S of [0.1, 0.2, 0.3, 0.4, 0.5]) {
                  const m = { bitext: emptyMetrics(), oos: emptyMetrics() };
                  const thresholds = { ...tried.thresholds, ANSWER: A, MIN_COVERAGE_ANSWER: MIN_COV, SUGGEST: S };
                  for (const { row, set, d } of ds) {
                    // The decision's scores are rounded to 3 decimals; the rules are decide()'s own.
                    score(set === 'bitext_id' ? m.bitext : m.oos, row, decidedByRanking(d) ? verdictOutput(d, thresholds) : toBatchOutput(d));
                  }
                  found.push({
                    params: JSON.stringify({ phraseWeight, simWeight, unknownWeight, covWeight, marginWeight }),
                    th: JSON.stringify({ ANSWER: +A.toFixed(3), MIN_COV, SUGGEST: S }),
                    right: m.bitext.right / m.bitext.articleRows,
                    prec: m.bitext.right / Math.max(1, m.bitext.answers),
                    oos: m.oos.answers / m.oos.rows,
                    ros: m.bitext.rightOrSuggested / m.bitext.articleRows,
                    hand: m.bitext.handoffHit / m.bitext.handoffRows,
                  });
                }
          }
  const fmt = (f: Found) =>
    `${f.params} ${f.th} right ${(100 * f.right).toFixed(1)} prec ${(100 * f.prec).toFixed(1)} oos ${(100 * f.oos).toFixed(1)} r|s ${(100 * f.ros).toFixed(1)} hand ${(100 * f.hand).toFixed(1)}`;
  console.log(`tuning on ${devRows.length} dev rows`);
  if (process.env.SHOW_ANSWER) {
    for (const f of found.filter((x) => x.th.includes(`"ANSWER":${process.env.SHOW_ANSWER},`))) console.log('  ' + fmt(f));
  }
  for (const minPrec of [0.97, 0.95, 0.9]) {
    const ok = found.filter((f) => f.prec >= minPrec && f.oos <= 0.05 && f.hand >= HAND_MIN).sort((a, b) => b.right - a.right || b.ros - a.ros);
    console.log(`best with precision ≥ ${minPrec * 100}%, OOS false answers ≤ 5%, handoff recall ≥ 95%:`);
    for (const f of ok.slice(0, 5)) console.log('  ' + fmt(f));
  }
  process.exit(0);
}

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
  console.log(JSON.stringify({ elapsedSeconds: elapsed, results, worst: worst.map((w) => ({ ...w, confusions: Object.fromEntries(w.confusions) })) }, null, 2));
  process.exit(0);
}

const lines: string[] = [];
const row = (cells: string[], widths: number[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ') + ' |';
const W = [44, 10, 10, 10];
const header = () => {
  lines.push(row(['metric', 'lunr', 'minisearch', 'kefu'], W));
  lines.push('|' + W.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
};
const metricRows = (label: string, m: Record<System, Metrics>) => {
  lines.push(row([`**${label}**`, '', '', ''], W));
  lines.push(row(['answered right (of article rows)', ...systems.map((s) => pct(m[s].right, m[s].articleRows))], W));
  lines.push(row(['precision of answers', ...systems.map((s) => pct(m[s].right, m[s].answers))], W));
  lines.push(row(['right-or-suggested (of article rows)', ...systems.map((s) => pct(m[s].rightOrSuggested, m[s].articleRows))], W));
  lines.push(row(['wrong answers (of all rows)', ...systems.map((s) => pct(m[s].wrong, m[s].rows))], W));
  lines.push(row(['handoff recall (@handoff rows)', ...systems.map((s) => pct(m[s].handoffHit, m[s].handoffRows))], W));
};

const ds = Object.fromEntries(Object.entries(datasets).map(([k, v]) => [k, v.length]));
lines.push(`kefu eval — demo KB (en: ${enSources.length} articles), ${Object.values(ds).reduce((a, b) => a + b, 0)} rows in ${elapsed.toFixed(1)} s`);
lines.push('');
header();
metricRows(`Bitext 27K (${ds.bitext} rows)`, results.bitext!);
metricRows(`Bitext intent-detection, all splits (${ds.bitext_id} rows)`, results.bitext_id!);
lines.push(row([`**CLINC out-of-scope (${ds.clinc_oos} rows)**`, '', '', ''], W));
lines.push(row(['false answers (target ≤ 5%)', ...systems.map((s) => pct(results.clinc_oos![s].answers, results.clinc_oos![s].rows))], W));
// Not an answer, but not a handoff either: the shopper is offered article chips (and can
// still ask for a person). Plain Lunr and minisearch never suggest.
lines.push(row(['offered article chips instead', ...systems.map((s) => pct(results.clinc_oos![s].suggested, results.clinc_oos![s].rows))], W));
lines.push(row([`**CLINC in-scope sample (${ds.clinc_inscope} rows)**`, '', '', ''], W));
lines.push(row(['answered at all (mostly bank intents)', ...systems.map((s) => pct(results.clinc_inscope![s].answers, results.clinc_inscope![s].rows))], W));
lines.push(
  row(['order_status → track-order answered right', ...systems.map((s) => pct(results.clinc_inscope![s].right, results.clinc_inscope![s].articleRows))], W),
);
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
