/**
 * Reports: every service event of a chat updates the chat's row (report_chats) and adds to
 * per-hour aggregates (report_hours: counts and sums; report_durations: per-second histograms
 * for percentiles), and the same per UTC day (report_days, report_day_durations). A report reads
 * the whole UTC days inside its range from the day tables and the hours at either edge from the
 * hour tables, so it is exact in any whole-hour time zone and reads a few rows per day, never
 * every chat.
 *
 * Hours are whole UTC hours (worker/reports/figures.ts maps them to the site's days). A figure is
 * counted in the hour of the moment it belongs to:
 * - conversations started, helpful/not helpful, chips: when they happened;
 * - bot-only resolution: the hour the conversation started;
 * - handoffs, queue waits, taken shares, abandoned, first replies, handle time, transfers and
 *   ratings: the hour of the handoff they follow;
 * - complaints: the hour of the complaint; tickets: the hour the ticket was written.
 *
 * Bot-only rule: a conversation counts as resolved by the bot alone when the bot answered it at
 * least once (an answer or a chosen chip), nothing handed it to a person before, and neither a
 * handoff nor a "not helpful" followed within 24 h of the bot's last answer. A shopper who comes
 * back about the same question comes back in the same conversation (the widget resumes it by its
 * token), so that is where a handoff or a "not helpful" within 24 h shows up. A handoff more than
 * 24 h after the last answer is a new question and leaves the earlier resolution standing.
 */
import type { ReportAgentRow, ReportFigures, ReportResponse } from '../../protocol/reports.ts';
import {
  average,
  bucketRange,
  datesIn,
  HOUR_MS,
  hourBucket,
  localTime,
  percentile,
  previousPeriod,
  rangeInstants,
  secondsBetween,
  share,
  spans,
} from '../reports/figures.ts';

export const BOT_ONLY_WINDOW_MS = 24 * HOUR_MS;
const SITE = '';

export interface ReportTargets {
  takenWithinSeconds: number;
  takenShareTarget: number;
  complaintCloseHours: number;
  ticketReplyHours: number;
}

interface ChatRow extends Record<string, SqlStorageValue> {
  conversation_id: string;
  started_at: number;
  bot_state: number;
  last_answer_at: number | null;
  had_handoff: number;
  episode_at: number | null;
  episode_outcome: string | null;
  reason: string | null;
  taken_at: number | null;
  agent_id: string | null;
  first_reply_at: number | null;
  ended_at: number | null;
  outcome: string | null;
  complaint_at: number | null;
  complaint_closed_at: number | null;
  transfers: number;
  rating: number | null;
}

/** The columns of the per-chat CSV, in order. */
export const CHAT_COLUMNS = [
  'conversation_id',
  'started_at',
  'bot_only',
  'helpful',
  'not_helpful',
  'chips',
  'handoffs',
  'reason',
  'handoff_at',
  'handoff_outcome',
  'taken_at',
  'queue_wait_s',
  'agent_id',
  'first_reply_s',
  'ended_at',
  'outcome',
  'handle_s',
  'transfers',
  'rating',
  'complaint_at',
  'complaint_closed_at',
] as const;

