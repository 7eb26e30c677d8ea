/** The console's calls for reports, follow-ups and handover notes (worker/routes/reports.ts). */
import type { FollowUp, HandoverListResponse, ReportResponse, ReportTable } from '../../protocol/reports.ts';
import { ApiError, request } from './api.ts';

function present<T>(result: T | null, valid: (value: T) => boolean): T {
  if (result === null || typeof result !== 'object' || !valid(result)) throw new ApiError(500, 'bad_response', 'The server sent an unexpected answer.');
  return result;
}

export async function fetchReport(from: string, to: string): Promise<ReportResponse> {
  const query = new URLSearchParams({ from, to });
  return present(await request<ReportResponse>('GET', `/v1/agent/reports?${query}`), (r) => !!r.figures && Array.isArray(r.daily));
}

export function reportCsvUrl(from: string, to: string, table: ReportTable): string {
  return `/v1/agent/reports.csv?${new URLSearchParams({ from, to, table })}`;
}

export async function fetchFollowUps(status: 'open' | 'done' | 'all'): Promise<FollowUp[]> {
  const result = await request<{ followUps?: unknown }>('GET', `/v1/agent/follow-ups?${new URLSearchParams({ status })}`);
  return Array.isArray(result?.followUps) ? (result.followUps as FollowUp[]) : [];
}

export async function markFollowUpDone(id: number, note: string): Promise<void> {
  await request('POST', `/v1/agent/follow-ups/${encodeURIComponent(String(id))}/done`, { note });
}

export async function fetchHandoverNotes(options: { q?: string; view?: 'all' | 'since-last-session' } = {}): Promise<HandoverListResponse> {
  const query = new URLSearchParams();
  if (options.q) query.set('q', options.q);
  if (options.view) query.set('view', options.view);
  const suffix = query.toString() ? `?${query}` : '';
  return present(await request<HandoverListResponse>('GET', `/v1/agent/handover-notes${suffix}`), (r) => Array.isArray(r.notes));
}

export async function writeHandoverNote(text: string): Promise<void> {
  await request('POST', '/v1/agent/handover-notes', { text });
}

export async function markHandoverRead(ids: number[]): Promise<void> {
  if (ids.length) await request('POST', '/v1/agent/handover-notes/read', { ids });
}
