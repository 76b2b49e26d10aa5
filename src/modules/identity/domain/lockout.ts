/**
 * Account lockout (等保2.0: 登录失败处理): after `threshold` failed sign-ins in a row a login is
 * locked for `baseMinutes`, each further failure doubles the lock, up to `maxMinutes`. Counted
 * per login as typed, whether a user has it or not, so a lock tells nothing about existence.
 */
export interface LockoutPolicy {
  threshold: number;
  baseMinutes: number;
  maxMinutes: number;
}

/** What is stored for a login with failed sign-ins (login_failures). */
export interface FailureRecord {
  failures: number;
  lastFailedAt: Date;
  lockedUntil: Date | null;
}

/** Failures older than this with no lock running are forgotten: the next one counts as the first. */
export const FAILURE_MEMORY_MS = 24 * 3600_000;

/** The lock running at `now`, if any. */
export function activeLock(record: FailureRecord | undefined, now: Date): Date | undefined {
  return record?.lockedUntil && record.lockedUntil.getTime() > now.getTime() ? record.lockedUntil : undefined;
}

/** Whether a record is stale at `now`: its failures no longer count (and it may be deleted). */
export function isStale(record: FailureRecord, now: Date): boolean {
  return (
    activeLock(record, now) === undefined && now.getTime() - record.lastFailedAt.getTime() > FAILURE_MEMORY_MS
  );
}

/** Minutes of lock after the `failures`-th failure in a row (0: not locked). */
export function lockMinutes(failures: number, policy: LockoutPolicy): number {
  if (failures < policy.threshold) return 0;
  const doublings = Math.min(failures - policy.threshold, 30);
  return Math.min(policy.baseMinutes * 2 ** doublings, policy.maxMinutes);
}

/** The lock's end after the `failures`-th failure in a row at `now`, or null when it does not lock. */
export function lockAfterFailure(failures: number, policy: LockoutPolicy, now: Date): Date | null {
  const minutes = lockMinutes(failures, policy);
  return minutes > 0 ? new Date(now.getTime() + minutes * 60_000) : null;
}

/** Whole seconds until the lock ends (at least 1): the Retry-After of a refused sign-in. */
export function retryAfterSeconds(lockedUntil: Date, now: Date): number {
  return Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
}
