/**
 * The work-order rules over the ticket tables (tickets.ts): due times from the site's SLA per
 * kind, overdue and due-today in the site's time zone, every change written to the activity
 * log, and the shopper's view (status and their own messages, never internal comments).
 * Synchronous: the SiteInbox calls it between awaits, so two agents' edits never interleave.
 */
import type {
  ShopperTicket,
  TicketCreate,
  TicketDetail,
  TicketKind,
  TicketListQuery,
  TicketListResponse,
  TicketSummary,
  TicketUpdate,
} from '../../protocol/tickets.ts';
import { localDayBounds } from '../business-hours.ts';
import type { SiteConfig } from '../sites.ts';
import type { AgentDirectory } from './agent-directory.ts';
import { type TicketRow, Tickets } from './tickets.ts';

const HOUR_MS = 60 * 60 * 1000;
/** A shopper's messages on one ticket: enough for any real case, and a ceiling for a script. */
export const MAX_SHOPPER_MESSAGES = 50;

/** Hours a ticket of this kind has (site settings serviceLevels). */
export function ticketDueHours(site: SiteConfig, kind: TicketKind): number {
  const levels = site.serviceLevels;
  return levels.ticketDueHours[kind] ?? (kind === 'complaint' ? levels.complaintCloseHours : levels.ticketReplyHours);
}

export const ticketRef = (siteId: string, id: number) => `${siteId}-${id}`;

/** The site and number in a reference (`demo-12` → demo, 12). */
export function parseTicketRef(ref: string): { siteId: string; id: number } {
  const dash = ref.lastIndexOf('-');
  return { siteId: ref.slice(0, dash), id: Number(ref.slice(dash + 1)) };
}

export type TicketOutcome<T> = { ok: true; value: T } | { ok: false; status: 403 | 404 | 400 | 429; error: string; message: string };

const NOT_FOUND = { ok: false, status: 404, error: 'not_found', message: 'No such ticket.' } as const;

export class TicketDesk {
  readonly store: Tickets;

  constructor(
    sql: SqlStorage,
    private readonly agents: AgentDirectory,
  ) {
    this.store = new Tickets(sql);
  }

  /** The offline form: a ticket from the shopper, a complaint if the chat was handed off as one. */
  createOffline(
    site: SiteConfig,
    input: { conversationId: string; email: string; message: string; locale: 'en' | 'zh'; complaint: boolean },
    now: number,
  ): number {
    const kind: TicketKind = input.complaint ? 'complaint' : 'question';
    const id = this.store.create(
      {
        conversationId: input.conversationId,
        email: input.email,
        message: input.message,
        locale: input.locale,
        title: firstLine(input.message),
        kind,
        team: null,
        priority: input.complaint ? 'high' : 'normal',
        assigneeId: null,
        source: 'offline',
        dueAt: now + ticketDueHours(site, kind) * HOUR_MS,
      },
      now,
    );
    this.store.log(id, { actor: 'shopper', action: 'created', to: 'open' }, now);
    return id;
  }

  /** An agent opens a ticket from a chat. */
  createFromChat(site: SiteConfig, agentId: string, input: TicketCreate & { email: string; locale: 'en' | 'zh' }, now: number): TicketOutcome<number> {
    if (input.assigneeId && !this.agents.profile(input.assigneeId)) return unknownAgent();
    const id = this.store.create(
      {
        conversationId: input.conversationId,
        email: input.email,
        message: '',
        locale: input.locale,
        title: input.title,
        kind: input.kind,
        team: input.team ?? null,
        priority: input.priority,
        assigneeId: input.assigneeId ?? null,
        source: 'chat',
        dueAt: now + ticketDueHours(site, input.kind) * HOUR_MS,
      },
      now,
    );
    const actorName = this.agents.profile(agentId)?.name ?? null;
    this.store.log(id, { actor: agentId, actorName, action: 'created', to: 'open' }, now);
    if (input.assigneeId) this.store.log(id, { actor: agentId, actorName, action: 'assignee', to: input.assigneeId }, now);
    if (input.comment) this.comment(agentId, id, input.comment, now);
    return { ok: true, value: id };
  }

  /** Applies the changes that differ, one activity entry each. A new kind moves the due time. */
  update(site: SiteConfig, agentId: string, id: number, update: TicketUpdate, now: number): TicketOutcome<{ statusBefore: string }> {
    const row = this.store.get(id);
    if (!row) return NOT_FOUND;
    if (update.assigneeId && !this.agents.profile(update.assigneeId)) return unknownAgent();
    const actorName = this.agents.profile(agentId)?.name ?? null;
    const changes: Parameters<Tickets['set']>[1] = {};
    const log = (action: 'status' | 'priority' | 'kind' | 'assignee', from: string | null, to: string | null) =>
      this.store.log(id, { actor: agentId, actorName, action, from, to }, now);
    if (update.status && update.status !== row.status) {
      changes.status = update.status;
      log('status', row.status, update.status);
    }
    if (update.priority && update.priority !== row.priority) {
      changes.priority = update.priority;
      log('priority', row.priority, update.priority);
    }
    if (update.kind && update.kind !== row.kind) {
      changes.kind = update.kind;
      changes.due_at = row.created_at + ticketDueHours(site, update.kind) * HOUR_MS;
      log('kind', row.kind, update.kind);
    }
    if (update.assigneeId !== undefined && update.assigneeId !== row.assignee_id) {
      changes.assignee_id = update.assigneeId;
      log('assignee', row.assignee_id, update.assigneeId);
    }
    if (Object.keys(changes).length > 0) this.store.set(id, changes, now);
    return { ok: true, value: { statusBefore: row.status } };
  }

