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
import { t } from '../i18n.ts';
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
            {t('nav.gaps')}
          </h1>
          <p class="muted">{t('gaps.intro')}</p>
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
          {load.phase === 'loading' ? t('gaps.refreshing') : t('common.refresh')}
        </button>
      </header>

      {load.phase === 'loading' && !gaps && (
        <p class="muted" role="status">
          {t('nav.loading')}
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
            <strong>{t('gaps.none')}</strong>
          </p>
          <p class="muted">{t('gaps.noneHint')}</p>
        </div>
      )}
      {gaps && gaps.length > 0 && (
        <section class="page-section" aria-labelledby="gaps-table-title">
          <h2 id="gaps-table-title" class="page-section-title">
            {t('gaps.tableTitle')}
          </h2>
          <table class="settings-table gaps-table" data-testid="gaps-table">
            <thead>
              <tr>
                <th scope="col">{t('reports.question')}</th>
                <th scope="col" class="numeric">
                  {t('gaps.timesAsked')}
                </th>
                <th scope="col">{t('language.label')}</th>
                <th scope="col">{t('reports.reason')}</th>
                <th scope="col">{t('gaps.lastAsked')}</th>
                {canEdit && <th scope="col">{t('gaps.fix')}</th>}
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
                          title={gap.id ? undefined : t('gaps.cannotAdd')}
                          aria-describedby={`gap-${index}`}
                          onClick={() => setAdding(gap)}
                        >
                          {t('gaps.addTo')}
                        </button>
                        <button
                          type="button"
                          class="button small ghost"
                          data-testid="gap-new-article"
                          aria-describedby={`gap-${index}`}
                          onClick={() => onNewArticle({ kind: 'new', locale: gap.locale, question: gap.question })}
                        >
                          {t('gaps.newArticle')}
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
            toast(t('gaps.added', { title }));
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
      (caught: unknown) => live && setOthersError(featureError(caught, t('gaps.articleList'))),
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
      setError(t('gaps.chooseArticle'));
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
    <Modal title={t('gaps.addTitle')} onClose={onClose} testId="gap-add-dialog" describedBy={`${ids}-text`}>
      <form class="stack" onSubmit={submit} noValidate>
        <p id={`${ids}-text`}>
          “<span lang={gap.locale}>{gap.question}</span>” {t('gaps.addText')}
        </p>
        {gap.suggestions.length > 0 && (
          <fieldset class="picker">
            <legend>{t('gaps.guesses')}</legend>
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
                <span class="muted small">{t('gaps.confidence', { value: confidence(suggestion.confidence) })}</span>
              </label>
            ))}
          </fieldset>
        )}
        <div class="field">
          <label for={`${ids}-other`}>{gap.suggestions.length > 0 ? t('gaps.orAnother') : t('gaps.article')}</label>
          <select
            id={`${ids}-other`}
            data-testid="gap-article-select"
            value={suggested.has(chosen) ? '' : chosen}
            disabled={!others}
            onChange={(event) => setChosen(event.currentTarget.value || (gap.suggestions[0]?.id ?? ''))}
          >
            <option value="">{others ? (gap.suggestions.length > 0 ? t('gaps.oneAbove') : t('gaps.chooseOne')) : t('gaps.loadingArticles')}</option>
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
            {t('common.cancel')}
          </button>
          <button type="submit" class="button primary" data-testid="gap-add-confirm" disabled={busy}>
            {busy ? t('gaps.publishing') : t('gaps.addPublish')}
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
      (error: unknown) => live && setLoad({ phase: 'error', message: featureError(error, t('gaps.learned')) }),
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
      toast(
        decision === 'accept'
          ? t('gaps.accepted', { question: proposal.question, title: proposal.articleTitle })
          : t('gaps.rejected', { question: proposal.question }),
      );
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
        {t('gaps.learned')}
      </h2>
      <p class="muted">{t('gaps.learnedIntro')}</p>
      {load.phase === 'loading' && <p class="muted small">{t('nav.loading')}</p>}
      {load.phase === 'error' && (
        <p class="form-error" role="alert" data-testid="proposals-error">
          {load.message}
        </p>
      )}
      {load.phase === 'ready' && load.proposals.length === 0 && (
        <p class="muted small" data-testid="proposals-empty">
          {t('gaps.noProposals')}
        </p>
      )}
      {load.phase === 'ready' && load.proposals.length > 0 && (
        <table class="settings-table gaps-table" data-testid="proposals-table">
          <thead>
            <tr>
              <th scope="col">{t('reports.question')}</th>
              <th scope="col">{t('gaps.article')}</th>
              <th scope="col" class="numeric">
                {t('gaps.times')}
              </th>
              <th scope="col">{t('gaps.lastSeen')}</th>
              {canEdit && <th scope="col">{t('gaps.decide')}</th>}
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
                        {t('gaps.accept')}
                      </button>
                      <button
                        type="button"
                        class="button small"
                        data-testid="proposal-reject"
                        disabled={deciding.has(proposal.id)}
                        aria-describedby={`proposal-${proposal.id}`}
                        onClick={() => void decide(proposal, 'reject')}
                      >
                        {t('gaps.reject')}
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
