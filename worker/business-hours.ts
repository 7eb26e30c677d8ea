/** Whether a site's people are at work at a given instant, in the site's own time zone. Pure. */
import type { BusinessHours } from '../protocol/site-config.ts';

const DAY_KEYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(timezone: string, at: Date): { date: string; day: (typeof DAY_KEYS)[number]; time: string } {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timezone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(at).map((part) => [part.type, part.value]));
  const day = DAY_KEYS.find((key) => key === String(parts.weekday).slice(0, 3).toLowerCase()) ?? 'sun';
  return { date: `${parts.year}-${parts.month}-${parts.day}`, day, time: `${parts.hour}:${parts.minute}` };
}

export function isWithinBusinessHours(hours: BusinessHours, at: Date): boolean {
  const { date, day, time } = localParts(hours.timezone, at);
  if (hours.holidays.includes(date)) return false;
  // "HH:MM" strings compare correctly as text.
  return hours.weekly[day].some(([from, to]) => time >= from && time < to);
}
