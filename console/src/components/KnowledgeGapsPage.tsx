/**
 * Knowledge gaps, for every agent: the questions the bot could not answer (it was unsure, or the
 * shopper said the answer did not help), most asked first, so the team knows which articles to write.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { fetchKnowledgeGaps, type KnowledgeGap } from '../api.ts';
import { dateTime, gapReasonLabel, isoTime, localeName, relativeTime } from '../format.ts';
import { useNow } from '../hooks.ts';

type Load = { phase: 'loading'; previous: KnowledgeGap[] | null } | { phase: 'error'; message: string } | { phase: 'ready'; gaps: KnowledgeGap[] };

export function KnowledgeGapsPage() {
  const [load, setLoad] = useState<Load>({ phase: 'loading', previous: null });
  const mainRef = useRef<HTMLElement>(null);
  const active = useRef(true);
  const now = useNow(30_000);

  const refresh = useCallback(() => {
    setLoad((current) => ({ phase: 'loading', previous: current.phase === 'ready' ? current.gaps : current.phase === 'loading' ? current.previous : null }));
    fetchKnowledgeGaps().then(
      (gaps) => active.current && setLoad({ phase: 'ready', gaps }),
      (error: unknown) => active.current && setLoad({ phase: 'error', message: error instanceof Error ? error.message : String(error) }),
    );
  }, []);

  useEffect(() => {
    active.current = true;
    refresh();
    return () => {
      active.current = false;
    };
  }, [refresh]);
  useEffect(() => mainRef.current?.focus(), []);

  const gaps = load.phase === 'ready' ? load.gaps : load.phase === 'loading' ? load.previous : null;

  return (
    <main id="main-content" ref={mainRef} class="page" tabIndex={-1} aria-labelledby="gaps-title" aria-busy={load.phase === 'loading'} data-testid="knowledge-gaps-page">
      <header class="page-head row">
        <div class="page-head-text">
          <h1 id="gaps-title" class="page-title">
            Knowledge gaps
          </h1>
          <p class="muted">Questions the bot could not answer, most asked first. Each one is a candidate for a new or better help article.</p>
        </div>
        <button type="button" class="button small" data-testid="gaps-refresh" disabled={load.phase === 'loading'} onClick={refresh}>
          {load.phase === 'loading' ? 'Refreshing…' : 'Refresh'}
        </button>
      </header>

      {load.phase === 'loading' && !gaps && (
        <p class="muted" role="status">
          Loading…
        </p>
      )}
      {load.phase === 'error' && (
        <p class="form-error" role="alert" data-testid="gaps-error">
          {load.message}
        </p>
      )}
      {gaps && gaps.length === 0 && (
        <div class="page-empty" data-testid="gaps-empty">
          <p>
            <strong>No knowledge gaps yet.</strong>
          </p>
          <p class="muted">When the bot is unsure of an answer, or a shopper marks an answer as not helpful, the question shows up here.</p>
        </div>
      )}
      {gaps && gaps.length > 0 && (
        <section class="page-section" aria-labelledby="gaps-table-title">
          <h2 id="gaps-table-title" class="page-section-title">
            Questions the bot could not answer
          </h2>
          <table class="settings-table gaps-table" data-testid="gaps-table">
            <thead>
              <tr>
                <th scope="col">Question</th>
                <th scope="col" class="numeric">
                  Times asked
                </th>
                <th scope="col">Language</th>
                <th scope="col">Reason</th>
                <th scope="col">Last asked</th>
              </tr>
            </thead>
            <tbody>
              {gaps.map((gap) => (
                <tr key={`${gap.locale}:${gap.question}`} data-testid="gap-row" data-reason={gap.reason}>
                  <td lang={gap.locale || undefined} class="gap-question" data-testid="gap-question">
                    {gap.question}
                  </td>
                  <td class="numeric" data-testid="gap-count">
                    {gap.count}
                  </td>
                  <td>{localeName(gap.locale)}</td>
                  <td data-testid="gap-reason">{gapReasonLabel(gap.reason)}</td>
                  <td class="nowrap">
                    {gap.lastAsked > 0 ? (
                      <time dateTime={isoTime(gap.lastAsked)} title={dateTime(gap.lastAsked)}>
                        {relativeTime(gap.lastAsked, now)}
                      </time>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </main>
  );
}
