/**
 * The Worker the reports bench runs in Miniflare (local workerd): one Durable Object holding a
 * ReportsStore, seeded through the same recording methods the SiteInbox calls, then asked for
 * reports. Bundled by bench/reports.ts with esbuild; not part of kefu's Worker.
 */
import { DurableObject } from 'cloudflare:workers';
import { ReportsStore } from '../../worker/inbox/reports-store.ts';

const HOUR = 3_600_000;
const REASONS = ['requested_human', 'low_confidence', 'out_of_scope', 'not_helpful_twice', 'angry', 'complaint'] as const;
const TARGETS = { takenWithinSeconds: 10, takenShareTarget: 0.9, complaintCloseHours: 48, ticketReplyHours: 24 };

/** A small deterministic generator, so every run seeds the same chats. */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

export class Bench extends DurableObject {
  private readonly store = new ReportsStore(this.ctx.storage.sql);

  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/seed') {
      const first = Number(url.searchParams.get('first'));
      const count = Number(url.searchParams.get('count'));
      const start = Number(url.searchParams.get('start'));
      const days = Number(url.searchParams.get('days'));
      this.seed(first, count, start, days);
      return Response.json({ ok: true });
    }
    if (url.pathname === '/report') {
      const report = this.store.report({
        site: 'bench',
        timeZone: url.searchParams.get('zone') ?? 'Europe/London',
        from: url.searchParams.get('from')!,
        to: url.searchParams.get('to')!,
        targets: TARGETS,
        now: Number(url.searchParams.get('now')),
        onlyAgent: url.searchParams.get('agent') ?? undefined,
        agentNames: new Map(),
        followUps: () => ({ created: 0, done: 0 }),
      });
      return Response.json({ started: report.figures.conversationsStarted.value, rows: report.agents.length });
    }
    if (url.pathname === '/size') {
      const sql = this.ctx.storage.sql;
      const count = (table: string) => sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table}`).one().n;
      return Response.json({ chats: count('report_chats'), hours: count('report_hours'), durations: count('report_durations'), bytes: sql.databaseSize });
    }
    return new Response('not found', { status: 404 });
  }

  /** Chats spread over `days` from `start`, busier in shop hours, with the mix a small shop sees. */
  private seed(first: number, count: number, start: number, days: number): void {
    const next = random(first + 1);
    const store = this.store;
    for (let i = first; i < first + count; i++) {
      const id = `c${i}`;
      const day = Math.floor(next() * days);
      const hour = next() < 0.8 ? 8 + Math.floor(next() * 10) : Math.floor(next() * 24);
      let at = start + day * 24 * HOUR + hour * HOUR + Math.floor(next() * HOUR);
      store.touched(id, at);
      if (next() < 0.6) {
        at += 5_000;
        store.answered(id, at, next() < 0.15);
        if (next() < 0.3) store.feedback(id, next() < 0.75, (at += 20_000));
      }
      if (next() < 0.35) {
        const reason = REASONS[Math.floor(next() * REASONS.length)]!;
        const offline = next() < 0.1;
        at += 10_000;
        store.handedOff(id, reason, offline ? 'offline' : 'queued', at);
        if (offline) {
          if (next() < 0.8) {
            const ticket = i;
            store.ticketCreated(ticket, id, at + 60_000);
            store.ticketAnswered(ticket, at + 60_000 + Math.floor(next() * 30 * HOUR));
          }
          continue;
        }
        if (next() < 0.05) {
          store.released(id, 'closed', at + Math.floor(next() * 300_000));
          continue;
        }
        const agent = `ag_${Math.floor(next() * 8)}`;
        const taken = at + Math.floor(-Math.log(1 - next()) * 12_000);
        store.taken(id, agent, taken);
        store.agentReplied(id, taken + 5_000 + Math.floor(next() * 120_000));
        if (next() < 0.05) store.transferred(id, agent, `ag_${Math.floor(next() * 8)}`);
        const closed = reason === 'complaint' ? taken + Math.floor((24 + next() * 48) * HOUR) : taken + 120_000 + Math.floor(next() * 1_200_000);
        store.released(id, next() < 0.9 ? 'closed' : 'back_to_bot', closed);
        if (next() < 0.4) store.rated(id, 1 + Math.floor(next() * 5));
      }
    }
  }
}

export default {
  fetch(request: Request, env: { BENCH: DurableObjectNamespace }) {
    return env.BENCH.get(env.BENCH.idFromName('bench')).fetch(request);
  },
};
