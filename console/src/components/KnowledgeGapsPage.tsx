/**
 * Knowledge gaps, for every agent: the questions the bot could not answer (it was unsure, or the
 * shopper said the answer did not help), most asked first. Admins act on each one: add it as an
 * example question to an article (the picker starts with the bot's own best guesses; the article
 * is published with it), or start a new article from it. Below, the phrasings shoppers taught
 * the bot by clicking a suggestion, which admins accept or reject with one click.
 */
import { useCallback, useEffect, useId, useRef, useState } from 'preact/hooks';
import type { AgentProfile } from '../../../protocol/agent.ts';
import type { ArticleSummary, KnowledgeGap, PhrasingProposal } from '../../../protocol/site-admin.ts';
import { addGapQuestion, decidePhrasingProposal, featureError, fetchArticles, fetchKnowledgeGaps, fetchPhrasingProposals } from '../api.ts';
import { confidence, dateTime, gapReasonLabel, isoTime, localeName, relativeTime } from '../format.ts';
import { useNow } from '../hooks.ts';
import type { ArticleTarget } from './ArticleEditor.tsx';
import { Modal } from './Modal.tsx';

type Load = { phase: 'loading'; previous: KnowledgeGap[] | null } | { phase: 'error'; message: string } | { phase: 'ready'; gaps: KnowledgeGap[] };

interface KnowledgeGapsPageProps {
  me: AgentProfile;
  toast: (text: string, tone?: 'info' | 'error') => void;
  onNewArticle: (target: ArticleTarget) => void;
}

