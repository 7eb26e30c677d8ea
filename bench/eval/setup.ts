/** The evaluation's data, the three systems it compares, and its metrics: shared by the report (bench/eval.ts) and the dev modes (dev.ts). */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import lunr from 'lunr';
import MiniSearch from 'minisearch';
import { buildKnowledgeBase } from '../../knowledge-base/build/compile.ts';
import { rankingVerdict } from '../../worker/bot/decide.ts';
import {
  type BotOptions,
  botOptions,
  type ConfidenceModel,
  type Decision,
  decide,
  loadKnowledge,
  type SiteKnowledge,
  type Thresholds,
} from '../../worker/bot/index.ts';
import { type BatchOutput, toBatchOutput } from '../bot-batch.ts';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const dataDir = resolve(repoRoot, '../shared/eval-data');
export const JSON_OUT = process.argv.includes('--json');
export const TUNE = process.argv.includes('--tune');
export const FIT = process.argv.includes('--fit');
export const TUNE_BAND = process.argv.includes('--tune-band');
export const NOISY = process.argv.includes('--noisy');
export const DEV_NOISY = process.argv.includes('--dev-noisy');
export const NOISE_SEED = Number(process.env.NOISE_SEED ?? 12);
/** The seed of the noisy copy --fit and --tune-band read (dev data only): never the report's. */
export const FIT_NOISE_SEED = Number(process.env.FIT_NOISE_SEED ?? 1012);
export const HAND_MIN = Number(process.env.HAND_MIN ?? 0.95);
// ablation: --no-typo switches typo correction off; MODEL and THRESHOLDS (JSON) try another
// confidence model or thresholds (dev modes: --fit prints a model, --tune-band thresholds)
export const options: BotOptions = botOptions({
  ...(process.env.MODEL ? { model: JSON.parse(process.env.MODEL) as ConfidenceModel } : {}),
  params: process.argv.includes('--no-typo') ? { typoMinLen: 1000 } : {},
  thresholds: process.env.THRESHOLDS ? (JSON.parse(process.env.THRESHOLDS) as Partial<Thresholds>) : {},
});

export interface Row {
  text: string;
  expected: string; // article id, '@handoff' or '@none'
  intent: string;
  split?: string;
}

export function readJsonl(file: string): Array<Record<string, string>> {
  return readFileSync(join(dataDir, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, string>);
}

export const stripPlaceholders = (s: string) => s.replace(/\{\{[^}]*\}\}/g, ' ');

// ---------------------------------------------------------------------------------------

if (!existsSync(dataDir)) {
  console.error(`eval data not found at ${dataDir}`);
  process.exit(1);
}
export const intentMap = JSON.parse(readFileSync(join(dataDir, 'intent-map.json'), 'utf8')) as { bitext: Record<string, string> };
export const mapIntent = (i: string) => intentMap.bitext[i] ?? '@none';

export const CLINC_INSCOPE_MAP: Record<string, string> = { order_status: 'track-order' };

export const datasets: Record<string, Row[]> = {
  bitext: readJsonl('bitext.jsonl').map((r) => ({ text: r.text!, intent: r.intent!, expected: mapIntent(r.intent!) })),
  bitext_id: readJsonl('bitext_intent_detection.jsonl').map((r) => ({ text: r.text!, intent: r.intent!, expected: mapIntent(r.intent!), split: r.split })),
  clinc_oos: readJsonl('clinc_oos.jsonl').map((r) => ({ text: r.text!, intent: 'oos', expected: '@none', split: r.split })),
  clinc_inscope: readJsonl('clinc_inscope_sample.jsonl').map((r) => ({ text: r.text!, intent: r.intent!, expected: CLINC_INSCOPE_MAP[r.intent!] ?? '@none' })),
};

