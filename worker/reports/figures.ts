/**
 * Pure helpers for reports: time zones and ranges, percentiles from per-second histograms,
 * shares, the previous period, CSV. No I/O, no runtime imports: unit-tested in Node.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

const WEEKDAYS: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

export interface LocalTime {
  /** YYYY-MM-DD in the zone. */
  date: string;
  /** 0 = Monday … 6 = Sunday. */
  weekday: number;
  hour: number;
  minute: number;
}

/** The wall-clock date, weekday and hour of an instant in a time zone. */
export function localTime(ms: number, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: WEEKDAYS[parts.weekday ?? 'Mon'] ?? 0,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/** Offset of the zone from UTC at an instant, in ms (London in summer: +3,600,000). */
export function zoneOffset(ms: number, timeZone: string): number {
  const local = localTime(ms, timeZone);
  const [y, m, d] = local.date.split('-').map(Number) as [number, number, number];
  const asUtc = Date.UTC(y, m - 1, d, local.hour, local.minute);
  return asUtc - Math.floor(ms / 60_000) * 60_000;
}

/** The instant a local date (YYYY-MM-DD) begins in the zone. */
export function localMidnight(date: string, timeZone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`);
  let guess = wall - zoneOffset(wall, timeZone);
  // Once more with the offset at the guess: right across a change of summer time.
  guess = wall - zoneOffset(guess, timeZone);
  return guess;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Every date from `from` to `to`, both included. */
export function datesIn(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) dates.push(date);
  return dates;
}

/** The range as [start, end) instants in the zone: from the start of `from` to the start of the day after `to`. */
export function rangeInstants(from: string, to: string, timeZone: string): { start: number; end: number } {
  return { start: localMidnight(from, timeZone), end: localMidnight(addDays(to, 1), timeZone) };
}

/** The period of the same length just before: 7 days ending yesterday → the 7 days before them. */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
  return { from: addDays(from, -days), to: addDays(from, -1) };
}

/** The UTC hour bucket an instant falls in (buckets are whole UTC hours). */
export function hourBucket(ms: number): number {
  return Math.floor(ms / HOUR_MS);
}

/**
 * The hour buckets a range covers. Zones whose offset is whole hours begin their days on an hour
 * boundary, so this is exact; for half-hour zones (India, parts of Australia) a bucket belongs to
 * the local day its first instant falls in.
 */
export function bucketRange(from: string, to: string, timeZone: string): { first: number; last: number } {
  const { start, end } = rangeInstants(from, to, timeZone);
  return { first: Math.ceil(start / HOUR_MS), last: Math.ceil(end / HOUR_MS) - 1 };
}

/**
 * Hour buckets first..last as the hours before the first whole UTC day, the hours after the last
 * one, and the whole days between: [edge1 from, edge1 to, edge2 from, edge2 to, first day, last day].
 * An empty part is an empty range (from > to).
 */
export function spans(first: number, last: number): [number, number, number, number, number, number] {
  const firstDay = Math.ceil(first / 24);
  const lastDay = Math.floor((last + 1) / 24) - 1;
  if (firstDay > lastDay) return [first, last, 1, 0, 1, 0];
  return [first, firstDay * 24 - 1, (lastDay + 1) * 24, last, firstDay, lastDay];
}

/**
 * The p-th percentile (0–100) by nearest rank over a histogram of whole seconds
 * ([seconds, count] pairs, any order); null when empty.
 */
export function percentile(histogram: readonly (readonly [number, number])[], p: number): number | null {
  const sorted = [...histogram].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((sum, [, n]) => sum + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [seconds, n] of sorted) {
    seen += n;
    if (seen >= rank) return seconds;
  }
  return sorted.at(-1)![0];
}

/** part / whole, rounded to 4 places; null when there is nothing to divide. */
export function share(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
}

export function average(total: number, n: number): number | null {
  return n > 0 ? Math.round((total / n) * 100) / 100 : null;
}

/** Whole seconds between two instants (never negative). */
export function secondsBetween(from: number, to: number): number {
  return Math.max(0, Math.round((to - from) / 1000));
}

/** One CSV field: quoted when needed; a leading = + - @ is defused so spreadsheets do not run it as a formula. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = typeof value === 'number' ? String(value) : String(value);
  if (typeof value !== 'number' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Parses what toCsv wrote (for tests and the console's checks): quoted fields, doubled quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n') {
      row.push(field.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}
