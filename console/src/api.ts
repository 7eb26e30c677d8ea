/** The console's HTTP calls: same origin, JSON bodies, the session rides in an HttpOnly cookie. */
import type { AgentProfile, AgentRole, AgentSessionResponse, SiteSetupResponse } from '../../protocol/agent.ts';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Words an agent can act on, for the codes the console knows; otherwise the server's message. */
const FRIENDLY: Record<string, string> = {
  invalid_credentials: 'That e-mail and password do not match an agent of this site.',
  unauthorized: 'Your session has ended. Please sign in again.',
  forbidden: 'You are not allowed to do that.',
  rate_limited: 'Too many attempts. Wait a moment and try again.',
  internal: 'Something went wrong on our side. Try again in a moment.',
};

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T | null> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection and try again.');
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
    const serverMessage = typeof error.message === 'string' && error.message ? error.message : `The server answered ${response.status}.`;
    throw new ApiError(response.status, code, FRIENDLY[code] ?? serverMessage);
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

/** A question the bot could not answer, counted per normalised wording. */
export interface KnowledgeGap {
  locale: string;
  question: string;
  count: number;
  /** `low_confidence` or `not_helpful`; anything else is shown as it is. */
  reason: string;
  /** Epoch milliseconds. */
  lastAsked: number;
}

export async function fetchKnowledgeGaps(): Promise<KnowledgeGap[]> {
  const result = await request<{ gaps?: unknown }>('GET', '/v1/agent/knowledge-gaps');
  const gaps = Array.isArray(result?.gaps) ? (result.gaps as KnowledgeGap[]) : [];
  return gaps
    .filter((gap) => gap && typeof gap.question === 'string')
    .map((gap) => ({
      locale: String(gap.locale ?? ''),
      question: gap.question,
      count: Number.isFinite(gap.count) ? gap.count : 0,
      reason: String(gap.reason ?? ''),
      lastAsked: Number.isFinite(gap.lastAsked) ? gap.lastAsked : 0,
    }))
    .sort((a, b) => b.count - a.count || b.lastAsked - a.lastAsked);
}
