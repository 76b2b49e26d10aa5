// Failed sign-ins and account locks (rules in domain/lockout.ts), kept per login as typed in
// login_failures: sign-in checks and counts them, an administrator or the command line unlocks.
import { sql } from 'kysely';
import type { Executor } from './identity.tables.ts';
import { AppError } from '../../platform/errors.ts';
import {
  activeLock,
  FAILURE_MEMORY_MS,
  lockAfterFailure,
  retryAfterSeconds,
  type FailureRecord,
  type LockoutPolicy,
} from './domain/lockout.ts';

/** The key failures are counted under: the login as typed, in lower case (what sign-in looks up). */
export const loginKey = (login: string): string => login.trim().toLowerCase().slice(0, 64);

export async function findLoginFailures(db: Executor, login: string): Promise<FailureRecord | undefined> {
  const row = await db
    .selectFrom('login_failures')
    .select(['failures', 'last_failed_at', 'locked_until'])
    .where('login', '=', loginKey(login))
    .executeTakeFirst();
  return row
    ? { failures: row.failures, lastFailedAt: row.last_failed_at, lockedUntil: row.locked_until }
    : undefined;
}

/** The error a locked login gets: when it may retry (also as Retry-After), never whether it exists. */
export function accountLocked(lockedUntil: Date, now: Date): AppError {
  const seconds = retryAfterSeconds(lockedUntil, now);
  return new AppError(
    'ACCOUNT_LOCKED',
    `Too many failed sign-ins: this login is locked until ${lockedUntil.toISOString()} ` +
      `(try again in ${Math.ceil(seconds / 60)} min, or ask an administrator to unlock it)`,
    { lockedUntil: lockedUntil.toISOString(), retryAfterSeconds: seconds },
  );
}

/** The lock running on a login now, if any. */
export async function loginLock(db: Executor, login: string, now: Date): Promise<Date | undefined> {
  return activeLock(await findLoginFailures(db, login), now);
}

/**
 * Counts one more failed sign-in (atomically: concurrent failures all count) and locks the login
 * when that reaches the threshold; failures a day old with no lock running start again from one.
 * Returns the count and the lock's end, if it locks. Call in the transaction that audits it.
 */
export async function recordLoginFailure(
  trx: Executor,
  login: string,
  now: Date,
  policy: LockoutPolicy,
): Promise<{ failures: number; lockedUntil: Date | null }> {
  const key = loginKey(login);
  const forgetBefore = new Date(now.getTime() - FAILURE_MEMORY_MS);
  const { failures } = await trx
    .insertInto('login_failures')
    .values({ login: key, failures: 1, last_failed_at: now, locked_until: null })
    .onConflict((oc) =>
      oc.column('login').doUpdateSet({
        failures: sql<number>`case when login_failures.last_failed_at < ${forgetBefore}
          and coalesce(login_failures.locked_until, ${now}) <= ${now}
          then 1 else login_failures.failures + 1 end`,
        last_failed_at: now,
      }),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  const lockedUntil = lockAfterFailure(failures, policy, now);
  if (lockedUntil)
    await trx
      .updateTable('login_failures')
      .set({ locked_until: lockedUntil })
      .where('login', '=', key)
      .execute();
  // Forgotten failures of other logins go too, a few per failure: the table stays small. Rows
  // another sign-in holds are skipped, so two failures never wait on each other.
  await trx
    .deleteFrom('login_failures')
    .where('login', 'in', (eb) =>
      eb
        .selectFrom('login_failures')
        .select('login')
        .where('last_failed_at', '<', forgetBefore)
        .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<=', now)]))
        .limit(20)
        .forUpdate()
        .skipLocked(),
    )
    .execute();
  return { failures, lockedUntil };
}

/** Forgets a login's failures (a successful sign-in, an unlock, a new password); what was there. */
export async function clearLoginFailures(db: Executor, login: string): Promise<FailureRecord | undefined> {
  const row = await db
    .deleteFrom('login_failures')
    .where('login', '=', loginKey(login))
    .returning(['failures', 'last_failed_at', 'locked_until'])
    .executeTakeFirst();
  return row
    ? { failures: row.failures, lastFailedAt: row.last_failed_at, lockedUntil: row.locked_until }
    : undefined;
}
