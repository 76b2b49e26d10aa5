import { describe, expect, it } from 'vitest';
import { alertDue, isGuarded, slowdownMs } from './search-guard.ts';

const policy = { missLimit: 20, windowMs: 3_600_000, stepMs: 1000, maxDelayMs: 30_000 };

describe('the search guard', () => {
  it('slows a user down only past the miss limit, a step more per miss, capped', () => {
    expect(slowdownMs(0, policy)).toBe(0);
    expect(slowdownMs(19, policy)).toBe(0);
    expect(slowdownMs(20, policy)).toBe(1000);
    expect(slowdownMs(22, policy)).toBe(3000);
    expect(slowdownMs(500, policy)).toBe(30_000);
  });

  it('alerts when the misses reach the limit and each doubling of it, not on every miss', () => {
    expect(alertDue(18, 19, 20)).toBe(false);
    expect(alertDue(19, 20, 20)).toBe(true);
    expect(alertDue(19, 22, 20)).toBe(true); // concurrent misses jumped over it
    expect(alertDue(20, 21, 20)).toBe(false);
    expect(alertDue(39, 40, 20)).toBe(true);
    expect(alertDue(40, 79, 20)).toBe(false);
    expect(alertDue(79, 80, 20)).toBe(true);
  });

  it('guards phone and ID number searches, not names or codes', () => {
    expect(isGuarded(['phone', 'code'])).toBe(true);
    expect(isGuarded(['phoneTail'])).toBe(true);
    expect(isGuarded(['idNumber'])).toBe(true);
    expect(isGuarded(['phoneAccountNo'])).toBe(true);
    expect(isGuarded(['name', 'customerNo', 'accountNo'])).toBe(false);
  });
});
