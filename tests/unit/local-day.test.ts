import { describe, expect, it } from 'vitest';
import { localDayBounds } from '../../worker/business-hours.ts';

const iso = ({ start, end }: { start: number; end: number }) => [new Date(start).toISOString(), new Date(end).toISOString()];

describe("a site's local day (tickets due today)", () => {
  it('is the calendar day in the site’s time zone, not in UTC', () => {
    expect(iso(localDayBounds('Europe/London', new Date('2030-01-07T10:00:00Z')))).toEqual(['2030-01-07T00:00:00.000Z', '2030-01-08T00:00:00.000Z']);
    // 17:00 UTC on the 7th is already 01:00 on the 8th in Shanghai.
    expect(iso(localDayBounds('Asia/Shanghai', new Date('2030-01-07T17:00:00Z')))).toEqual(['2030-01-07T16:00:00.000Z', '2030-01-08T16:00:00.000Z']);
    expect(iso(localDayBounds('America/New_York', new Date('2030-01-08T03:00:00Z')))).toEqual(['2030-01-07T05:00:00.000Z', '2030-01-08T05:00:00.000Z']);
  });

  it('has 23 or 25 hours on the days the clocks change', () => {
    expect(iso(localDayBounds('Europe/London', new Date('2030-03-31T12:00:00Z')))).toEqual(['2030-03-31T00:00:00.000Z', '2030-03-31T23:00:00.000Z']);
    expect(iso(localDayBounds('Europe/London', new Date('2030-10-27T12:00:00Z')))).toEqual(['2030-10-26T23:00:00.000Z', '2030-10-28T00:00:00.000Z']);
  });
});
