import { describe, expect, it } from 'vitest';
import { reportQuerySchema } from '../../protocol/reports.ts';
import {
  bucketRange,
  csvField,
  localMidnight,
  localTime,
  parseCsv,
  percentile,
  previousPeriod,
  rangeInstants,
  share,
  spans,
  toCsv,
} from '../../worker/reports/figures.ts';

describe('report figures', () => {
  it('takes percentiles by nearest rank over per-second histograms', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([[5, 1]], 90)).toBe(5);
    expect(
      percentile(
        [
          [30, 1],
          [5, 1],
          [8, 1],
          [20, 1],
        ],
        50,
      ),
    ).toBe(8);
    expect(
      percentile(
        [
          [30, 1],
          [5, 1],
          [8, 1],
          [20, 1],
        ],
        90,
      ),
    ).toBe(30);
    expect(
      percentile(
        [
          [1, 90],
          [100, 10],
        ],
        90,
      ),
    ).toBe(1);
    expect(
      percentile(
        [
          [1, 89],
          [100, 11],
        ],
        90,
      ),
    ).toBe(100);
  });

  it('computes shares, and none of nothing', () => {
    expect(share(1, 7)).toBe(0.1429);
    expect(share(0, 0)).toBeNull();
  });

  it('places days in the site time zone, across summer time', () => {
    expect(new Date(localMidnight('2030-07-03', 'Europe/London')).toISOString()).toBe('2030-07-02T23:00:00.000Z');
    expect(new Date(localMidnight('2030-01-03', 'Europe/London')).toISOString()).toBe('2030-01-03T00:00:00.000Z');
    expect(new Date(localMidnight('2030-01-03', 'Asia/Shanghai')).toISOString()).toBe('2030-01-02T16:00:00.000Z');
    // The day summer time starts in London is 23 hours long.
    const spring = rangeInstants('2030-03-31', '2030-03-31', 'Europe/London');
    expect((spring.end - spring.start) / 3_600_000).toBe(23);
    const range = bucketRange('2030-07-03', '2030-07-03', 'Europe/London');
    expect(range.last - range.first + 1).toBe(24);
    expect(localTime(Date.parse('2030-07-03T23:30:00Z'), 'Europe/London')).toEqual({ date: '2030-07-04', weekday: 3, hour: 0, minute: 30 });
  });

  it('splits a range of hours into whole UTC days and the hours at either edge', () => {
    // London summer day 2030-07-03: 23:00 UTC the day before to 22:59 UTC.
    const { first, last } = bucketRange('2030-07-03', '2030-07-03', 'Europe/London');
    // Shorter than a whole UTC day: all hours, no days.
    expect(spans(first, last)).toEqual([first, last, 1, 0, 1, 0]);
    // Seven London days: the first hour alone, six whole UTC days, then 23 hours.
    const week = bucketRange('2030-07-01', '2030-07-07', 'Europe/London');
    const [a, b, c, d, e, f] = spans(week.first, week.last);
    expect([b - a + 1, d - c + 1, f - e + 1]).toEqual([1, 23, 6]);
    expect(b + 1).toBe(e * 24);
    expect(c).toBe((f + 1) * 24);
    // UTC days exactly: no edge hours.
    const utc = bucketRange('2030-07-01', '2030-07-30', 'UTC');
    const whole = spans(utc.first, utc.last);
    expect([whole[1] - whole[0] + 1, whole[3] - whole[2] + 1, whole[5] - whole[4] + 1]).toEqual([0, 0, 30]);
  });

  it('compares with the previous period of the same length', () => {
    expect(previousPeriod('2030-07-01', '2030-07-07')).toEqual({ from: '2030-06-24', to: '2030-06-30' });
    expect(previousPeriod('2030-03-01', '2030-03-01')).toEqual({ from: '2030-02-28', to: '2030-02-28' });
  });

  it('validates ranges with a clear message', () => {
    const problem = (query: Record<string, string>) => reportQuerySchema.safeParse(query).error?.issues[0]?.message;
    expect(problem({ from: '2030-07-05', to: '2030-07-01' })).toMatch(/must not be after to/);
    expect(problem({ from: '2029-01-01', to: '2030-01-02' })).toMatch(/367 days; a report covers at most 366/);
    expect(problem({ from: '2030-02-29', to: '2030-03-01' })).toMatch(/not a real calendar date/);
    expect(problem({ from: 'yesterday', to: '2030-03-01' })).toMatch(/YYYY-MM-DD/);
    expect(reportQuerySchema.safeParse({ from: '2028-01-01', to: '2028-12-31' }).success).toBe(true);
  });

  it('writes CSV that spreadsheets read as data, and reads it back', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(-3)).toBe('-3');
    const text = toCsv(
      ['a', 'b'],
      [
        ['x, y', null],
        ['line\nbreak', 2],
      ],
    );
    expect(parseCsv(text)).toEqual([
      ['a', 'b'],
      ['x, y', ''],
      ['line\nbreak', '2'],
    ]);
  });
});
