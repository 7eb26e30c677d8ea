/**
 * The SiteInbox's service desk: reports, follow-ups and shift handover notes, each a store that
 * owns its own tables (reports-store.ts, follow-ups.ts, handover-notes.ts). The inbox calls the
 * recorders where events happen and exposes thin RPC methods that land here.
 */
import type { HandoffReason, ShopperContext } from '../../protocol/index.ts';
import type { FollowUp, HandoverListResponse, ReportResponse, ReportTable } from '../../protocol/reports.ts';
import { toCsv } from '../reports/figures.ts';
import type { SiteConfig } from '../sites.ts';
import { FollowUps } from './follow-ups.ts';
import { HandoverNotes } from './handover-notes.ts';
import { CHAT_COLUMNS, ReportsStore, type ReportTargets } from './reports-store.ts';

/** Who asks for a report: an agent of the site (admins see every agent) or the operator's key. */
export type ReportViewer = { kind: 'key' } | { kind: 'agent'; agentId: string; role: 'admin' | 'agent' };

export interface ReportRequest {
  from: string;
  to: string;
  viewer: ReportViewer;
}

/** Events the Conversation reports (RPC recordChatEvents). */
export type ChatEvent =
  | { kind: 'message'; at: number }
  | { kind: 'answer'; at: number }
  | { kind: 'chip'; at: number }
  | { kind: 'feedback'; helpful: boolean; at: number };

/** The most per-chat rows one CSV carries. */
export const CHAT_CSV_LIMIT = 50_000;

export class ServiceDesk {
  readonly reports: ReportsStore;
  readonly followUps: FollowUps;
  readonly handover: HandoverNotes;

  constructor(private readonly sql: SqlStorage) {
    this.reports = new ReportsStore(sql);
    this.followUps = new FollowUps(sql);
    this.handover = new HandoverNotes(sql);
  }

  /** A bot turn's events. A message only makes the chat's report row, which every other event makes too. */
  chatEvents(conversationId: string, events: ChatEvent[]): void {
    const others = events.filter((event) => event.kind !== 'message');
    if (others.length === 0 && events[0]) this.reports.touched(conversationId, events[0].at);
    for (const event of others) this.chatEvent(conversationId, event);
  }

  private chatEvent(conversationId: string, event: Exclude<ChatEvent, { kind: 'message' }>): void {
    if (event.kind === 'answer' || event.kind === 'chip') this.reports.answered(conversationId, event.at, event.kind === 'chip');
    else this.reports.feedback(conversationId, event.helpful, event.at);
  }

  handedOff(
    request: { conversationId: string; reason: HandoffReason; lastMessage: string; shopper: ShopperContext },
    outcome: 'queued' | 'offline',
    at: number,
  ): void {
    this.reports.handedOff(request.conversationId, request.reason, outcome, at);
    if (request.reason === 'complaint') this.followUps.fromComplaint(request.conversationId, request.lastMessage, at);
  }

  rated(conversationId: string, score: number, comment: string, at: number): void {
    const holder = this.reports.holder(conversationId);
    this.reports.rated(conversationId, score);
    this.followUps.fromRating(conversationId, score, comment, holder, at);
  }

  report(site: SiteConfig, request: ReportRequest, now: number): ReportResponse {
    const viewer = request.viewer;
    return this.reports.report({
      site: site.id,
      timeZone: site.businessHours.timezone,
      from: request.from,
      to: request.to,
      targets: targetsOf(site),
      now,
      onlyAgent: viewer.kind === 'agent' && viewer.role !== 'admin' ? viewer.agentId : undefined,
      agentNames: this.agentNames(),
      followUps: (start, end) => this.followUps.counts(start, end),
    });
  }

  /** One table of the report as CSV (`chats`: the per-chat rows). */
  reportCsv(site: SiteConfig, request: ReportRequest & { table: ReportTable }, now: number): string {
    const viewer = request.viewer;
    if (request.table === 'chats') {
      const onlyAgent = viewer.kind === 'agent' && viewer.role !== 'admin' ? viewer.agentId : undefined;
      const rows = this.reports.chatRows({ timeZone: site.businessHours.timezone, from: request.from, to: request.to, onlyAgent, limit: CHAT_CSV_LIMIT });
      return toCsv(CHAT_COLUMNS, rows);
    }
    return reportTableCsv(this.report(site, request, now), request.table);
  }

