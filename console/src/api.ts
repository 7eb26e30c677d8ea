/** The console's HTTP calls: same origin, JSON bodies, the session rides in an HttpOnly cookie. */
import type { AgentProfile, AgentRole, AgentSessionResponse, SiteSetupResponse } from '../../protocol/agent.ts';
import type {
  ArticleDetail,
  ArticleDraftInput,
  ArticleHistoryResponse,
  ArticleListResponse,
  ArticlePreviewResponse,
  ArticleVersion,
  AssistResponse,
  BotTrialResponse,
  KnowledgeGap,
  PhrasingProposal,
  SiteSettingsResponse,
} from '../../protocol/site-admin.ts';
import type { SiteConfig } from '../../protocol/site-config.ts';
import { type MessageKey, t } from './i18n.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The parsed error body, for the fields some errors carry (`field` on 400, `current` on 409). */
    readonly body: unknown = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The input field a 400 names (e.g. `title`, `questions.2`, `theme.color`), if any. */
  get field(): string | undefined {
    const field = (this.body as { field?: unknown } | null)?.field;
    return typeof field === 'string' && field ? field : undefined;
  }

  /** The 400's reason without the field name the server puts in front ("title: must be…" → "must be…"), for showing at the field. */
  get fieldMessage(): string {
    const field = this.field;
    return field && this.message.startsWith(`${field}: `) ? this.message.slice(field.length + 2) : this.message;
  }

  /** On a 409: what is stored now, as the server sent it. */
  conflictCurrent<T>(): T | null {
    if (this.status !== 409) return null;
    const current = (this.body as { current?: unknown } | null)?.current;
    return current && typeof current === 'object' ? (current as T) : null;
  }
}

/** Words an agent can act on, for the codes the console knows; otherwise the server's message. */
const FRIENDLY: Record<string, MessageKey> = {
  invalid_credentials: 'api.invalid_credentials',
  unauthorized: 'workspace.sessionEnded',
  forbidden: 'inboxError.forbidden',
  rate_limited: 'api.rate_limited',
  internal: 'api.internal',
};

/** A 404 or 405 without a message of its own: the Worker has no such route (an older server). */
const MISSING_ENDPOINT = 'This part of the console is not available on this server yet.';

/**
 * The words for a failed call to a feature's collection endpoint (a list, Try the bot, assist):
 * there a 404 can only mean the server does not offer the feature yet, never a missing item.
 */
export function featureError(error: unknown, feature: string): string {
  if (error instanceof ApiError && (error.status === 404 || error.status === 405))
    return `${feature} is not available on this server yet (it answered ${error.status}).`;
  return error instanceof Error ? error.message : String(error);
}

export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T | null> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', t('api.network'));
  }
  if (response.status === 204) return null;
  let data: unknown = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = typeof data === 'object' && data !== null ? (data as { error?: unknown; message?: unknown }) : {};
    const code = typeof error.error === 'string' ? error.error : response.status === 401 ? 'unauthorized' : 'http_error';
    const serverMessage =
      typeof error.message === 'string' && error.message
        ? error.message
        : response.status === 404 || response.status === 405
          ? MISSING_ENDPOINT
          : `The server answered ${response.status}.`;
    throw new ApiError(response.status, code, FRIENDLY[code] ? t(FRIENDLY[code]!) : serverMessage, data);
  }
  return data as T;
}

/** The signed-in agent, or null when there is no valid session. */
export async function fetchMe(): Promise<AgentProfile | null> {
  try {
    const result = await request<AgentSessionResponse>('GET', '/v1/agent/me');
    return result?.agent ?? null;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 403)) return null;
    throw error;
  }
}

export async function login(site: string, email: string, password: string): Promise<AgentProfile> {
  const result = await request<AgentSessionResponse>('POST', '/v1/agent/login', { site, email, password });
  if (!result) throw new ApiError(500, 'bad_response', 'The server sent an empty answer.');
  return result.agent;
}

export async function logout(): Promise<void> {
  await request('POST', '/v1/agent/logout');
}

export async function changePassword(currentPassword: string, newPassword: string): Promise<void> {
  await request('POST', '/v1/agent/password', { currentPassword, newPassword });
}

export interface CreatedAgent {
  agent: AgentProfile;
  oneTimePassword: string;
}

export async function createAgent(email: string, name: string, role: AgentRole): Promise<CreatedAgent> {
  const result = await request<CreatedAgent>('POST', '/v1/agent/agents', { email, name, role });
  if (!result) throw new ApiError(500, 'bad_response', 'The server sent an empty answer.');
  return result;
}

/** The setup page: embed snippet and settings (site admins only; others get 403). */
export async function fetchSiteSetup(): Promise<SiteSetupResponse> {
  const result = await request<SiteSetupResponse>('GET', '/v1/agent/site');
  if (!result || typeof result !== 'object' || !result.site || !result.embed) throw new ApiError(500, 'bad_response', 'The server sent an unexpected answer.');
  return result;
}

/** The server's answer, or an error saying it was empty or malformed. */
function present<T>(result: T | null, valid: (value: T) => boolean = () => true): T {
  if (result === null || typeof result !== 'object' || !valid(result)) throw new ApiError(500, 'bad_response', 'The server sent an unexpected answer.');
  return result;
}

const articlePath = (locale: string, id: string) => `/v1/agent/articles/${encodeURIComponent(locale)}/${encodeURIComponent(id)}`;