export const build = buildKnowledgeBase(join(repoRoot, 'knowledge-base/sites'), repoRoot);
if (build.errors.length) {
  console.error('knowledge base has errors; run npm run kb:build');
  process.exit(1);
}
export const demo = build.sites.demo!;
export const enSources = demo.sources.en ?? [];
export const kb: SiteKnowledge = { site: 'demo', defaultLocale: 'en', locales: {} };
for (const [loc, c] of Object.entries(demo.locales)) if (c && c.articles.length) kb.locales[loc as 'en' | 'zh'] = loadKnowledge(c);

// (a) plain Lunr defaults
export const lunrIdx = lunr(function () {
  this.ref('id');
  this.field('title');
  this.field('body');
  this.field('questions');
  for (const a of enSources) this.add({ id: a.id, title: a.title, body: a.bodyText, questions: a.questions.join('\n') });
});
export function lunrDecide(text: string): BatchOutput {
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
export const mini = new MiniSearch<{ id: string; title: string; body: string; questions: string }>({ fields: ['title', 'body', 'questions'] });
mini.addAll(enSources.map((a) => ({ id: a.id, title: a.title, body: a.bodyText, questions: a.questions.join('\n') })));
export function miniDecide(text: string): BatchOutput {
  const res = mini.search(stripPlaceholders(text));
  return res.length ? { action: 'answer', articleId: String(res[0]!.id) } : { action: 'handoff', reason: 'no_result' };
}

// (c) kefu
export interface KefuRow {
  out: BatchOutput & { band?: boolean };
  d: Decision;
}
export function kefuDecide(text: string, opts: BotOptions = options): KefuRow {
  const d = decide(stripPlaceholders(text), { kb, locale: 'en' }, opts);
  return { out: { ...toBatchOutput(d), band: d.action === 'answer' && d.reason.startsWith('probably') }, d };
}

/**
 * Whether the ranking thresholds made this decision (rather than a rule that comes first:
 * asking for a person, anger, complaint, smalltalk, "that didn't help"). Only these rows can
 * teach the confidence model or move with the thresholds.
 */
export function decidedByRanking(d: Decision): boolean {
  if (d.scores.top.length === 0) return false;
  if (d.action === 'answer') return true;
  if (d.action === 'suggest') return !d.reason.startsWith('not_helpful');
  return d.action === 'handoff' && (d.reason === 'low_confidence' || d.reason === 'out_of_scope');
}

// ---------------------------------------------------------------------------------------
// metrics

export interface Metrics {
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
  /** answers given in the "probably" band (with "Not quite? …" chips), and how many were right */
  band: number;
  bandRight: number;
}

export function emptyMetrics(): Metrics {
  return {
    rows: 0,
    articleRows: 0,
    handoffRows: 0,
    answers: 0,
    right: 0,
    rightOrSuggested: 0,
    wrong: 0,
    handoffHit: 0,
    answeredNone: 0,
    suggested: 0,
    band: 0,
    bandRight: 0,
  };
}

export function score(m: Metrics, row: Row, out: BatchOutput & { band?: boolean }): void {
  m.rows++;
  if (out.band && out.action === 'answer') {
    m.band++;
    if (out.articleId === row.expected) m.bandRight++;
  }
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
export function verdictOutput(d: Decision, thresholds: Thresholds): BatchOutput & { band?: boolean } {
  const v = rankingVerdict(d.scores, thresholds);
  if (v.action === 'answer') return { action: 'answer', articleId: d.scores.top[0]!.articleId, band: v.rule === 'probably' };
  if (v.action === 'suggest') return { action: 'suggest', suggestions: v.articleIds };
  return { action: 'handoff', reason: v.reason };
}

export const pct = (n: number, d: number) => (d === 0 ? '—' : `${((100 * n) / d).toFixed(1)}%`);

export const systems = ['lunr', 'minisearch', 'kefu'] as const;
export type System = (typeof systems)[number];
export const results: Record<string, Record<System, Metrics>> = {};
export const noisyResults: Record<string, Record<System, Metrics>> = {};
export const perIntent = new Map<string, { rows: number; right: number; wrong: number; handoff: number; confusions: Map<string, number> }>();