  comment(agentId: string, id: number, text: string, now: number): boolean {
    if (!this.store.get(id)) return false;
    const agentName = this.agents.profile(agentId)?.name ?? undefined;
    this.store.addComment(id, { author: 'agent', agentId, agentName, text }, now);
    this.store.log(id, { actor: agentId, actorName: agentName, action: 'comment' }, now);
    this.store.set(id, {}, now);
    return true;
  }

  /** The shopper writes on their ticket: agents see it, and a solved ticket opens again. */
  shopperMessage(conversationId: string, id: number, text: string, now: number): TicketOutcome<{ reopened: boolean }> {
    const row = this.store.get(id);
    if (!row) return NOT_FOUND;
    if (row.conversation_id !== conversationId) return { ok: false, status: 403, error: 'forbidden', message: 'This ticket belongs to another conversation.' };
    if (this.store.comments(id, 'shopper').length >= MAX_SHOPPER_MESSAGES) {
      return { ok: false, status: 429, error: 'too_many_messages', message: 'This request has many messages already; we will reply soon.' };
    }
    this.store.addComment(id, { author: 'shopper', text }, now);
    this.store.log(id, { actor: 'shopper', action: 'shopper_message' }, now);
    const reopened = row.status === 'solved';
    if (reopened) this.store.log(id, { actor: 'shopper', action: 'status', from: 'solved', to: 'open' }, now);
    this.store.set(id, reopened ? { status: 'open' } : {}, now);
    return { ok: true, value: { reopened } };
  }

  list(site: SiteConfig, agentId: string, query: TicketListQuery, now: number): TicketListResponse {
    const assigneeId = query.assignee === 'me' ? agentId : query.assignee === 'none' ? null : query.assignee;
    const rows = this.store.list({ status: query.status, assigneeId, conversationId: query.conversationId });
    return { tickets: rows.map((row) => this.summary(site, row, now)), dueToday: this.dueToday(site, now) };
  }

  /** The inbox snapshot's part: unsolved tickets, overdue first, and how many are due today. */
  inboxView(site: SiteConfig | null, now: number): { tickets: TicketSummary[]; dueToday: number } {
    if (!site) return { tickets: [], dueToday: 0 };
    return { tickets: this.store.list({ status: 'unsolved' }, 100).map((row) => this.summary(site, row, now)), dueToday: this.dueToday(site, now) };
  }

  dueToday(site: SiteConfig, now: number): number {
    const { start, end } = localDayBounds(site.businessHours.timezone, new Date(now));
    return this.store.countDueBetween(start, end);
  }

  detail(site: SiteConfig, id: number, now: number): TicketDetail | null {
    const row = this.store.get(id);
    if (!row) return null;
    return { ...this.summary(site, row, now), comments: this.store.comments(id), activity: this.store.activity(id) };
  }

  forShopper(site: SiteConfig, conversationId: string): ShopperTicket[] {
    return this.store.list({ status: 'all', conversationId }).map((row) => this.shopperView(site, row));
  }

  shopperView(site: SiteConfig, row: TicketRow): ShopperTicket {
    const messages = this.store.comments(row.id, 'shopper').map(({ at, text }) => ({ at, text }));
    return {
      ref: ticketRef(site.id, row.id),
      title: row.title,
      status: asStatus(row.status),
      updatedAt: row.updated_at,
      messages: row.message ? [{ at: row.created_at, text: row.message }, ...messages] : messages,
    };
  }

  summary(site: SiteConfig, row: TicketRow, now: number): TicketSummary {
    const status = asStatus(row.status);
    return {
      id: row.id,
      ref: ticketRef(site.id, row.id),
      conversationId: row.conversation_id,
      title: row.title,
      message: row.message,
      kind: row.kind as TicketKind,
      team: row.team,
      status,
      priority: row.priority as TicketSummary['priority'],
      assigneeId: row.assignee_id,
      assigneeName: row.assignee_id ? (this.agents.profile(row.assignee_id)?.name ?? null) : null,
      source: row.source === 'chat' ? 'chat' : 'offline',
      email: row.email,
      locale: row.locale === 'zh' ? 'zh' : 'en',
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      dueAt: row.due_at,
      overdue: status !== 'solved' && row.due_at < now,
    };
  }
}

function asStatus(status: string): TicketSummary['status'] {
  return status === 'pending' || status === 'solved' ? status : 'open';
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

function unknownAgent() {
  return { ok: false, status: 400, error: 'unknown_agent', message: 'Choose an agent of this site.' } as const;
}
