/**
 * npm run --silent bot:batch < questions.jsonl
 *
 * Input lines: {"text": "...", "locale"?: "en"|"zh"} (locale is the page locale hint; the
 * message's own language wins). Output: one JSON decision per line, from the same decide()
 * and the demo knowledge base compiled from knowledge-base/sites/demo with the same build code
 * (worker/catalog) the Worker runs when a site is published:
 *
 *   {"action":"answer","articleId":"track-order","confidence":0.83,"reason":"..."}
 *   {"action":"suggest","suggestions":["refund-policy","request-refund"],"reason":"..."}
 *   {"action":"handoff","reason":"requested_human"}
 *
 * Smalltalk (greetings, thanks, goodbyes) is not an article, so it is printed as
 * {"action":"answer","articleId":"@smalltalk:<kind>","confidence":1,"reason":"smalltalk"}: the
 * bot does answer, with a fixed phrase; evaluation counts it as an answer (never the right one
 * for a shop question, so it costs precision if it misfires). A line that is not valid JSON
 * prints {"action":"handoff","reason":"bad_input"} so output lines stay aligned with input.
 */
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildKnowledgeBase, formatError } from '../knowledge-base/build/compile.ts';
import { type Decision, decide, type Locale, loadKnowledge, type SiteKnowledge } from '../worker/bot/index.ts';

export interface BatchOutput {
  action: 'answer' | 'suggest' | 'handoff';
  articleId?: string;
  suggestions?: string[];
  confidence?: number;
  reason?: string;
}

export function loadDemoKnowledge(site = 'demo'): SiteKnowledge {
  const sitesDir = fileURLToPath(new URL('../knowledge-base/sites', import.meta.url));
  const build = buildKnowledgeBase(sitesDir);
  if (build.errors.length) throw new Error(build.errors.map(formatError).join('\n'));
  const compiled = build.sites[site];
  if (!compiled) throw new Error(`no site "${site}" under knowledge-base/sites`);
  const locales: SiteKnowledge['locales'] = {};
  for (const loc of ['en', 'zh'] as const) {
    const knowledge = compiled.locales[loc];
    if (knowledge && knowledge.articles.length > 0) locales[loc] = loadKnowledge(knowledge);
  }
  return { site, defaultLocale: 'en', locales };
}

export function toBatchOutput(d: Decision): BatchOutput {
  switch (d.action) {
    case 'answer':
      return { action: 'answer', articleId: d.articleId, confidence: d.confidence, reason: d.reason };
    case 'suggest':
      return { action: 'suggest', suggestions: d.articleIds, confidence: d.scores.confidence, reason: d.reason };
    case 'handoff':
      return { action: 'handoff', confidence: d.scores.confidence, reason: d.reason };
    case 'smalltalk':
      return { action: 'answer', articleId: `@smalltalk:${d.kind}`, confidence: 1, reason: 'smalltalk' };
  }
}

export function batchDecision(kb: SiteKnowledge, input: { text: string; locale?: string }): BatchOutput {
  const locale: Locale | undefined = input.locale === 'zh' || input.locale === 'en' ? input.locale : undefined;
  return toBatchOutput(decide(String(input.text ?? ''), { kb, locale }));
}

async function main(): Promise<void> {
  const kb = loadDemoKnowledge();
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  const out: string[] = [];
  for await (const line of rl) {
    if (!line.trim()) continue;
    let input: { text: string; locale?: string };
    try {
      input = JSON.parse(line) as { text: string; locale?: string };
    } catch {
      out.push(JSON.stringify({ action: 'handoff', reason: 'bad_input' }));
      continue;
    }
    out.push(JSON.stringify(batchDecision(kb, input)));
    if (out.length >= 1000) {
      process.stdout.write(out.join('\n') + '\n');
      out.length = 0;
    }
  }
  if (out.length) process.stdout.write(out.join('\n') + '\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