export function KnowledgeGapsPage({ me, toast, onNewArticle }: KnowledgeGapsPageProps) {
  const canEdit = me.role === 'admin';
  const [load, setLoad] = useState<Load>({ phase: 'loading', previous: null });
  const [adding, setAdding] = useState<KnowledgeGap | null>(null);
  // Refresh reloads the learned phrasings too.
  const [proposalsRound, setProposalsRound] = useState(0);
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
    <main
      id="main-content"
      ref={mainRef}
      class="page"
      tabIndex={-1}
      aria-labelledby="gaps-title"
      aria-busy={load.phase === 'loading'}
      data-testid="knowledge-gaps-page"
    >
      <header class="page-head row">
        <div class="page-head-text">
          <h1 id="gaps-title" class="page-title">
            Knowledge gaps
          </h1>
          <p class="muted">Questions the bot could not answer, most asked first. Each one is a candidate for a new or better help article.</p>
        </div>
        <button
          type="button"
          class="button small"
          data-testid="gaps-refresh"
          disabled={load.phase === 'loading'}
          onClick={() => {
            refresh();
            setProposalsRound((round) => round + 1);
          }}
        >
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
                {canEdit && <th scope="col">Fix it</th>}
              </tr>
            </thead>
            <tbody>
              {gaps.map((gap, index) => (
                <tr key={`${gap.locale}:${gap.question}`} data-testid="gap-row" data-reason={gap.reason} data-gap-id={gap.id}>
                  <td id={`gap-${index}`} lang={gap.locale || undefined} class="gap-question" data-testid="gap-question">
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
                  {canEdit && (
                    <td>
                      <div class="gap-actions">
                        <button
                          type="button"
                          class="button small"
                          data-testid="gap-add-question"
                          disabled={!gap.id}
                          title={gap.id ? undefined : 'This server cannot add questions from gaps yet.'}
                          aria-describedby={`gap-${index}`}
                          onClick={() => setAdding(gap)}
                        >
                          Add to an article…
                        </button>
                        <button
                          type="button"
                          class="button small ghost"
                          data-testid="gap-new-article"
                          aria-describedby={`gap-${index}`}
                          onClick={() => onNewArticle({ kind: 'new', locale: gap.locale, question: gap.question })}
                        >
                          New article
                        </button>
                      </div>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <Proposals canEdit={canEdit} toast={toast} round={proposalsRound} />

      {adding && (
        <AddQuestionDialog
          gap={adding}
          onClose={() => setAdding(null)}
          onAdded={(title) => {
            setAdding(null);
            toast(`Added to “${title}” and published. The bot answers this question with it now.`);
            refresh();
          }}
        />
      )}
    </main>
  );
}

interface AddQuestionDialogProps {
  gap: KnowledgeGap;
  onClose: () => void;
  onAdded: (articleTitle: string) => void;
}

/** The article picker: the bot's suggestions first (preselected), then every article in the gap's language. */
function AddQuestionDialog({ gap, onClose, onAdded }: AddQuestionDialogProps) {
  const ids = useId();
  const [chosen, setChosen] = useState(gap.suggestions[0]?.id ?? '');
  const [others, setOthers] = useState<ArticleSummary[] | null>(null);
  const [othersError, setOthersError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    fetchArticles({ locale: gap.locale }).then(
      (result) => live && setOthers(result.articles.filter((article) => article.locale === gap.locale)),
      (caught: unknown) => live && setOthersError(featureError(caught, 'The article list')),
    );
    return () => {
      live = false;
    };
  }, [gap.locale]);

  const suggested = new Set(gap.suggestions.map((suggestion) => suggestion.id));
  const rest = (others ?? []).filter((article) => !suggested.has(article.id));
  const titleOf = (id: string) => gap.suggestions.find((s) => s.id === id)?.title ?? others?.find((a) => a.id === id)?.title ?? id;

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!chosen) {
      setError('Choose the article that answers this question.');
      return;
    }
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await addGapQuestion(gap.id, chosen, gap.locale);
      onAdded(titleOf(chosen));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
      setBusy(false);
    }
  };

  return (
    <Modal title="Add as an example question" onClose={onClose} testId="gap-add-dialog" describedBy={`${ids}-text`}>
      <form class="stack" onSubmit={submit} noValidate>
        <p id={`${ids}-text`}>
          “<span lang={gap.locale}>{gap.question}</span>” becomes an example question of the article you choose, and the article is published with it.
        </p>
        {gap.suggestions.length > 0 && (
          <fieldset class="picker">
            <legend>The bot's best guesses</legend>
            {gap.suggestions.map((suggestion) => (
              <label key={suggestion.id} class="picker-option">
                <input
                  type="radio"
                  name={`${ids}-article`}
                  value={suggestion.id}
                  checked={chosen === suggestion.id}
                  data-testid="gap-suggestion"
                  onChange={() => setChosen(suggestion.id)}
                />
                <span lang={gap.locale}>{suggestion.title}</span>
                <span class="muted small">confidence {confidence(suggestion.confidence)}</span>
              </label>
            ))}
          </fieldset>
        )}
        <div class="field">
          <label for={`${ids}-other`}>{gap.suggestions.length > 0 ? 'Or another article' : 'Article'}</label>
          <select
            id={`${ids}-other`}
            data-testid="gap-article-select"
            value={suggested.has(chosen) ? '' : chosen}
            disabled={!others}
            onChange={(event) => setChosen(event.currentTarget.value || (gap.suggestions[0]?.id ?? ''))}
          >
            <option value="">{others ? (gap.suggestions.length > 0 ? '— one of the guesses above —' : '— choose an article —') : 'Loading articles…'}</option>
            {rest.map((article) => (
              <option key={article.id} value={article.id} lang={gap.locale}>
                {article.title}
              </option>
            ))}
          </select>
          {othersError && <p class="field-error">{othersError}</p>}
        </div>
        {error && (
          <p class="form-error" role="alert" data-testid="gap-add-error">
            {error}
          </p>
        )}
        <div class="row end">
          <button type="button" class="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="button primary" data-testid="gap-add-confirm" disabled={busy}>
            {busy ? 'Publishing…' : 'Add and publish'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

type ProposalsLoad = { phase: 'loading' } | { phase: 'error'; message: string } | { phase: 'ready'; proposals: PhrasingProposal[] };

/** Learned phrasings: nothing reaches the bot's index until an admin accepts it. */
function Proposals({ canEdit, toast, round }: { canEdit: boolean; toast: (text: string, tone?: 'info' | 'error') => void; round: number }) {
  const [load, setLoad] = useState<ProposalsLoad>({ phase: 'loading' });
  const [deciding, setDeciding] = useState<ReadonlySet<string>>(new Set());
  const now = useNow(30_000);

  const refresh = useCallback(() => {
    let live = true;
    fetchPhrasingProposals().then(
      (proposals) => live && setLoad({ phase: 'ready', proposals }),
      (error: unknown) => live && setLoad({ phase: 'error', message: featureError(error, 'Learned phrasings') }),
    );
    return () => {
      live = false;
    };
  }, []);
  useEffect(() => refresh(), [refresh, round]);

  const decide = async (proposal: PhrasingProposal, decision: 'accept' | 'reject') => {
    setDeciding((set) => new Set(set).add(proposal.id));
    try {
      await decidePhrasingProposal(proposal.id, decision);
      setLoad((current) => (current.phase === 'ready' ? { phase: 'ready', proposals: current.proposals.filter((p) => p.id !== proposal.id) } : current));
      toast(decision === 'accept' ? `“${proposal.question}” is now an example question of “${proposal.articleTitle}”.` : `Rejected “${proposal.question}”.`);
    } catch (error) {
      toast(error instanceof Error ? error.message : String(error), 'error');
    } finally {
      setDeciding((set) => {
        const next = new Set(set);
        next.delete(proposal.id);
        return next;
      });
    }
  };

  return (
    <section class="page-section" aria-labelledby="proposals-title" data-testid="proposals">
      <h2 id="proposals-title" class="page-section-title">
        Learned phrasings
      </h2>
      <p class="muted">
        Shoppers who picked one of the bot's suggestions, and did not then say it did not help. Accepted questions become example questions of that article.
      </p>
      {load.phase === 'loading' && <p class="muted small">Loading…</p>}
      {load.phase === 'error' && (
        <p class="form-error" role="alert" data-testid="proposals-error">
          {load.message}
        </p>
      )}
      {load.phase === 'ready' && load.proposals.length === 0 && (
        <p class="muted small" data-testid="proposals-empty">
          No proposals right now.
        </p>
      )}
      {load.phase === 'ready' && load.proposals.length > 0 && (
        <table class="settings-table gaps-table" data-testid="proposals-table">
          <thead>
            <tr>
              <th scope="col">Question</th>
              <th scope="col">Article</th>
              <th scope="col" class="numeric">
                Times
              </th>
              <th scope="col">Last seen</th>
              {canEdit && <th scope="col">Decide</th>}
            </tr>
          </thead>
          <tbody>
            {load.proposals.map((proposal) => (
              <tr key={proposal.id} data-testid="proposal-row" data-proposal-id={proposal.id}>
                <td id={`proposal-${proposal.id}`} lang={proposal.locale} class="gap-question">
                  {proposal.question}
                </td>
                <td lang={proposal.locale}>{proposal.articleTitle}</td>
                <td class="numeric">{proposal.count}</td>
                <td class="nowrap">
                  <time dateTime={isoTime(proposal.lastSeen)} title={dateTime(proposal.lastSeen)}>
                    {relativeTime(proposal.lastSeen, now)}
                  </time>
                </td>
                {canEdit && (
                  <td>
                    <div class="gap-actions">
                      <button
                        type="button"
                        class="button small primary"
                        data-testid="proposal-accept"
                        disabled={deciding.has(proposal.id)}
                        aria-describedby={`proposal-${proposal.id}`}
                        onClick={() => void decide(proposal, 'accept')}
                      >
                        Accept
                      </button>
                      <button
                        type="button"
                        class="button small"
                        data-testid="proposal-reject"
                        disabled={deciding.has(proposal.id)}
                        aria-describedby={`proposal-${proposal.id}`}
                        onClick={() => void decide(proposal, 'reject')}
                      >
                        Reject
                      </button>
                    </div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
