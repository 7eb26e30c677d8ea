/**
 * The SiteWebhooks tables: `endpoints` (URL, events, secret) and `deliveries` (one row per event
 * and endpoint: the body to send, its status, attempts and the next attempt's time). The primary
 * key (event id, endpoint id) makes an enqueue that is retried store the delivery once.
 */
import type {
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryEventType,
  WebhookDeliveryStatus,
  WebhookEndpoint,
  WebhookEventType,
} from '../../protocol/webhooks.ts';

/** Attempts kept per delivery for the console's log (the count goes on). */
/** A paused endpoint keeps its deliveries until it is resumed; a test ping goes regardless. */
const SENDABLE = "(e.enabled = 1 OR d.type = 'ping')";
const ATTEMPT_LOG_ROWS = 20;

interface EndpointRow extends Record<string, SqlStorageValue> {
  id: string;
  url: string;
  events: string;
  description: string;
  secret: string;
  enabled: number;
  created_at: number;
}

interface DeliveryRow extends Record<string, SqlStorageValue> {
  event_id: string;
  endpoint_id: string;
  type: string;
  body: string;
  status: string;
  attempts: number;
  window_start: number;
  next_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  log: string;
  created_at: number;
  delivered_at: number | null;
}

/** What the sender needs for one attempt. */
export interface DueDelivery {
  eventId: string;
  endpointId: string;
  type: string;
  body: string;
  attempts: number;
  windowStart: number;
  url: string;
  secret: string;
}

