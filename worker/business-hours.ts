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

/** The instants the site's local day around `at` starts and ends (a 23- or 25-hour day on a clock change). */
export function localDayBounds(timezone: string, at: Date): { start: number; end: number } {
  const midnight = (date: string): number => {
    const [year, month, day] = date.split('-').map(Number) as [number, number, number];
    const wall = Date.UTC(year, month - 1, day);
    // The zone's offset near that midnight, asked twice in case the first guess crossed a clock change.
    let guess = wall;
    for (let i = 0; i < 2; i++) guess = wall - offsetAt(timezone, guess);
    return guess;
  };
  const today = localParts(timezone, at).date;
  const start = midnight(today);
  const next = localParts(timezone, new Date(start + 26 * 60 * 60 * 1000)).date;
  return { start, end: midnight(next) };
}

/** Local wall time minus UTC at an instant, in ms. */
function offsetAt(timezone: string, at: number): number {
  const { date, time } = localParts(timezone, new Date(at));
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return Date.UTC(year, month - 1, day, hour, minute) - Math.floor(at / 60_000) * 60_000;
}
