/**
 * The evaluation must measure understanding, not memory: no example question or title in the
 * demo knowledge base may be an evaluation utterance (compared after light normalisation).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import matter from 'gray-matter';
import { describe, expect, it } from 'vitest';

const EVAL_DIR = '../shared/eval-data';
const normalise = (text: string) =>
  text
    .toLowerCase()
    .replace(/\{\{[^}]*\}\}/g, ' ')
    .replace(/[^a-z0-9\u4e00-\u9fff ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

describe.skipIf(!existsSync(EVAL_DIR))('demo knowledge base vs evaluation data', () => {
  it('shares no utterance with the evaluation files', () => {
    const evalTexts = new Set<string>();
    for (const file of readdirSync(EVAL_DIR).filter((name) => name.endsWith('.jsonl'))) {
      for (const line of readFileSync(`${EVAL_DIR}/${file}`, 'utf8').split('\n')) {
        if (line.trim()) evalTexts.add(normalise((JSON.parse(line) as { text: string }).text));
      }
    }
    expect(evalTexts.size).toBeGreaterThan(30_000);
    const overlaps: string[] = [];
    let checked = 0;
    for (const locale of ['en', 'zh']) {
      const dir = `knowledge-base/sites/demo/${locale}`;
      for (const file of readdirSync(dir)) {
        const { data } = matter(readFileSync(`${dir}/${file}`, 'utf8'));
        for (const phrase of [data.title as string, ...((data.questions as string[] | undefined) ?? [])]) {
          checked += 1;
          if (evalTexts.has(normalise(phrase))) overlaps.push(`${locale}/${file}: ${phrase}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
    expect(overlaps).toEqual([]);
  });
});