  /** The items, with the agent who last held each chat and the shopper from the inbox's chats table (read only). */
  followUpList(status: 'open' | 'done' | 'all'): FollowUp[] {
    const names = this.agentNames();
    return this.followUps.list(status, names).map((item) => {
      const agentId = item.agentId ?? this.reports.holder(item.conversationId);
      const row = this.sql.exec<{ shopper: string }>('SELECT shopper FROM chats WHERE conversation_id = ?', item.conversationId).toArray()[0];
      let shopper: { name?: string; email?: string } = {};
      try {
        shopper = row ? (JSON.parse(row.shopper) as typeof shopper) : {};
      } catch {
        shopper = {};
      }
      return {
        ...item,
        agentId,
        agentName: agentId ? (names.get(agentId) ?? null) : null,
        shopperName: shopper.name?.trim() || null,
        shopperEmail: shopper.email?.trim() || null,
      };
    });
  }

  handoverList(site: SiteConfig, readerId: string, options: { query?: string; sinceLastSession: boolean }, now: number): HandoverListResponse {
    const retentionDays = site.serviceLevels.handoverRetentionDays;
    return {
      notes: this.handover.list(readerId, { ...options, now, retentionDays }, this.agentNames()),
      lastSessionAt: this.handover.lastSession(readerId),
      retentionDays,
    };
  }

  /** Read-only look at the inbox's agents table, for names in tables. */
  private agentNames(): Map<string, string> {
    return new Map(
      this.sql
        .exec<{ id: string; name: string }>('SELECT id, name FROM agents')
        .toArray()
        .map((row) => [row.id, row.name]),
    );
  }
}

export function targetsOf(site: SiteConfig): ReportTargets {
  const levels = site.serviceLevels;
  return {
    takenWithinSeconds: levels.takenWithinSeconds,
    takenShareTarget: levels.takenShareTarget,
    complaintCloseHours: levels.complaintCloseHours,
    ticketReplyHours: levels.ticketReplyHours,
  };
}

/** The report's tables as CSV, the same rows the JSON carries (the console's tables show them too). */
export function reportTableCsv(report: ReportResponse, table: Exclude<ReportTable, 'chats'>): string {
  switch (table) {
    case 'figures':
      return toCsv(
        ['figure', 'value', 'previous'],
        Object.entries(report.figures).map(([name, figure]) => [name, figure.value, figure.previous]),
      );
    case 'reasons':
      return toCsv(
        ['reason', 'count', 'previous'],
        report.handoffsByReason.map((row) => [row.reason, row.count.value, row.count.previous]),
      );
    case 'csat':
      return toCsv(
        ['score', 'count', 'previous'],
        report.csatDistribution.map((row) => [row.score, row.count.value, row.count.previous]),
      );
    case 'agents':
      return toCsv(
        ['agent_id', 'name', 'chats', 'first_reply_p50_s', 'csat_average', 'csat_responses', 'transfers'],
        report.agents.map((row) => [row.agentId, row.name, row.chats, row.firstReplyP50, row.csatAverage, row.csatResponses, row.transfers]),
      );
    case 'daily':
      return toCsv(
        ['date', 'started', 'handoffs_to_queue', 'taken_within_target', 'taken_within_target_share'],
        report.daily.map((row) => [row.date, row.started, row.handoffsToQueue, row.takenWithinTarget, row.takenWithinTargetShare]),
      );
    case 'heatmap':
      return toCsv(
        ['weekday', 'hour', 'chats'],
        report.heatmap.map((row) => [row.weekday, row.hour, row.chats]),
      );
    case 'gaps':
      return toCsv(
        ['locale', 'question', 'count'],
        report.knowledgeGaps.map((row) => [row.locale, row.question, row.count]),
      );
  }
}
