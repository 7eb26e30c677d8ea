/**
 * Conversation history for the console: the list filter as it lives in the URL
 * (`#conversations?state=closed&label=refund`), the links that open a conversation at a message,
 * search snippets cut into text and marked runs (never HTML), and the history endpoints of
 * protocol/history.ts.
 */
import { useEffect, useState } from 'preact/hooks';
// Types only from agent.ts and history.ts: a value import would bring their zod schemas into the console bundle (2 KB gzipped).
import type { HandoffReason } from '../../protocol/agent.ts';
import type { ConversationFilter, ConversationListItem, ConversationListResponse, SearchResponse, Snippet, TimelineResponse } from '../../protocol/history.ts';
import { labelSchema } from '../../protocol/site-config.ts';
import { ApiError, fetchSiteSetup, request } from './api.ts';

/** The states the list filters by (protocol/history.ts CONVERSATION_STATES_FILTER). */
export const CONVERSATION_STATES_FILTER = ['bot', 'queued', 'agent', 'offline', 'closed'] as const satisfies readonly NonNullable<
  ConversationFilter['state']
>[];
/** Every handoff reason (protocol/agent.ts HANDOFF_REASONS); the check below fails the typecheck when one is missing. */
export const HANDOFF_REASONS = [
  'angry',
  'requested_human',
  'complaint',
  'low_confidence',
  'not_helpful_twice',
  'out_of_scope',
  'reopened',
] as const satisfies readonly HandoffReason[];
type Covers<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : false;
const listsEveryValue: [
  Covers<HandoffReason, (typeof HANDOFF_REASONS)[number]>,
  Covers<NonNullable<ConversationFilter['state']>, (typeof CONVERSATION_STATES_FILTER)[number]>,
] = [true, true];
void listsEveryValue;

/** The server refuses longer searches (protocol/history.ts searchQuerySchema). */
export const SEARCH_MAX_LENGTH = 200;

/** The filters an agent sets (the page size and the cursor are the list's business). */
export type HistoryFilter = Omit<ConversationFilter, 'cursor' | 'limit'>;

/** What the history page shows: a filtered list, or search results when `q` is set. */
export interface HistoryQuery {
  filter: HistoryFilter;
  q: string;
}

export const FILTER_KEYS = ['state', 'assignee', 'label', 'reason', 'rating', 'from', 'to', 'locale'] as const satisfies readonly (keyof HistoryFilter)[];

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The query part of `#conversations?…`; anything malformed is dropped, never sent. */
export function parseHistoryQuery(query: string): HistoryQuery {
  const params = new URLSearchParams(query);
  const filter: HistoryFilter = {};
  const state = params.get('state');
  if (state && (CONVERSATION_STATES_FILTER as readonly string[]).includes(state)) filter.state = state as HistoryFilter['state'];
  const assignee = params.get('assignee');
  if (assignee && /^(none|[A-Za-z0-9_-]{6,64})$/.test(assignee)) filter.assignee = assignee;
  const label = params.get('label');
  if (label && labelSchema.safeParse(label).success) filter.label = label.trim();
  const reason = params.get('reason');
  if (reason && (HANDOFF_REASONS as readonly string[]).includes(reason)) filter.reason = reason as HandoffReason;
  const rating = Number(params.get('rating'));
  if (Number.isInteger(rating) && rating >= 1 && rating <= 5) filter.rating = rating;
  const from = params.get('from');
  if (from && DAY.test(from)) filter.from = from;
  const to = params.get('to');
  if (to && DAY.test(to)) filter.to = to;
  const locale = params.get('locale');
  if (locale === 'en' || locale === 'zh') filter.locale = locale;
  const q = (params.get('q') ?? '').slice(0, SEARCH_MAX_LENGTH);
  return { filter, q };
}

/** The filter as a query string, keys in a fixed order so the same filter is the same URL. */
export function filterParams(filter: HistoryFilter): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = filter[key];
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return params;
}

export function historyQueryString(query: HistoryQuery): string {
  const params = filterParams(query.filter);
  if (query.q) params.set('q', query.q);
  return params.toString();
}

/** `#conversations` plus the query, the page's own address. */
export function historyHash(query: string): string {
  return query ? `#conversations?${query}` : '#conversations';
}

