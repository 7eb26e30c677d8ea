/** The console's calls for tickets (protocol/tickets.ts) and the shopper's data rights (protocol/data-rights.ts). */
import type { AuditEntry, DataExport, DataSubject, ErasureResult } from '../../protocol/data-rights.ts';
import type { TicketCreate, TicketDetail, TicketListQuery, TicketListResponse, TicketUpdate } from '../../protocol/tickets.ts';
import { ApiError, request } from './api.ts';

function ticketOf(result: { ticket?: TicketDetail } | null): TicketDetail {
  if (!result?.ticket) throw new ApiError(500, 'bad_response', 'The server sent an unexpected answer.');
  return result.ticket;
}

export async function fetchTickets(query: Partial<TicketListQuery>): Promise<TicketListResponse> {
  const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
  const result = await request<TicketListResponse>('GET', `/v1/agent/tickets?${params}`);
  return { tickets: Array.isArray(result?.tickets) ? result.tickets : [], dueToday: result?.dueToday ?? 0 };
}

export async function fetchTicket(ref: string): Promise<TicketDetail> {
  return ticketOf(await request<{ ticket: TicketDetail }>('GET', `/v1/agent/tickets/${encodeURIComponent(ref)}`));
}

export async function createTicket(input: Partial<TicketCreate> & Pick<TicketCreate, 'conversationId' | 'title'>): Promise<TicketDetail> {
  return ticketOf(await request<{ ticket: TicketDetail }>('POST', '/v1/agent/tickets', input));
}

export async function updateTicket(ref: string, update: TicketUpdate): Promise<TicketDetail> {
  return ticketOf(await request<{ ticket: TicketDetail }>('PUT', `/v1/agent/tickets/${encodeURIComponent(ref)}`, update));
}

export async function commentOnTicket(ref: string, text: string): Promise<TicketDetail> {
  return ticketOf(await request<{ ticket: TicketDetail }>('POST', `/v1/agent/tickets/${encodeURIComponent(ref)}/comments`, { text }));
}

const subjectQuery = (subject: DataSubject) =>
  new URLSearchParams(Object.entries(subject).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));

export async function exportSubject(subject: DataSubject): Promise<DataExport> {
  const result = await request<DataExport>('GET', `/v1/agent/data-rights/export?${subjectQuery(subject)}`);
  if (!result || !Array.isArray(result.conversations)) throw new ApiError(500, 'bad_response', 'The server sent an unexpected answer.');
  return result;
}

export async function eraseSubject(subject: DataSubject): Promise<ErasureResult> {
  const result = await request<ErasureResult>('POST', '/v1/agent/data-rights/erase', subject);
  if (!result) throw new ApiError(500, 'bad_response', 'The server sent an unexpected answer.');
  return result;
}

export async function fetchAudit(): Promise<AuditEntry[]> {
  const result = await request<{ entries?: AuditEntry[] }>('GET', '/v1/agent/data-rights/audit');
  return Array.isArray(result?.entries) ? result.entries : [];
}
