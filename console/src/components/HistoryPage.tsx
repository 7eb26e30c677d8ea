/**
 * All conversations: every conversation of the site, filtered (state, assignee, label, handoff
 * reason, rating, dates, language; they combine), a page at a time (keyset: "Load more" sends the
 * server's nextCursor), and a full-text search whose hits show a snippet with the matches marked.
 * The filter and the search live in the URL (`#conversations?state=closed&q=refund`), so a reload
 * or Back restores them. Arrow keys or j/k move through the rows, Enter opens one. Everything
 * shoppers and agents wrote is rendered as text.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import type { ConversationListItem, SearchHit } from '../../../protocol/history.ts';
import { ApiError, featureError } from '../api.ts';
import { dateTime, isoTime, localeName, oneLine, reasonLabel, shopperName, stateLabel } from '../format.ts';
import {
  CONVERSATION_STATES_FILTER,
  chatHref,
  fetchConversations,
  HANDOFF_REASONS,
  type HistoryFilter,
  type HistoryQuery,
  historyQueryString,
  mergeLabels,
  parseHistoryQuery,
  SEARCH_MAX_LENGTH,
  searchConversations,
  snippetParts,
} from '../history.ts';
import { t } from '../i18n.ts';
import '../history.css';

interface HistoryPageProps {
  /** the query string of `#conversations?…` */
  query: string;
  /** the page changed its filter or search: the new query string, to put in the URL */
  onQuery: (query: string) => void;
  agents: { id: string; name: string }[];
  siteLabels: string[];
}

type ListLoad =
  | { phase: 'loading'; items: ConversationListItem[] }
  | { phase: 'ready'; items: ConversationListItem[]; nextCursor: string | null; more: 'idle' | 'loading' | string }
  | { phase: 'error'; message: string; field?: string };

type SearchLoad = { phase: 'loading' } | { phase: 'ready'; hits: SearchHit[] } | { phase: 'error'; message: string };

const SEARCH_DELAY_MS = 300;
const PAGE_SIZE = 50;

