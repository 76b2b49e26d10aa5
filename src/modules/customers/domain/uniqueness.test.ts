import { describe, expect, it } from 'vitest';
import { commonUnit, LOCK_BUCKETS, lockBucket, lockPlan } from './uniqueness.ts';

describe('locks for unique values', () => {
  it('puts a value in the same bucket every time, within range', () => {
    const b = lockBucket('32010219900307128X');
    expect(lockBucket('32010219900307128X')).toBe(b);
    expect(b).toBeGreaterThanOrEqual(0);
    expect(b).toBeLessThan(LOCK_BUCKETS);
  });

  it('locks fields in one order and buckets ascending, each once', () => {
    const plan = lockPlan({
      accountNo: ['broadband.ftth ad1', 'broadband.ftth ad1', 'iptv x'],
      idNumber: ['32010219900307128X'],
    });
    expect(plan.map((p) => p.field)).toEqual(['idNumber', 'accountNo']);
    const accounts = plan[1]!.buckets;
    expect(accounts).toEqual([...new Set(accounts)].sort((a, b) => a - b));
    expect(accounts.length).toBeLessThanOrEqual(2);
    expect(lockPlan({})).toEqual([]);
  });
});

describe('where a duplicate across scopes is reviewed', () => {
  it('is the lowest unit above both customers', () => {
    expect(commonUnit('/ct/js/nj/', '/ct/zj/hz/')).toBe('ct');
    expect(commonUnit('/ct/js/nj/', '/ct/js/sz/')).toBe('js');
    expect(commonUnit('/ct/js/nj/', '/ct/js/nj/jn/')).toBe('nj');
    expect(commonUnit('/a/', '/b/')).toBeUndefined();
  });
});
