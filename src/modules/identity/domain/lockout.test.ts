import { describe, expect, it } from 'vitest';
import {
  activeLock,
  FAILURE_MEMORY_MS,
  isStale,
  lockAfterFailure,
  lockMinutes,
  retryAfterSeconds,
} from './lockout.ts';

const policy = { threshold: 5, baseMinutes: 1, maxMinutes: 60 };
const now = new Date('2026-12-07T10:00:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);

describe('account lockout', () => {
  it('locks from the threshold on, doubling each further failure up to the maximum', () => {
    expect([1, 2, 3, 4].map((n) => lockMinutes(n, policy))).toEqual([0, 0, 0, 0]);
    expect([5, 6, 7, 8, 9, 10, 11, 50].map((n) => lockMinutes(n, policy))).toEqual([
      1, 2, 4, 8, 16, 32, 60, 60,
    ]);
    expect(lockAfterFailure(4, policy, now)).toBeNull();
    expect(lockAfterFailure(6, policy, now)).toEqual(at(2 * 60_000));
    expect(lockMinutes(3, { threshold: 3, baseMinutes: 30, maxMinutes: 45 })).toBe(30);
    expect(lockMinutes(4, { threshold: 3, baseMinutes: 30, maxMinutes: 45 })).toBe(45);
  });

  it('a lock runs until its end; failures are forgotten a day after the last, unless locked', () => {
    const record = { failures: 5, lastFailedAt: now, lockedUntil: at(60_000) };
    expect(activeLock(record, at(59_999))).toEqual(at(60_000));
    expect(activeLock(record, at(60_000))).toBeUndefined();
    expect(activeLock(undefined, now)).toBeUndefined();
    expect(isStale(record, at(FAILURE_MEMORY_MS))).toBe(false);
    expect(isStale(record, at(FAILURE_MEMORY_MS + 1))).toBe(true);
    expect(isStale({ ...record, lockedUntil: at(2 * FAILURE_MEMORY_MS) }, at(FAILURE_MEMORY_MS + 1))).toBe(
      false,
    );
  });

  it('says when to retry in whole seconds, at least one', () => {
    expect(retryAfterSeconds(at(90_500), now)).toBe(91);
    expect(retryAfterSeconds(at(10), now)).toBe(1);
  });
});
