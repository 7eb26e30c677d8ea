/** The example sites' knowledge, built from knowledge-base/sites as `npm run kb:build` does: one copy for the bot's unit tests. */
import { fileURLToPath } from 'node:url';
import { buildKnowledgeBase } from '../../../knowledge-base/build/compile.ts';

export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

/** The build parses every article: past vitest's default 10 s on a busy 2-core machine. */
export const BUILD_TIMEOUT_MS = 60_000;

export function buildExampleSites(): ReturnType<typeof buildKnowledgeBase> {
  return buildKnowledgeBase(`${repoRoot}/knowledge-base/sites`, repoRoot);
}