const HISTORY_ID = /^([0-9a-f-]{36})(#\d{1,4})?$/;

/** The chat window's id to open over the conversation socket: the part before '#'. */
export function chatIdOf(conversationId: string): string {
  return conversationId.split('#')[0]!;
}

/** Where to open a chat from history: which of its conversations, and at which message. */
export interface ChatFocus {
  /** the conversation id as history names it (`<uuid>` or `<uuid>#<n>`) */
  conversationId: string;
  seq: number | null;
  /** with no seq: show the transcript from this time on (where a later conversation of the window starts) */
  at: number | null;
}

/**
 * `#chat=<uuid>&c=<id>&seq=<n>`: the link to a conversation from the list, a search hit or the
 * timeline. `c` names which of the chat window's conversations (its first is `<uuid>` itself).
 */
export function chatHref(conversationId: string, seq: number | null = null, at: number | null = null): string {
  const params = new URLSearchParams({ chat: chatIdOf(conversationId), c: conversationId });
  if (seq !== null) params.set('seq', String(seq));
  else if (at !== null && Number.isFinite(at)) params.set('at', String(Math.floor(at)));
  return `#${params.toString()}`;
}

/** The focus named by a `#chat=…` hash's parameters, or null when it names none (`#chat=<uuid>` alone: the window's latest). */
export function focusFromParams(params: URLSearchParams, chatId: string): ChatFocus | null {
  const named = params.get('c');
  const valid = named !== null && HISTORY_ID.test(named) && chatIdOf(named) === chatId;
  const rawSeq = params.get('seq');
  const seq = rawSeq !== null && /^\d{1,9}$/.test(rawSeq) ? Number(rawSeq) : null;
  const rawAt = params.get('at');
  const at = seq === null && rawAt !== null && /^\d{1,15}$/.test(rawAt) ? Number(rawAt) : null;
  if (!valid && seq === null) return null;
  return { conversationId: valid ? named : chatId, seq, at };
}

export interface SnippetPart {
  text: string;
  marked: boolean;
}

/** The snippet as runs of text, the matching runs marked; bad or overlapping offsets are ignored. */
export function snippetParts(snippet: Snippet): SnippetPart[] {
  const text = typeof snippet?.text === 'string' ? snippet.text : '';
  const marks = (Array.isArray(snippet?.marks) ? snippet.marks : [])
    .filter((mark) => Array.isArray(mark) && Number.isInteger(mark[0]) && Number.isInteger(mark[1]))
    .map(([start, end]) => [Math.max(0, start), Math.min(text.length, end)] as const)
    .filter(([start, end]) => start < end)
    .sort((a, b) => a[0] - b[0]);
  const parts: SnippetPart[] = [];
  let at = 0;
  for (const [start, end] of marks) {
    if (start < at) continue;
    if (start > at) parts.push({ text: text.slice(at, start), marked: false });
    parts.push({ text: text.slice(start, end), marked: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), marked: false });
  return parts;
}

/** "2026-11-30" in UTC, the form the date filters take. */
export function utcDay(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

// ---- the endpoints -------------------------------------------------------------------------

function present<T>(result: T | null, valid: (value: T) => boolean): T {
  if (result === null || typeof result !== 'object' || !valid(result)) throw new ApiError(500, 'bad_response', 'The server sent an unexpected answer.');
  return result;
}

export async function fetchConversations(filter: HistoryFilter, cursor: string | null, limit = 50): Promise<ConversationListResponse> {
  const params = filterParams(filter);
  if (cursor) params.set('cursor', cursor);
  params.set('limit', String(limit));
  return present(await request<ConversationListResponse>('GET', `/v1/agent/conversations?${params}`), (r) => Array.isArray(r.items));
}

export async function searchConversations(q: string, limit = 20): Promise<SearchResponse> {
  const params = new URLSearchParams({ q, limit: String(limit) });
  return present(await request<SearchResponse>('GET', `/v1/agent/search?${params}`), (r) => Array.isArray(r.hits));
}

export async function fetchTimeline(conversationId: string): Promise<ConversationListItem[]> {
  const result = present(await request<TimelineResponse>('GET', `/v1/agent/conversations/${encodeURIComponent(conversationId)}/timeline`), (r) =>
    Array.isArray(r.items),
  );
  return result.items;
}

export async function saveLabels(conversationId: string, labels: string[]): Promise<string[]> {
  const result = present(await request<{ labels: string[] }>('PUT', `/v1/agent/conversations/${encodeURIComponent(conversationId)}/labels`, { labels }), (r) =>
    Array.isArray(r.labels),
  );
  return result.labels;
}

/**
 * The site's labels. They are part of the site's settings, which only admins can read
 * (GET /v1/agent/site); for other agents the list is what the inbox snapshot carries, if it
 * carries it, plus the labels already seen on conversations.
 */
export function useSiteLabels(isAdmin: boolean, fromInbox: unknown): string[] {
  const [labels, setLabels] = useState<string[]>([]);
  useEffect(() => {
    if (!isAdmin) return;
    let active = true;
    fetchSiteSetup().then(
      (setup) => active && setLabels(Array.isArray(setup.site.labels) ? setup.site.labels : []),
      () => undefined, // the labels already seen on conversations still work
    );
    return () => {
      active = false;
    };
  }, [isAdmin]);
  const inbox = Array.isArray(fromInbox) ? fromInbox.filter((label): label is string => typeof label === 'string') : [];
  return mergeLabels(labels, inbox);
}

/** Labels from several sources, each once (case-insensitive), in first-seen order. */
export function mergeLabels(...lists: readonly (readonly string[])[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const list of lists)
    for (const label of list) {
      const key = label.toLowerCase();
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(label);
    }
  return out;
}
