/** Small pure helpers for labels, times and URLs. Everything returns plain strings: the UI renders them as text. */
import type { HandoffReason, QueuePriority, ShopperContext } from '../../protocol/agent.ts';
import type { ConversationState } from '../../protocol/visitor.ts';

const REASON_LABELS: Record<HandoffReason, string> = {
  angry: 'Shopper seems upset',
  requested_human: 'Asked for a person',
  complaint: 'Complaint',
  low_confidence: 'Bot was unsure',
  not_helpful_twice: 'Answers did not help twice',
  out_of_scope: 'Outside what the bot knows',
  reopened: 'Came back to a closed chat',
};

/** A handoff reason code as words; unknown free text is shown as it is. */
export function reasonLabel(reason: string): string {
  return (REASON_LABELS as Record<string, string>)[reason] ?? reason;
}

export interface Badge {
  label: string;
  tone: 'danger' | 'vip' | 'request' | 'neutral';
}

const PRIORITY_BADGES: Record<QueuePriority, Badge> = {
  0: { label: 'Angry', tone: 'danger' },
  1: { label: 'VIP', tone: 'vip' },
  2: { label: 'Asked for a person', tone: 'request' },
  3: { label: 'Bot unsure', tone: 'neutral' },
};

export function priorityBadge(priority: QueuePriority): Badge {
  return PRIORITY_BADGES[priority] ?? PRIORITY_BADGES[3];
}

const STATE_LABELS: Record<ConversationState, string> = {
  bot: 'With the bot',
  queued: 'Waiting in queue',
  agent: 'With an agent',
  closed: 'Closed',
  offline: 'Offline ticket',
};

export function stateLabel(state: ConversationState): string {
  return STATE_LABELS[state] ?? state;
}

export function shopperName(shopper: Pick<ShopperContext, 'name'> | null | undefined): string {
  const name = shopper?.name?.trim();
  return name ? name : 'Visitor';
}

/** "0:07", "4:32", "1:02:09": a wait that reads at a glance. */
export function elapsed(sinceMs: number, nowMs: number): string {
  const total = Math.max(0, Math.floor((nowMs - sinceMs) / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}

/** Spoken form of a wait, for screen readers. */
export function elapsedWords(sinceMs: number, nowMs: number): string {
  const total = Math.max(0, Math.floor((nowMs - sinceMs) / 1000));
  if (total < 60) return `${total} seconds`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return minutes === 1 ? '1 minute' : `${minutes} minutes`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}

export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

export function dateTime(at: number): string {
  return new Date(at).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

export function isoTime(at: number): string {
  return new Date(at).toISOString();
}

export function confidence(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '—';
}

/**
 * A shopper-supplied URL that is safe to turn into a link: only absolute http(s) URLs.
 * Anything else (javascript:, data:, relative, garbage) returns null and is shown as text only.
 */
export function safeHttpUrl(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/** One line of a long text, for lists. */
export function oneLine(text: string, max = 140): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A length of time in seconds as people say it: "45 s", "2 min", "1 min 30 s", "1 h 5 min". */
export function duration(totalSeconds: number | undefined): string {
  if (totalSeconds === undefined || !Number.isFinite(totalSeconds) || totalSeconds < 0) return '—';
  const total = Math.round(totalSeconds);
  if (total < 60) return `${total} s`;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const parts: string[] = [];
  if (hours > 0) parts.push(`${hours} h`);
  if (minutes > 0) parts.push(`${minutes} min`);
  if (seconds > 0) parts.push(`${seconds} s`);
  return parts.join(' ');
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", then the date. */
export function relativeTime(at: number, nowMs: number): string {
  if (!Number.isFinite(at) || at <= 0) return '—';
  const seconds = Math.max(0, Math.floor((nowMs - at) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 30) return `${days} days ago`;
  return new Date(at).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

const LOCALE_NAMES: Record<string, string> = { en: 'English', zh: 'Simplified Chinese' };

/** A locale code as a language name; unknown codes are shown as they are. */
export function localeName(locale: string): string {
  return LOCALE_NAMES[locale] ?? locale;
}

const GAP_REASONS: Record<string, string> = {
  low_confidence: 'Bot unsure',
  not_helpful: 'Marked not helpful',
  out_of_scope: 'No article matched',
  suggestions_ignored: 'Suggestions not clicked',
};

export function gapReasonLabel(reason: string): string {
  return GAP_REASONS[reason] ?? reason;
}

/** A CSS hex colour, or null: only this ever reaches a style attribute. */
export function safeHexColor(raw: string | undefined): string | null {
  return raw && /^#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(raw) ? raw : null;
}
