import { describe, expect, it } from 'vitest';
import { chinaDay, contractOn, overlapping, type ContractPeriod } from './contracts.ts';

const c = (contractNo: string, validFrom: string, validTo: string | null = null): ContractPeriod => ({
  contractNo,
  validFrom,
  validTo,
});

describe('service agreements', () => {
  const signed = [c('A', '2025-01-01', '2025-12-31'), c('B', '2026-01-01')];

  it('finds the one valid on a day, both ends included; none before the first', () => {
    expect(contractOn(signed, '2025-01-01')?.contractNo).toBe('A');
    expect(contractOn(signed, '2025-12-31')?.contractNo).toBe('A');
    expect(contractOn(signed, '2026-01-01')?.contractNo).toBe('B');
    expect(contractOn(signed, '2031-06-30')?.contractNo).toBe('B'); // open-ended
    expect(contractOn(signed, '2024-12-31')).toBeUndefined();
  });

  it('finds an overlap with another contract, not with itself', () => {
    expect(overlapping(signed, c('C', '2025-12-31', '2026-01-05'))?.contractNo).toBe('A');
    expect(overlapping(signed, c('C', '2024-01-01', '2024-12-31'))).toBeUndefined();
    expect(overlapping(signed, c('C', '2020-01-01'))?.contractNo).toBe('A'); // open-ended from before
    expect(overlapping([c('A', '2025-01-01', '2025-12-31')], c('C', '2026-01-01'))).toBeUndefined();
    // Changing a contract's own period is no overlap with itself.
    expect(overlapping(signed, c('B', '2026-03-01'))).toBeUndefined();
  });

  it("takes a request's day in China time", () => {
    // 2026-12-06 17:00 UTC is 7 December 01:00 in China.
    expect(chinaDay(new Date('2026-12-06T17:00:00Z'))).toBe('2026-12-07');
    expect(chinaDay(new Date('2026-12-06T15:59:59Z'))).toBe('2026-12-06');
  });
});