export function HistoryPage({ query, onQuery, agents, siteLabels }: HistoryPageProps) {
  const ids = useId();
  const current = parseHistoryQuery(query);
  const { filter, q } = current;
  const mainRef = useRef<HTMLElement>(null);
  // What is typed in the search box; the URL (and the search) follow it after a short pause.
  const [typed, setTyped] = useState(q);
  // The URL wins when it changes (Back, a link), but not over spaces still being typed.
  useEffect(() => setTyped((current) => (current.trim() === q ? current : q)), [q]);

  // Bumped by "Refresh" (or searching the same words again): the list and the search do not update themselves.
  const [nonce, setNonce] = useState(0);
  const update = (next: HistoryQuery) => {
    const text = historyQueryString(next);
    if (text === query) setNonce((n) => n + 1);
    else onQuery(text);
  };
  const setFilter = (patch: Partial<HistoryFilter>) => {
    const next: HistoryFilter = { ...filter, ...patch };
    for (const key of Object.keys(next) as (keyof HistoryFilter)[]) if (next[key] === undefined || next[key] === '') delete next[key];
    update({ filter: next, q });
  };

  useEffect(() => {
    const trimmed = typed.trim();
    if (trimmed === q.trim()) return;
    const timer = setTimeout(() => update({ filter, q: trimmed }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [typed]);

  useEffect(() => mainRef.current?.focus(), []);

  const filterKey = historyQueryString({ filter, q: '' });
  const [list, setList] = useState<ListLoad>({ phase: 'loading', items: [] });
  const listSeq = useRef(0);
  // A refresh of the same filter keeps the rows on screen until the new ones arrive.
  const shownListKey = useRef<string | null>(null);
  useEffect(() => {
    if (q) return;
    const mine = ++listSeq.current;
    if (shownListKey.current !== filterKey) setList({ phase: 'loading', items: [] });
    shownListKey.current = filterKey;
    fetchConversations(filter, null, PAGE_SIZE).then(
      (page) => mine === listSeq.current && setList({ phase: 'ready', items: page.items, nextCursor: page.nextCursor, more: 'idle' }),
      (error: unknown) => mine === listSeq.current && setList(listError(error)),
    );
  }, [filterKey, q, nonce]);

  const loadMore = () => {
    if (list.phase !== 'ready' || !list.nextCursor || list.more === 'loading') return;
    const mine = listSeq.current;
    const before = list;
    setList({ ...before, more: 'loading' });
    fetchConversations(filter, before.nextCursor, PAGE_SIZE).then(
      (page) => {
        if (mine !== listSeq.current) return;
        // A row already shown (it changed while paging) stays where it is, once.
        const shown = new Set(before.items.map((item) => item.conversationId));
        setList({
          phase: 'ready',
          items: [...before.items, ...page.items.filter((item) => !shown.has(item.conversationId))],
          nextCursor: page.nextCursor,
          more: 'idle',
        });
      },
      (error: unknown) => mine === listSeq.current && setList({ ...before, more: featureError(error, t('history.listFeature')) }),
    );
  };

  const [search, setSearch] = useState<SearchLoad>({ phase: 'loading' });
  const searchSeq = useRef(0);
  const shownSearch = useRef<string | null>(null);
  useEffect(() => {
    if (!q) {
      shownSearch.current = null;
      return;
    }
    const mine = ++searchSeq.current;
    if (shownSearch.current !== q) setSearch({ phase: 'loading' });
    shownSearch.current = q;
    searchConversations(q).then(
      (result) => mine === searchSeq.current && setSearch({ phase: 'ready', hits: result.hits }),
      (error: unknown) => mine === searchSeq.current && setSearch({ phase: 'error', message: featureError(error, t('history.searchFeature')) }),
    );
  }, [q, nonce]);

  const tooLong = typed.length > SEARCH_MAX_LENGTH;
  const labelChoices = mergeLabels(siteLabels, filter.label ? [filter.label] : [], list.phase === 'error' ? [] : list.items.flatMap((item) => item.labels));
  const badField = list.phase === 'error' ? list.field : undefined;
  const hasFilter = Object.keys(filter).length > 0;

  return (
    <main id="main-content" ref={mainRef} class="page history-page" tabIndex={-1} aria-labelledby={`${ids}-title`} data-testid="history-page">
      <header class="page-head row">
        <div class="page-head-text">
          <h1 id={`${ids}-title`} class="page-title">
            {t('history.title')}
          </h1>
          <p class="muted small">{t('history.intro')}</p>
        </div>
      </header>

      <form
        class="history-search"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          if (!tooLong) update({ filter, q: typed.trim() });
        }}
      >
        <label for={`${ids}-q`}>{t('history.searchLabel')}</label>
        <div class="row">
          <input
            id={`${ids}-q`}
            type="search"
            value={typed}
            maxLength={SEARCH_MAX_LENGTH}
            placeholder={t('history.searchPlaceholder')}
            data-testid="history-search"
            aria-invalid={tooLong ? true : undefined}
            aria-describedby={`${ids}-q-hint`}
            onInput={(event) => setTyped(event.currentTarget.value)}
          />
          <button type="submit" class="button" disabled={tooLong}>
            {t('common.search')}
          </button>
          {q && (
            <button type="button" class="button ghost" data-testid="history-search-clear" onClick={() => update({ filter, q: '' })}>
              {t('history.clearSearch')}
            </button>
          )}
        </div>
        <p id={`${ids}-q-hint`} class={tooLong ? 'field-error' : 'hint'}>
          {tooLong ? t('history.tooLong', { n: SEARCH_MAX_LENGTH }) : t('history.upTo', { n: SEARCH_MAX_LENGTH })}
        </p>
      </form>

      {q ? (
        <SearchResults q={q} load={search} />
      ) : (
        <>
          <fieldset class="history-filters" data-testid="history-filters">
            <legend class="visually-hidden">{t('history.filters')}</legend>
            <FilterSelect
              id={`${ids}-state`}
              label={t('history.state')}
              testId="state"
              value={filter.state ?? ''}
              invalid={badField === 'state'}
              options={CONVERSATION_STATES_FILTER.map((state) => [state, stateLabel(state)])}
              onChange={(value) => setFilter({ state: (value || undefined) as HistoryFilter['state'] })}
            />
            <FilterSelect
              id={`${ids}-assignee`}
              label={t('history.agent')}
              testId="agent"
              value={filter.assignee ?? ''}
              invalid={badField === 'assignee'}
              options={[
                ['none', t('history.nobody')],
                ...agents.map((agent): [string, string] => [agent.id, agent.name]),
                ...(filter.assignee && filter.assignee !== 'none' && !agents.some((agent) => agent.id === filter.assignee)
                  ? [[filter.assignee, filter.assignee] as [string, string]]
                  : []),
              ]}
              onChange={(value) => setFilter({ assignee: value || undefined })}
            />
            <FilterSelect
              id={`${ids}-label`}
              label={t('history.label')}
              testId="label"
              value={filter.label ?? ''}
              invalid={badField === 'label'}
              options={labelChoices.map((label) => [label, label])}
              onChange={(value) => setFilter({ label: value || undefined })}
            />
            <FilterSelect
              id={`${ids}-reason`}
              label={t('history.reason')}
              testId="handoff-reason"
              value={filter.reason ?? ''}
              invalid={badField === 'reason'}
              options={HANDOFF_REASONS.map((reason) => [reason, reasonLabel(reason)])}
              onChange={(value) => setFilter({ reason: (value || undefined) as HistoryFilter['reason'] })}
            />
            <FilterSelect
              id={`${ids}-rating`}
              label={t('history.rating')}
              testId="rating"
              value={filter.rating ? String(filter.rating) : ''}
              invalid={badField === 'rating'}
              options={[5, 4, 3, 2, 1].map((score) => [String(score), t('history.ratingValue', { n: score })])}
              onChange={(value) => setFilter({ rating: value ? Number(value) : undefined })}
            />
            <FilterSelect
              id={`${ids}-locale`}
              label={t('history.language')}
              testId="language"
              value={filter.locale ?? ''}
              invalid={badField === 'locale'}
              options={(['en', 'zh'] as const).map((locale) => [locale, localeName(locale)])}
              onChange={(value) => setFilter({ locale: (value || undefined) as HistoryFilter['locale'] })}
            />
            <div class="field history-filter">
              <label for={`${ids}-from`}>{t('history.from')}</label>
              <input
                id={`${ids}-from`}
                type="date"
                value={filter.from ?? ''}
                max={filter.to}
                data-testid="history-filter-from"
                aria-invalid={badField === 'from' ? true : undefined}
                onChange={(event) => setFilter({ from: event.currentTarget.value || undefined })}
              />
            </div>
            <div class="field history-filter">
              <label for={`${ids}-to`}>{t('history.to')}</label>
              <input
                id={`${ids}-to`}
                type="date"
                value={filter.to ?? ''}
                min={filter.from}
                data-testid="history-filter-to"
                aria-invalid={badField === 'to' ? true : undefined}
                onChange={(event) => setFilter({ to: event.currentTarget.value || undefined })}
              />
            </div>
            <button type="button" class="button small history-clear" data-testid="history-refresh" onClick={() => setNonce((n) => n + 1)}>
              {t('common.refresh')}
            </button>
            {hasFilter && (
              <button type="button" class="button small ghost history-clear" data-testid="history-filter-clear" onClick={() => update({ filter: {}, q })}>
                {t('history.clearFilters')}
              </button>
            )}
          </fieldset>
          <ConversationList load={list} hasFilter={hasFilter} onLoadMore={loadMore} />
        </>
      )}
    </main>
  );
}

function listError(error: unknown): ListLoad {
  if (error instanceof ApiError && error.status === 400) return { phase: 'error', message: error.message, field: error.field };
  return { phase: 'error', message: featureError(error, t('history.listFeature')) };
}

function FilterSelect(props: {
  id: string;
  label: string;
  testId: string;
  value: string;
  invalid: boolean;
  options: [string, string][];
  onChange: (value: string) => void;
}) {
  return (
    <div class="field history-filter">
      <label for={props.id}>{props.label}</label>
      <select
        id={props.id}
        value={props.value}
        data-testid={`history-filter-${props.testId}`}
        aria-invalid={props.invalid ? true : undefined}
        onChange={(event) => props.onChange(event.currentTarget.value)}
      >
        <option value="">{t('history.any')}</option>
        {props.options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * The rows as links in one tab stop: arrow keys, j/k, Home and End move between them; Enter
 * follows the focused link (the browser's own behaviour), which opens the conversation.
 */
function useRovingList(count: number) {
  const [active, setActive] = useState(0);
  const listRef = useRef<HTMLOListElement>(null);
  const index = Math.min(active, Math.max(0, count - 1));
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const moves: Record<string, number> = { ArrowDown: 1, j: 1, ArrowUp: -1, k: -1, Home: -count, End: count };
    const move = moves[event.key];
    if (move === undefined || count === 0) return;
    event.preventDefault();
    const next = Math.max(0, Math.min(count - 1, index + move));
    setActive(next);
    listRef.current?.querySelectorAll<HTMLElement>('[data-row-link]')[next]?.focus();
  };
  return { listRef, index, setActive, onKeyDown };
}

function ConversationList({ load, hasFilter, onLoadMore }: { load: ListLoad; hasFilter: boolean; onLoadMore: () => void }) {
  const items = load.phase === 'error' ? [] : load.items;
  const roving = useRovingList(items.length);
  const ids = useId();
  // After "Load more", the focus goes to the first new row (the button may be gone).
  const focusAfterMore = useRef<number | null>(null);
  useEffect(() => {
    const index = focusAfterMore.current;
    if (index === null || index >= items.length) return;
    focusAfterMore.current = null;
    roving.setActive(index);
    roving.listRef.current?.querySelectorAll<HTMLElement>('[data-row-link]')[index]?.focus();
  }, [items.length]);
  if (load.phase === 'error') {
    return (
      <p class="form-error" role="alert" data-testid="history-error">
        {load.message}
      </p>
    );
  }
  if (load.phase === 'loading') {
    return (
      <p class="muted" role="status" data-testid="history-loading">
        {t('history.loading')}
      </p>
    );
  }
  if (items.length === 0) {
    return (
      <div class="page-empty" data-testid="history-empty">
        <p>{hasFilter ? t('history.noMatch') : t('history.none')}</p>
      </div>
    );
  }
  return (
    <section class="page-section" aria-labelledby={`${ids}-heading`}>
      <h2 id={`${ids}-heading`} class="page-section-title">
        {t('history.conversations')}{' '}
        <span class="count" data-testid="history-count">
          {items.length}
          {load.nextCursor ? '+' : ''}
        </span>
      </h2>
      <p id={`${ids}-keys`} class="hint">
        {t('history.keys')}
      </p>
      <ol
        class="history-list"
        ref={roving.listRef}
        aria-labelledby={`${ids}-heading`}
        aria-describedby={`${ids}-keys`}
        data-testid="history-list"
        onKeyDown={roving.onKeyDown}
      >
        {items.map((item, index) => (
          <li key={item.conversationId}>
            <ConversationRow item={item} tabIndex={index === roving.index ? 0 : -1} onFocus={() => roving.setActive(index)} />
          </li>
        ))}
      </ol>
      {load.nextCursor && (
        <p class="row">
          <button
            type="button"
            class="button"
            data-testid="history-load-more"
            disabled={load.more === 'loading'}
            onClick={() => {
              focusAfterMore.current = items.length;
              onLoadMore();
            }}
          >
            {load.more === 'loading' ? t('common.loading') : t('history.loadMore')}
          </button>
        </p>
      )}
      {load.more !== 'idle' && load.more !== 'loading' && (
        <p class="form-error" role="alert">
          {load.more}
        </p>
      )}
    </section>
  );
}

/** One conversation as a row: who, outcome, who handled it, why, rating, labels, the last message. */
export function ConversationRow({
  item,
  seq = null,
  tabIndex,
  onFocus,
  children,
}: {
  item: ConversationListItem;
  seq?: number | null;
  tabIndex?: number;
  onFocus?: () => void;
  children?: ComponentChildren;
}) {
  return (
    <a
      class="history-row"
      // A later conversation of a chat window opens where it starts in the window's transcript.
      href={chatHref(item.conversationId, seq, item.conversationId.includes('#') ? item.startedAt : null)}
      tabIndex={tabIndex}
      onFocus={onFocus}
      data-row-link=""
      data-testid="history-row"
      data-conversation-id={item.conversationId}
      data-state={item.state}
    >
      <span class="entry-top">
        <span class="entry-name">{shopperName(item.shopper)}</span>
        {item.shopper.email && <span class="muted small history-email">{item.shopper.email}</span>}
        <span class={`state-pill state-${item.state}`} data-testid="history-row-state">
          {stateLabel(item.state)}
        </span>
        <time class="entry-state" dateTime={isoTime(item.updatedAt)}>
          {dateTime(item.updatedAt)}
        </time>
      </span>
      <span class="history-facts">
        {item.assignee && <span>{item.assignee.name}</span>}
        {item.handoffReason && <span data-testid="history-row-reason">{reasonLabel(item.handoffReason)}</span>}
        {item.rating !== null && <span data-testid="history-row-rating">{t('history.rated', { n: item.rating })}</span>}
        <span>{localeName(item.locale)}</span>
        {item.previousId && <span>{t('history.continues')}</span>}
      </span>
      {item.labels.length > 0 && (
        <span class="label-chips" data-testid="history-row-labels">
          <span class="visually-hidden">{t('history.labelsPrefix')}</span>
          {item.labels.map((label) => (
            <span key={label} class="label-chip">
              {label}
            </span>
          ))}
        </span>
      )}
      {children ?? (item.lastMessage && <span class="entry-last">{oneLine(item.lastMessage)}</span>)}
    </a>
  );
}

function SearchResults({ q, load }: { q: string; load: SearchLoad }) {
  const ids = useId();
  const hits = load.phase === 'ready' ? load.hits : [];
  const roving = useRovingList(hits.length);
  return (
    <section class="page-section" aria-labelledby={`${ids}-heading`} aria-busy={load.phase === 'loading'} data-testid="search-results">
      <h2 id={`${ids}-heading`} class="page-section-title">
        {t('history.resultsFor', { q })}{' '}
        {load.phase === 'ready' && (
          <span class="count" data-testid="search-count">
            {hits.length}
          </span>
        )}
      </h2>
      {load.phase === 'loading' ? (
        <p class="muted" role="status">
          {t('history.searching')}
        </p>
      ) : load.phase === 'error' ? (
        <p class="form-error" role="alert" data-testid="search-error">
          {load.message}
        </p>
      ) : hits.length === 0 ? (
        <div class="page-empty" data-testid="search-empty">
          <p>{t('history.nothingFound')}</p>
        </div>
      ) : (
        <>
          <p id={`${ids}-keys`} class="hint" role="status">
            {hits.length === 1 ? t('history.oneMatch') : t('history.matches', { n: hits.length })} {t('history.hitKeys')}
          </p>
          <ol
            class="history-list"
            ref={roving.listRef}
            aria-labelledby={`${ids}-heading`}
            aria-describedby={`${ids}-keys`}
            data-testid="search-hits"
            onKeyDown={roving.onKeyDown}
          >
            {hits.map((hit, index) => (
              <li key={`${hit.conversationId}:${hit.kind}:${hit.seq ?? 's'}:${index}`} data-testid="search-hit" data-seq={hit.seq ?? ''}>
                <ConversationRow item={hit.conversation} seq={hit.seq} tabIndex={index === roving.index ? 0 : -1} onFocus={() => roving.setActive(index)}>
                  <span class="history-snippet" data-testid="search-snippet">
                    <span class="muted small">{hit.kind === 'note' ? t('history.noteHit') : hit.kind === 'shopper' ? t('history.shopperHit') : ''}</span>
                    <SnippetText parts={snippetParts(hit.snippet)} />
                  </span>
                </ConversationRow>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}

/** Text with the matching runs in <mark>: every run is a text node. */
export function SnippetText({ parts }: { parts: { text: string; marked: boolean }[] }) {
  return <>{parts.map((part, index) => (part.marked ? <mark key={index}>{part.text}</mark> : part.text))}</>;
}
