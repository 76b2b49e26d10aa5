import { describe, expect, it } from 'vitest';
import { scheduleWarnings } from './schedule.ts';

describe('the missing-year warning', () => {
  const known = new Set([2025, 2026]);
  it('says nothing in October; warns of next year from 1 November, Beijing time', () => {
    expect(scheduleWarnings(known, new Date('2026-10-31T23:59:00+08:00'))).toEqual([]);
    // 31 October 16:00 UTC is already 1 November in Shanghai.
    expect(scheduleWarnings(known, new Date('2026-10-31T16:00:00Z'))).toEqual([
      expect.objectContaining({ code: 'NATIONAL_SCHEDULE_MISSING', year: 2027 }),
    ]);
  });
  it("warns all year when this year's schedule is missing", () => {
    expect(scheduleWarnings(known, new Date('2027-03-01T12:00:00+08:00')).map((w) => w.year)).toEqual([2027]);
  });
});