export class ReportsStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS report_chats (
        conversation_id TEXT PRIMARY KEY, started_at INTEGER NOT NULL,
        bot_state INTEGER NOT NULL DEFAULT 0, last_answer_at INTEGER, had_handoff INTEGER NOT NULL DEFAULT 0,
        helpful INTEGER NOT NULL DEFAULT 0, not_helpful INTEGER NOT NULL DEFAULT 0, chips INTEGER NOT NULL DEFAULT 0,
        handoffs INTEGER NOT NULL DEFAULT 0, episode_at INTEGER, episode_outcome TEXT, reason TEXT,
        taken_at INTEGER, agent_id TEXT, first_reply_at INTEGER, ended_at INTEGER, outcome TEXT,
        complaint_at INTEGER, complaint_closed_at INTEGER, transfers INTEGER NOT NULL DEFAULT 0, rating INTEGER
      );
      CREATE INDEX IF NOT EXISTS report_chats_started ON report_chats (started_at);
      CREATE INDEX IF NOT EXISTS report_chats_pending ON report_chats (bot_state, last_answer_at);
      CREATE TABLE IF NOT EXISTS report_hours (
        agent_id TEXT NOT NULL, hour INTEGER NOT NULL, metric TEXT NOT NULL, n INTEGER NOT NULL, total REAL NOT NULL,
        PRIMARY KEY (agent_id, hour, metric)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS report_durations (
        agent_id TEXT NOT NULL, hour INTEGER NOT NULL, metric TEXT NOT NULL, seconds INTEGER NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (agent_id, hour, metric, seconds)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS report_days (
        agent_id TEXT NOT NULL, day INTEGER NOT NULL, metric TEXT NOT NULL, n INTEGER NOT NULL, total REAL NOT NULL,
        PRIMARY KEY (agent_id, day, metric)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS report_day_durations (
        agent_id TEXT NOT NULL, day INTEGER NOT NULL, metric TEXT NOT NULL, seconds INTEGER NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (agent_id, day, metric, seconds)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS report_tickets (
        ticket_id INTEGER PRIMARY KEY, conversation_id TEXT NOT NULL, created_at INTEGER NOT NULL, answered_at INTEGER
      );
      CREATE TABLE IF NOT EXISTS report_gaps (
        hour INTEGER NOT NULL, locale TEXT NOT NULL, question TEXT NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (hour, locale, question)
      ) WITHOUT ROWID;
    `);
  }

  // ---- recording ------------------------------------------------------------------------

  /** The shopper wrote (or acted): the first event of a conversation starts it. */
  touched(conversationId: string, at: number): void {
    this.start(conversationId, at);
  }

  /** The bot answered (an article, or a chip the shopper chose). */
  answered(conversationId: string, at: number, chip = false): void {
    if (chip) this.bump(SITE, hourBucket(at), 'chips');
    // Most answers are not a chat's first: then one statement does it (this runs on every bot
    // turn of every chat of the site). Otherwise it changes nothing, and the row is made or read.
    const later = this.sql.exec(
      'UPDATE report_chats SET last_answer_at = ?, chips = chips + ? WHERE conversation_id = ? AND NOT (bot_state = 0 AND had_handoff = 0)',
      at,
      chip ? 1 : 0,
      conversationId,
    );
    if (later.rowsWritten > 0) return;
    const row = this.ensure(conversationId, at);
    if (row.bot_state === 0 && row.had_handoff === 0) this.bump(SITE, hourBucket(row.started_at), 'bot_answered');
    this.sql.exec(
      `UPDATE report_chats SET last_answer_at = ?, chips = chips + ?, bot_state = CASE WHEN bot_state = 0 AND had_handoff = 0 THEN 1 ELSE bot_state END
       WHERE conversation_id = ?`,
      at,
      chip ? 1 : 0,
      conversationId,
    );
  }

  feedback(conversationId: string, helpful: boolean, at: number): void {
    this.ensure(conversationId, at);
    this.bump(SITE, hourBucket(at), helpful ? 'helpful' : 'not_helpful');
    this.sql.exec(`UPDATE report_chats SET ${helpful ? 'helpful = helpful + 1' : 'not_helpful = not_helpful + 1'} WHERE conversation_id = ?`, conversationId);
    if (!helpful) this.disqualify(conversationId, at);
  }

  handedOff(conversationId: string, reason: string, outcome: 'queued' | 'offline', at: number): void {
    this.ensure(conversationId, at);
    this.disqualify(conversationId, at);
    const hour = hourBucket(at);
    this.bump(SITE, hour, 'handoffs');
    this.bump(SITE, hour, `reason:${reason}`);
    if (outcome === 'queued') this.bump(SITE, hour, 'to_queue');
    if (reason === 'complaint') this.bump(SITE, hour, 'complaints');
    this.sql.exec(
      `UPDATE report_chats SET had_handoff = 1, handoffs = handoffs + 1, episode_at = ?, episode_outcome = ?, reason = ?,
         taken_at = NULL, agent_id = NULL, first_reply_at = NULL, ended_at = NULL, outcome = NULL, rating = NULL,
         complaint_at = CASE WHEN ? = 'complaint' THEN ? ELSE complaint_at END,
         complaint_closed_at = CASE WHEN ? = 'complaint' THEN NULL ELSE complaint_closed_at END
       WHERE conversation_id = ?`,
      at,
      outcome,
      reason,
      reason,
      at,
      reason,
      conversationId,
    );
  }

  /** A person took the chat (claim or auto-assignment). A chat returned to the queue and taken again keeps its first wait. */
  taken(conversationId: string, agentId: string, at: number): void {
    const row = this.row(conversationId);
    if (!row || row.episode_at === null || row.episode_outcome !== 'queued' || row.ended_at !== null) return;
    if (row.taken_at !== null) {
      this.sql.exec('UPDATE report_chats SET agent_id = ? WHERE conversation_id = ?', agentId, conversationId);
      return;
    }
    const hour = hourBucket(row.episode_at);
    const wait = secondsBetween(row.episode_at, at);
    this.bump(SITE, hour, 'taken');
    this.bump(agentId, hour, 'taken');
    this.histogram(SITE, hour, 'wait', wait);
    this.sql.exec('UPDATE report_chats SET taken_at = ?, agent_id = ? WHERE conversation_id = ?', at, agentId, conversationId);
  }

  agentReplied(conversationId: string, at: number): void {
    const row = this.row(conversationId);
    if (!row || row.taken_at === null || row.first_reply_at !== null || row.episode_at === null || row.ended_at !== null) return;
    const hour = hourBucket(row.episode_at);
    const seconds = secondsBetween(row.taken_at, at);
    this.histogram(SITE, hour, 'first_reply', seconds);
    if (row.agent_id) this.histogram(row.agent_id, hour, 'first_reply', seconds);
    this.sql.exec('UPDATE report_chats SET first_reply_at = ? WHERE conversation_id = ?', at, conversationId);
  }

  transferred(conversationId: string, fromAgentId: string, toAgentId: string): void {
    const row = this.row(conversationId);
    if (!row || row.episode_at === null) return;
    const hour = hourBucket(row.episode_at);
    this.bump(SITE, hour, 'transfers');
    this.bump(fromAgentId, hour, 'transfers');
    this.sql.exec('UPDATE report_chats SET transfers = transfers + 1, agent_id = ? WHERE conversation_id = ?', toAgentId, conversationId);
  }

  /** The chat left human hands (closed, or back to the bot), or a waiting shopper ended it. */
  released(conversationId: string, outcome: 'closed' | 'back_to_bot', at: number): void {
    const row = this.row(conversationId);
    if (!row || row.episode_at === null || row.ended_at !== null) return;
    const hour = hourBucket(row.episode_at);
    if (row.taken_at !== null) {
      const seconds = secondsBetween(row.taken_at, at);
      this.bump(SITE, hour, 'handle', seconds);
      if (outcome === 'closed') this.bump(SITE, hour, 'served_closed');
      if (outcome === 'closed' && row.agent_id) this.bump(row.agent_id, hour, 'served_closed');
    } else if (row.episode_outcome === 'queued') {
      this.bump(SITE, hour, 'abandoned');
    }
    if (outcome === 'closed' && row.complaint_at !== null && row.complaint_closed_at === null) {
      this.histogram(SITE, hourBucket(row.complaint_at), 'complaint_close', secondsBetween(row.complaint_at, at));
      this.sql.exec('UPDATE report_chats SET complaint_closed_at = ? WHERE conversation_id = ?', at, conversationId);
    }
    this.sql.exec('UPDATE report_chats SET ended_at = ?, outcome = ? WHERE conversation_id = ?', at, outcome, conversationId);
  }

  rated(conversationId: string, score: number): void {
    const row = this.row(conversationId);
    if (!row || row.episode_at === null || row.rating !== null) return;
    const hour = hourBucket(row.episode_at);
    this.bump(SITE, hour, `rating:${score}`);
    this.bump(SITE, hour, 'rating', score);
    if (row.agent_id) this.bump(row.agent_id, hour, 'rating', score);
    this.sql.exec('UPDATE report_chats SET rating = ? WHERE conversation_id = ?', score, conversationId);
  }

  ticketCreated(ticketId: number, conversationId: string, at: number): void {
    this.sql.exec('INSERT OR IGNORE INTO report_tickets (ticket_id, conversation_id, created_at) VALUES (?, ?, ?)', ticketId, conversationId, at);
    this.bump(SITE, hourBucket(at), 'tickets');
  }

  ticketAnswered(ticketId: number, at: number): void {
    const row = this.sql
      .exec<{ created_at: number; answered_at: number | null }>('SELECT created_at, answered_at FROM report_tickets WHERE ticket_id = ?', ticketId)
      .toArray()[0];
    if (!row || row.answered_at !== null) return;
    this.histogram(SITE, hourBucket(row.created_at), 'ticket_answer', secondsBetween(row.created_at, at));
    this.sql.exec('UPDATE report_tickets SET answered_at = ? WHERE ticket_id = ?', at, ticketId);
  }

  gapAsked(locale: string, question: string, at: number): void {
    const normalised = question.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim().slice(0, 500);
    if (!normalised) return;
    this.sql.exec(
      'INSERT INTO report_gaps (hour, locale, question, n) VALUES (?, ?, ?, 1) ON CONFLICT(hour, locale, question) DO UPDATE SET n = n + 1',
      hourBucket(at),
      locale,
      normalised,
    );
  }

  /** The agent a chat's follow-up names (the person who last held it). */
  holder(conversationId: string): string | null {
    return this.row(conversationId)?.agent_id ?? null;
  }

  // ---- the report -----------------------------------------------------------------------

  report(input: {
    site: string;
    timeZone: string;
    from: string;
    to: string;
    targets: ReportTargets;
    now: number;
    /** Set for an agent's own view: site totals, and only this agent's row. */
    onlyAgent?: string;
    agentNames: Map<string, string>;
    followUps: (start: number, end: number) => { created: number; done: number };
  }): ReportResponse {
    const { timeZone, from, to, targets } = input;
    const previous = previousPeriod(from, to);
    const current = this.totals(from, to, timeZone, targets, input.followUps);
    const before = this.totals(previous.from, previous.to, timeZone, targets, input.followUps);
    const figures = Object.fromEntries(
      Object.keys(current.figures).map((key) => [
        key,
        { value: current.figures[key as keyof typeof current.figures], previous: before.figures[key as keyof typeof before.figures] },
      ]),
    ) as unknown as ReportFigures;
    const reasons = [...new Set([...current.reasons.keys(), ...before.reasons.keys()])].sort();
    const { first, last } = bucketRange(from, to, timeZone);
    const { start, end } = rangeInstants(from, to, timeZone);
    return {
      site: input.site,
      timezone: timeZone,
      from,
      to,
      previousFrom: previous.from,
      previousTo: previous.to,
      scope: input.onlyAgent ? 'agent' : 'site',
      targets,
      figures,
      handoffsByReason: reasons.map((reason) => ({
        reason,
        count: { value: current.reasons.get(reason) ?? 0, previous: before.reasons.get(reason) ?? 0 },
      })),
      csatDistribution: ([1, 2, 3, 4, 5] as const).map((score) => ({
        score,
        count: { value: current.ratings[score - 1]!, previous: before.ratings[score - 1]! },
      })),
      agents: this.agentRows(first, last, input.agentNames, input.onlyAgent),
      ...this.series(from, to, timeZone, first, last, targets),
      knowledgeGaps: this.sql
        .exec<{ locale: string; question: string; count: number }>(
          `SELECT locale, question, SUM(n) AS count FROM report_gaps WHERE hour BETWEEN ? AND ?
           GROUP BY locale, question ORDER BY count DESC, question LIMIT 10`,
          first,
          last,
        )
        .toArray(),
      botOnlyPending: this.sql
        .exec<{ n: number }>(
          'SELECT COUNT(*) AS n FROM report_chats WHERE bot_state = 1 AND last_answer_at > ? AND started_at >= ? AND started_at < ?',
          input.now - BOT_ONLY_WINDOW_MS,
          start,
          end,
        )
        .one().n,
    };
  }

  /** The per-chat rows of chats started in the range (an agent's view: the chats they hold or held last). */
  chatRows(input: { timeZone: string; from: string; to: string; onlyAgent?: string; limit: number }): (string | number | null)[][] {
    const { start, end } = rangeInstants(input.from, input.to, input.timeZone);
    const rows = this.sql
      .exec<ChatRow & { helpful: number; not_helpful: number; chips: number; handoffs: number }>(
        `SELECT * FROM report_chats WHERE started_at >= ? AND started_at < ? ${input.onlyAgent ? 'AND agent_id = ?' : ''}
         ORDER BY started_at LIMIT ?`,
        ...(input.onlyAgent ? [start, end, input.onlyAgent, input.limit] : [start, end, input.limit]),
      )
      .toArray();
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return rows.map((row) => [
      row.conversation_id,
      iso(row.started_at),
      row.bot_state === 1 ? 1 : 0,
      row.helpful,
      row.not_helpful,
      row.chips,
      row.handoffs,
      row.reason,
      iso(row.episode_at),
      row.episode_outcome,
      iso(row.taken_at),
      row.taken_at !== null && row.episode_at !== null ? secondsBetween(row.episode_at, row.taken_at) : null,
      row.agent_id,
      row.first_reply_at !== null && row.taken_at !== null ? secondsBetween(row.taken_at, row.first_reply_at) : null,
      iso(row.ended_at),
      row.outcome,
      row.ended_at !== null && row.taken_at !== null ? secondsBetween(row.taken_at, row.ended_at) : null,
      row.transfers,
      row.rating,
      iso(row.complaint_at),
      iso(row.complaint_closed_at),
    ]);
  }

  private totals(
    from: string,
    to: string,
    timeZone: string,
    targets: ReportTargets,
    followUps: (start: number, end: number) => { created: number; done: number },
  ) {
    const { first, last } = bucketRange(from, to, timeZone);
    const counts = new Map<string, { n: number; total: number }>();
    const span = spans(first, last);
    for (const row of this.sql.exec<{ metric: string; n: number; total: number }>(
      `SELECT metric, SUM(n) AS n, SUM(total) AS total FROM (
         SELECT metric, n, total FROM report_hours WHERE agent_id = ?1 AND hour BETWEEN ?2 AND ?3
         UNION ALL SELECT metric, n, total FROM report_hours WHERE agent_id = ?1 AND hour BETWEEN ?4 AND ?5
         UNION ALL SELECT metric, n, total FROM report_days WHERE agent_id = ?1 AND day BETWEEN ?6 AND ?7
       ) GROUP BY metric`,
      SITE,
      ...span,
    ))
      counts.set(row.metric, { n: row.n, total: row.total });
    const histograms = new Map<string, [number, number][]>();
    for (const row of this.sql.exec<{ metric: string; seconds: number; n: number }>(
      `SELECT metric, seconds, SUM(n) AS n FROM (
         SELECT metric, seconds, n FROM report_durations WHERE agent_id = ?1 AND hour BETWEEN ?2 AND ?3
         UNION ALL SELECT metric, seconds, n FROM report_durations WHERE agent_id = ?1 AND hour BETWEEN ?4 AND ?5
         UNION ALL SELECT metric, seconds, n FROM report_day_durations WHERE agent_id = ?1 AND day BETWEEN ?6 AND ?7
       ) GROUP BY metric, seconds`,
      SITE,
      ...span,
    )) {
      const list = histograms.get(row.metric) ?? [];
      list.push([row.seconds, row.n]);
      histograms.set(row.metric, list);
    }
    const n = (metric: string) => counts.get(metric)?.n ?? 0;
    const within = (metric: string, seconds: number) => (histograms.get(metric) ?? []).reduce((sum, [s, count]) => (s <= seconds ? sum + count : sum), 0);
    const hist = (metric: string) => histograms.get(metric) ?? [];
    const started = n('started');
    const botOnly = n('bot_answered') - n('bot_disqualified');
    const toQueue = n('to_queue');
    const ratings = [1, 2, 3, 4, 5].map((score) => n(`rating:${score}`));
    const { start, end } = rangeInstants(from, to, timeZone);
    const follow = followUps(start, end);
    const reasons = new Map<string, number>();
    for (const [metric, value] of counts) if (metric.startsWith('reason:')) reasons.set(metric.slice(7), value.n);
    const figures: Record<keyof ReportFigures, number | null> = {
      conversationsStarted: started,
      botOnlyResolved: botOnly,
      botOnlyShare: share(botOnly, started),
      helpful: n('helpful'),
      notHelpful: n('not_helpful'),
      chipsClicked: n('chips'),
      handoffs: n('handoffs'),
      handoffsToQueue: toQueue,
      takenWithinTargetShare: share(within('wait', targets.takenWithinSeconds), toQueue),
      takenWithin60sShare: share(within('wait', 60), toQueue),
      queueWaitP50: percentile(hist('wait'), 50),
      queueWaitP90: percentile(hist('wait'), 90),
      abandoned: n('abandoned'),
      firstReplyP50: percentile(hist('first_reply'), 50),
      firstReplyP90: percentile(hist('first_reply'), 90),
      handleTimeAverage: average(counts.get('handle')?.total ?? 0, n('handle')),
      transfers: n('transfers'),
      csatAverage: average(counts.get('rating')?.total ?? 0, n('rating')),
      csatResponses: n('rating'),
      csatResponseRate: share(n('rating'), n('served_closed')),
      complaints: n('complaints'),
      complaintsClosedWithinSlaShare: share(within('complaint_close', targets.complaintCloseHours * 3600), n('complaints')),
      offlineTickets: n('tickets'),
      ticketsAnsweredInTimeShare: share(within('ticket_answer', targets.ticketReplyHours * 3600), n('tickets')),
      followUpsCreated: follow.created,
      followUpsDone: follow.done,
    };
    return { figures, reasons, ratings };
  }

  private agentRows(first: number, last: number, names: Map<string, string>, onlyAgent?: string): ReportAgentRow[] {
    const rows = new Map<string, ReportAgentRow>();
    const rowFor = (agentId: string) => {
      let row = rows.get(agentId);
      if (!row) {
        row = { agentId, name: names.get(agentId) ?? agentId, chats: 0, firstReplyP50: null, csatAverage: null, csatResponses: 0, transfers: 0 };
        rows.set(agentId, row);
      }
      return row;
    };
    // One agent at a time, so each query is a range on the primary key (agent, hour or day).
    const span = spans(first, last);
    const ids = onlyAgent
      ? [onlyAgent]
      : this.sql
          .exec<{ agent_id: string }>("SELECT DISTINCT agent_id FROM report_days WHERE agent_id != ''")
          .toArray()
          .map((row) => row.agent_id);
    const histograms = new Map<string, [number, number][]>();
    for (const agentId of ids) {
      for (const row of this.sql.exec<{ metric: string; n: number; total: number }>(
        `SELECT metric, SUM(n) AS n, SUM(total) AS total FROM (
           SELECT metric, n, total FROM report_hours WHERE agent_id = ?1 AND hour BETWEEN ?2 AND ?3
           UNION ALL SELECT metric, n, total FROM report_hours WHERE agent_id = ?1 AND hour BETWEEN ?4 AND ?5
           UNION ALL SELECT metric, n, total FROM report_days WHERE agent_id = ?1 AND day BETWEEN ?6 AND ?7
         ) GROUP BY metric`,
        agentId,
        ...span,
      )) {
        const agent = rowFor(agentId);
        if (row.metric === 'taken') agent.chats = row.n;
        else if (row.metric === 'transfers') agent.transfers = row.n;
        else if (row.metric === 'rating') {
          agent.csatResponses = row.n;
          agent.csatAverage = average(row.total, row.n);
        }
      }
      const histogram = this.sql
        .exec<{ seconds: number; n: number }>(
          `SELECT seconds, SUM(n) AS n FROM (
             SELECT seconds, n FROM report_durations WHERE agent_id = ?1 AND hour BETWEEN ?2 AND ?3 AND metric = 'first_reply'
             UNION ALL SELECT seconds, n FROM report_durations WHERE agent_id = ?1 AND hour BETWEEN ?4 AND ?5 AND metric = 'first_reply'
             UNION ALL SELECT seconds, n FROM report_day_durations WHERE agent_id = ?1 AND day BETWEEN ?6 AND ?7 AND metric = 'first_reply'
           ) GROUP BY seconds`,
          agentId,
          ...span,
        )
        .toArray()
        .map((row): [number, number] => [row.seconds, row.n]);
      if (histogram.length) histograms.set(agentId, histogram);
    }
    for (const [agentId, histogram] of histograms) rowFor(agentId).firstReplyP50 = percentile(histogram, 50);
    if (onlyAgent) rowFor(onlyAgent);
    return [...rows.values()].sort((a, b) => b.chats - a.chats || a.name.localeCompare(b.name));
  }

  /** The daily series and the weekday × hour heatmap, in the site's time zone. */
  private series(from: string, to: string, timeZone: string, first: number, last: number, targets: ReportTargets) {
    const days = new Map(datesIn(from, to).map((date) => [date, { date, started: 0, handoffsToQueue: 0, takenWithinTarget: 0 }]));
    const heat = new Map<string, number>();
    const placeOf = new Map<number, { date: string; weekday: number; hour: number }>();
    const place = (hour: number) => {
      let found = placeOf.get(hour);
      if (!found) {
        found = localTime(hour * HOUR_MS, timeZone);
        placeOf.set(hour, found);
      }
      return found;
    };
    for (const row of this.sql.exec<{ hour: number; metric: string; n: number }>(
      "SELECT hour, metric, n FROM report_hours WHERE agent_id = ? AND hour BETWEEN ? AND ? AND metric IN ('started', 'to_queue')",
      SITE,
      first,
      last,
    )) {
      const local = place(row.hour);
      const day = days.get(local.date);
      if (!day) continue;
      if (row.metric === 'started') {
        day.started += row.n;
        const key = `${local.weekday}|${local.hour}`;
        heat.set(key, (heat.get(key) ?? 0) + row.n);
      } else day.handoffsToQueue += row.n;
    }
    for (const row of this.sql.exec<{ hour: number; n: number }>(
      "SELECT hour, SUM(n) AS n FROM report_durations WHERE agent_id = ? AND hour BETWEEN ? AND ? AND metric = 'wait' AND seconds <= ? GROUP BY hour",
      SITE,
      first,
      last,
      targets.takenWithinSeconds,
    )) {
      const day = days.get(place(row.hour).date);
      if (day) day.takenWithinTarget += row.n;
    }
    const heatmap: { weekday: number; hour: number; chats: number }[] = [];
    for (let weekday = 0; weekday < 7; weekday++)
      for (let hour = 0; hour < 24; hour++) heatmap.push({ weekday, hour, chats: heat.get(`${weekday}|${hour}`) ?? 0 });
    return {
      daily: [...days.values()].map((day) => ({ ...day, takenWithinTargetShare: share(day.takenWithinTarget, day.handoffsToQueue) })),
      heatmap,
    };
  }

  // ---- storage helpers ------------------------------------------------------------------

  private row(conversationId: string): ChatRow | undefined {
    return this.sql.exec<ChatRow>('SELECT * FROM report_chats WHERE conversation_id = ?', conversationId).toArray()[0];
  }

  /** The chat's row, made (and counted as started) at its first event; one statement, as every shopper message lands here. */
  private start(conversationId: string, at: number): void {
    const inserted = this.sql.exec('INSERT INTO report_chats (conversation_id, started_at) VALUES (?, ?) ON CONFLICT DO NOTHING', conversationId, at);
    if (inserted.rowsWritten > 0) this.bump(SITE, hourBucket(at), 'started');
  }

  private ensure(conversationId: string, at: number): ChatRow {
    const found = this.row(conversationId);
    if (found) return found;
    this.start(conversationId, at);
    return this.row(conversationId)!;
  }

  /** A handoff or "not helpful" within 24 h of the bot's last answer: not resolved by the bot alone. */
  private disqualify(conversationId: string, at: number): void {
    const row = this.row(conversationId);
    if (!row || row.bot_state !== 1 || row.last_answer_at === null || at - row.last_answer_at > BOT_ONLY_WINDOW_MS) return;
    this.bump(SITE, hourBucket(row.started_at), 'bot_disqualified');
    this.sql.exec('UPDATE report_chats SET bot_state = 2 WHERE conversation_id = ?', conversationId);
  }

  private bump(agentId: string, hour: number, metric: string, value = 0): void {
    this.sql.exec(
      `INSERT INTO report_hours (agent_id, hour, metric, n, total) VALUES (?, ?, ?, 1, ?)
       ON CONFLICT(agent_id, hour, metric) DO UPDATE SET n = n + 1, total = total + excluded.total`,
      agentId,
      hour,
      metric,
      value,
    );
    this.sql.exec(
      `INSERT INTO report_days (agent_id, day, metric, n, total) VALUES (?, ?, ?, 1, ?)
       ON CONFLICT(agent_id, day, metric) DO UPDATE SET n = n + 1, total = total + excluded.total`,
      agentId,
      Math.floor(hour / 24),
      metric,
      value,
    );
  }

  private histogram(agentId: string, hour: number, metric: string, seconds: number): void {
    this.sql.exec(
      `INSERT INTO report_durations (agent_id, hour, metric, seconds, n) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT(agent_id, hour, metric, seconds) DO UPDATE SET n = n + 1`,
      agentId,
      hour,
      metric,
      seconds,
    );
    this.sql.exec(
      `INSERT INTO report_day_durations (agent_id, day, metric, seconds, n) VALUES (?, ?, ?, ?, 1)
       ON CONFLICT(agent_id, day, metric, seconds) DO UPDATE SET n = n + 1`,
      agentId,
      Math.floor(hour / 24),
      metric,
      seconds,
    );
  }
}