/** Gaps as the console shows them: older servers send neither `id` nor `suggestions`, so both are filled in. */
export async function fetchKnowledgeGaps(): Promise<KnowledgeGap[]> {
  const result = await request<{ gaps?: unknown }>('GET', '/v1/agent/knowledge-gaps');
  const gaps = Array.isArray(result?.gaps) ? (result.gaps as Partial<KnowledgeGap>[]) : [];
  return gaps
    .filter((gap): gap is Partial<KnowledgeGap> & { question: string } => !!gap && typeof gap.question === 'string')
    .map(
      (gap): KnowledgeGap => ({
        id: typeof gap.id === 'string' || typeof gap.id === 'number' ? String(gap.id) : '',
        locale: gap.locale === 'zh' ? 'zh' : 'en',
        question: gap.question,
        count: Number.isFinite(gap.count) ? gap.count! : 0,
        reason: String(gap.reason ?? ''),
        lastAsked: Number.isFinite(gap.lastAsked) ? gap.lastAsked! : 0,
        suggestions: Array.isArray(gap.suggestions) ? gap.suggestions.filter((s) => s && typeof s.id === 'string') : [],
      }),
    )
    .sort((a, b) => b.count - a.count || b.lastAsked - a.lastAsked);
}

/** The gap's question joins that article's example questions and the article is published. */
export async function addGapQuestion(gapId: string, articleId: string, locale: 'en' | 'zh'): Promise<void> {
  await request('POST', `/v1/agent/knowledge-gaps/${encodeURIComponent(gapId)}/add-question`, { articleId, locale });
}

// ---- articles (reads: every agent; writes: the site's admins) ------------------------------

export async function fetchArticles(filter: { locale?: string; q?: string } = {}): Promise<ArticleListResponse> {
  const query = new URLSearchParams();
  if (filter.locale) query.set('locale', filter.locale);
  if (filter.q) query.set('q', filter.q);
  const suffix = query.toString() ? `?${query}` : '';
  return present(await request<ArticleListResponse>('GET', `/v1/agent/articles${suffix}`), (r) => Array.isArray(r.articles));
}

export async function fetchArticle(locale: string, id: string): Promise<ArticleDetail> {
  return present(await request<ArticleDetail>('GET', articlePath(locale, id)), (r) => typeof r.id === 'string');
}

export async function fetchArticleVersions(locale: string, id: string): Promise<ArticleVersion[]> {
  const result = await request<Partial<ArticleHistoryResponse>>('GET', `${articlePath(locale, id)}/history`);
  return Array.isArray(result?.versions) ? (result.versions as ArticleVersion[]) : [];
}

/** Saves the draft; `baseRevision` null creates the article. 409 when someone saved in between. */
export async function saveArticleDraft(locale: string, id: string, draft: ArticleDraftInput): Promise<ArticleDetail> {
  return present(await request<ArticleDetail>('PUT', articlePath(locale, id), draft), (r) => typeof r.id === 'string');
}

export async function publishArticle(locale: string, id: string, baseRevision: number): Promise<ArticleDetail> {
  return present(await request<ArticleDetail>('POST', `${articlePath(locale, id)}/publish`, { baseRevision }));
}

export async function unpublishArticle(locale: string, id: string, baseRevision: number): Promise<ArticleDetail> {
  return present(await request<ArticleDetail>('POST', `${articlePath(locale, id)}/unpublish`, { baseRevision }));
}

export async function restoreArticle(locale: string, id: string, revision: number, baseRevision: number): Promise<ArticleDetail> {
  return present(await request<ArticleDetail>('POST', `${articlePath(locale, id)}/restore`, { revision, baseRevision }));
}

export async function deleteArticle(locale: string, id: string, baseRevision: number): Promise<void> {
  await request('DELETE', articlePath(locale, id), { baseRevision });
}

/** The markdown body as the widget will show it: the server's sanitised HTML and the short answer. */
export async function previewArticle(body: string): Promise<ArticlePreviewResponse> {
  return present(await request<ArticlePreviewResponse>('POST', '/v1/agent/articles/preview', { body }), (r) => typeof r.html === 'string');
}

export async function tryBot(text: string, locale: 'en' | 'zh' | undefined, drafts = true): Promise<BotTrialResponse> {
  return present(await request<BotTrialResponse>('POST', '/v1/agent/bot/try', { text, locale, drafts }), (r) => typeof r.decision === 'string');
}

export async function fetchAssist(text: string, locale: 'en' | 'zh' | undefined): Promise<AssistResponse> {
  return present(await request<AssistResponse>('POST', '/v1/agent/assist', { text, locale }), (r) => Array.isArray(r.articles));
}

// ---- settings and learned phrasings (the site's admins) -------------------------------------

export async function saveSiteSettings(settings: SiteConfig, baseVersion: number): Promise<SiteSettingsResponse> {
  return present(await request<SiteSettingsResponse>('PUT', '/v1/agent/site/settings', { settings, baseVersion }), (r) => !!r.site);
}

export async function fetchPhrasingProposals(): Promise<PhrasingProposal[]> {
  const result = await request<{ proposals?: unknown }>('GET', '/v1/agent/phrasing-proposals');
  const proposals = Array.isArray(result?.proposals) ? (result.proposals as PhrasingProposal[]) : [];
  // Ids go into URLs: whatever the server numbers them with, they are strings here.
  return proposals.filter((proposal) => proposal && typeof proposal.question === 'string').map((proposal) => ({ ...proposal, id: String(proposal.id) }));
}

export async function decidePhrasingProposal(id: string, decision: 'accept' | 'reject'): Promise<void> {
  await request('POST', `/v1/agent/phrasing-proposals/${encodeURIComponent(id)}/${decision}`);
}
