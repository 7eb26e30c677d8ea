/** Small pure helpers for labels, times and URLs. Everything returns plain strings: the UI renders them as text. */
import type { HandoffReason, QueuePriority, ShopperContext } from '../../protocol/agent.ts';
import type { ConversationState } from '../../protocol/visitor.ts';
import { currentLocale, t } from './i18n.ts';

const REASONS: readonly HandoffReason[] = ['angry', 'requested_human', 'complaint', 'low_confidence', 'not_helpful_twice', 'out_of_scope', 'reopened'];

/** A handoff reason code as words; unknown free text is shown as it is. */
export function reasonLabel(reason: string): string {
  return (REASONS as readonly string[]).includes(reason) ? t(`reason.${reason as HandoffReason}`) : reason;
}

export interface Badge {
  label: string;
  tone: 'danger' | 'vip' | 'request' | 'neutral';
}

const PRIORITY_TONES: Record<QueuePriority, Badge['tone']> = { 0: 'danger', 1: 'vip', 2: 'request', 3: 'neutral' };

export function priorityBadge(priority: QueuePriority): Badge {
  const known = priority in PRIORITY_TONES ? priority : 3;
  return { label: t(`priority.${known}`), tone: PRIORITY_TONES[known] };
}

const STATES: readonly ConversationState[] = ['bot', 'queued', 'agent', 'closed', 'offline'];

export function stateLabel(state: ConversationState): string {
  return STATES.includes(state) ? t(`state.${state}`) : state;
}

export function shopperName(shopper: Pick<ShopperContext, 'name'> | null | undefined): string {
  const name = shopper?.name?.trim();
  return name ? name : t('format.visitor');
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
  if (total < 60) return t('format.seconds', { n: total });
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return minutes === 1 ? t('format.oneMinute') : t('format.minutes', { n: minutes });
  const hours = Math.floor(minutes / 60);
  return t('format.hoursMinutes', { h: hours, m: minutes % 60 });
}

export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString(currentLocale(), { hour: '2-digit', minute: '2-digit' });
}

export function dateTime(at: number): string {
  return new Date(at).toLocaleString(currentLocale(), { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
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
  if (total < 60) return t('format.s', { n: total });
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const parts: string[] = [];
  if (hours > 0) parts.push(t('format.h', { n: hours }));
  if (minutes > 0) parts.push(t('format.min', { n: minutes }));
  if (seconds > 0) parts.push(t('format.s', { n: seconds }));
  return parts.join(' ');
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", then the date. */
export function relativeTime(at: number, nowMs: number): string {
  if (!Number.isFinite(at) || at <= 0) return '—';
  const seconds = Math.max(0, Math.floor((nowMs - at) / 1000));
  if (seconds < 60) return t('format.justNow');
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return t('format.minAgo', { n: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('format.hoursAgo', { n: hours });
  const days = Math.floor(hours / 24);
  if (days === 1) return t('format.yesterday');
  if (days < 30) return t('format.daysAgo', { n: days });
  return new Date(at).toLocaleDateString(currentLocale(), { year: 'numeric', month: 'short', day: 'numeric' });
}

/** A locale code as a language name; unknown codes are shown as they are. */
export function localeName(locale: string): string {
  return locale === 'en' ? t('format.english') : locale === 'zh' ? t('format.chinese') : locale;
}

const GAP_REASONS = ['low_confidence', 'not_helpful', 'out_of_scope', 'suggestions_ignored'] as const;

export function gapReasonLabel(reason: string): string {
  return (GAP_REASONS as readonly string[]).includes(reason) ? t(`gapReason.${reason as (typeof GAP_REASONS)[number]}`) : reason;
}

/** A CSS hex colour, or null: only this ever reaches a style attribute. */
export function safeHexColor(raw: string | undefined): string | null {
  return raw && /^#(?:[0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.test(raw) ? raw : null;
}