export class WebhookStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`
      CREATE TABLE IF NOT EXISTS endpoints (
        id TEXT PRIMARY KEY, url TEXT NOT NULL, events TEXT NOT NULL, description TEXT NOT NULL,
        secret TEXT NOT NULL, enabled INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS deliveries (
        event_id TEXT NOT NULL, endpoint_id TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL,
        status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, window_start INTEGER NOT NULL,
        next_attempt_at INTEGER, last_status INTEGER, last_error TEXT, log TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER NOT NULL, delivered_at INTEGER,
        PRIMARY KEY (event_id, endpoint_id)
      );
      CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX IF NOT EXISTS deliveries_by_endpoint ON deliveries (endpoint_id, created_at);
    `);
  }

  // ---- endpoints ------------------------------------------------------------------------

  endpoints(): WebhookEndpoint[] {
    return this.sql.exec<EndpointRow>('SELECT * FROM endpoints ORDER BY created_at, id').toArray().map(toEndpoint);
  }

  endpoint(id: string): WebhookEndpoint | null {
    const row = this.row(id);
    return row ? toEndpoint(row) : null;
  }

  secret(id: string): string | null {
    return this.row(id)?.secret ?? null;
  }

  count(): number {
    return this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM endpoints').one().n;
  }

  create(endpoint: { id: string; url: string; events: WebhookEventType[]; description: string; secret: string }, now: number): void {
    this.sql.exec(
      'INSERT INTO endpoints (id, url, events, description, secret, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      endpoint.id,
      endpoint.url,
      JSON.stringify(endpoint.events),
      endpoint.description,
      endpoint.secret,
      now,
    );
  }

  update(id: string, change: { url?: string; events?: WebhookEventType[]; description?: string; enabled?: boolean }): void {
    const row = this.row(id);
    if (!row) return;
    this.sql.exec(
      'UPDATE endpoints SET url = ?, events = ?, description = ?, enabled = ? WHERE id = ?',
      change.url ?? row.url,
      change.events ? JSON.stringify(change.events) : row.events,
      change.description ?? row.description,
      change.enabled === undefined ? row.enabled : Number(change.enabled),
      id,
    );
  }

  setSecret(id: string, secret: string): void {
    this.sql.exec('UPDATE endpoints SET secret = ? WHERE id = ?', secret, id);
  }

  /** The endpoint and its delivery log go. */
  delete(id: string): boolean {
    this.sql.exec('DELETE FROM deliveries WHERE endpoint_id = ?', id);
    return this.sql.exec('DELETE FROM endpoints WHERE id = ?', id).rowsWritten > 0;
  }

  /** The events some enabled endpoint listens to: the inbox calls this object only for these. */
  subscribedEvents(): WebhookEventType[] {
    const events = new Set<WebhookEventType>();
    for (const endpoint of this.endpoints()) if (endpoint.enabled) for (const event of endpoint.events) events.add(event);
    return [...events].sort();
  }

  // ---- deliveries -----------------------------------------------------------------------

  /** Queues one delivery per enabled endpoint listening to `type` (or only `onlyEndpoint`, for a ping). */
  enqueue(event: { id: string; type: WebhookDeliveryEventType; body: string }, now: number, onlyEndpoint?: string): number {
    let queued = 0;
    for (const endpoint of this.endpoints()) {
      if (onlyEndpoint ? endpoint.id !== onlyEndpoint : !endpoint.enabled || !endpoint.events.includes(event.type as WebhookEventType)) continue;
      queued += this.sql.exec(
        `INSERT INTO deliveries (event_id, endpoint_id, type, body, status, window_start, next_attempt_at, created_at)
         VALUES (?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT DO NOTHING`,
        event.id,
        endpoint.id,
        event.type,
        event.body,
        now,
        now,
        now,
      ).rowsWritten;
    }
    return queued;
  }

  /** Pending deliveries whose time has come, oldest first, with their endpoint's URL and secret. A paused endpoint's wait (pings still go). */
  due(now: number, limit: number): DueDelivery[] {
    return this.sql
      .exec<DeliveryRow & { url: string; secret: string }>(
        `SELECT d.*, e.url, e.secret FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND ${SENDABLE} ORDER BY d.next_attempt_at LIMIT ?`,
        now,
        limit,
      )
      .toArray()
      .map((row) => ({
        eventId: row.event_id,
        endpointId: row.endpoint_id,
        type: row.type,
        body: row.body,
        attempts: row.attempts,
        windowStart: row.window_start,
        url: row.url,
        secret: row.secret,
      }));
  }

  /** The earliest next attempt of any pending delivery, for the alarm. */
  nextDue(): number | null {
    return this.sql
      .exec<{ at: number | null }>(
        `SELECT MIN(d.next_attempt_at) AS at FROM deliveries d JOIN endpoints e ON e.id = d.endpoint_id WHERE d.status = 'pending' AND ${SENDABLE}`,
      )
      .one().at;
  }

  /** One attempt's outcome: delivered, retried at `nextAttemptAt`, or failed for good (`nextAttemptAt` null). */
  recordAttempt(eventId: string, endpointId: string, attempt: WebhookAttempt, outcome: WebhookDeliveryStatus, nextAttemptAt: number | null): void {
    const row = this.delivery(eventId, endpointId);
    if (!row) return;
    const log = [...(JSON.parse(row.log) as WebhookAttempt[]), attempt].slice(-ATTEMPT_LOG_ROWS);
    this.sql.exec(
      `UPDATE deliveries SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_status = ?, last_error = ?, log = ?, delivered_at = ?
       WHERE event_id = ? AND endpoint_id = ?`,
      outcome,
      nextAttemptAt,
      attempt.status,
      attempt.error,
      JSON.stringify(log),
      outcome === 'delivered' ? attempt.at : null,
      eventId,
      endpointId,
    );
  }

  /** An admin's re-send: the same event again, with a fresh 24-hour window. False when unknown. */
  resend(eventId: string, endpointId: string, now: number): boolean {
    return (
      this.sql.exec(
        `UPDATE deliveries SET status = 'pending', attempts = 0, window_start = ?, next_attempt_at = ?, delivered_at = NULL
         WHERE event_id = ? AND endpoint_id = ?`,
        now,
        now,
        eventId,
        endpointId,
      ).rowsWritten > 0
    );
  }

  get(eventId: string, endpointId: string): WebhookDelivery | null {
    const row = this.delivery(eventId, endpointId);
    return row ? toDelivery(row) : null;
  }

  list(endpointId: string, limit: number): WebhookDelivery[] {
    return this.sql
      .exec<DeliveryRow>('SELECT * FROM deliveries WHERE endpoint_id = ? ORDER BY created_at DESC, event_id DESC LIMIT ?', endpointId, limit)
      .toArray()
      .map(toDelivery);
  }

  /** Erasure: every delivery about these chats goes, pending ones included. Returns how many. */
  deleteForConversations(conversationIds: readonly string[]): number {
    let deleted = 0;
    for (const id of conversationIds) deleted += this.sql.exec(`DELETE FROM deliveries WHERE json_extract(body, '$.data.conversationId') = ?`, id).rowsWritten;
    return deleted;
  }

  /** Finished deliveries older than `before` leave the log (their bodies with them). */
  prune(before: number): void {
    this.sql.exec(`DELETE FROM deliveries WHERE status != 'pending' AND created_at < ?`, before);
  }

  private row(id: string): EndpointRow | undefined {
    return this.sql.exec<EndpointRow>('SELECT * FROM endpoints WHERE id = ?', id).toArray()[0];
  }

  private delivery(eventId: string, endpointId: string): DeliveryRow | undefined {
    return this.sql.exec<DeliveryRow>('SELECT * FROM deliveries WHERE event_id = ? AND endpoint_id = ?', eventId, endpointId).toArray()[0];
  }
}

function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as WebhookEventType[],
    description: row.description,
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    secretPrefix: row.secret.slice(0, 10),
  };
}

function toDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    id: row.event_id,
    endpointId: row.endpoint_id,
    event: row.type as WebhookDeliveryEventType,
    status: row.status as WebhookDeliveryStatus,
    attempts: row.attempts,
    lastError: row.last_error,
    lastStatus: row.last_status,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at : null,
    createdAt: row.created_at,
    deliveredAt: row.delivered_at,
    log: JSON.parse(row.log) as WebhookAttempt[],
  };
}
