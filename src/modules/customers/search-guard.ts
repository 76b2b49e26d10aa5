/**
 * The search guard at work (rules in domain/search-guard.ts): before a phone or ID number search,
 * the caller waits if they missed too often lately; a search that found nobody is access-logged
 * without a customer (MIIT Order 24: every search, hit or miss, with its kind, never its value),
 * and crossing the miss limit alerts the security administrators.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import { AppError } from '../../platform/errors.ts';
import type { RaiseSecurityAlert } from '../../platform/module.ts';
import type { AccessAction } from './access-log.service.ts';
import type { Caller } from './caller.ts';
import type { Executor } from './customers.tables.ts';
import {
  GUARDED_KINDS,
  alertDue,
  isGuarded,
  slowdownMs,
  type SearchGuardPolicy,
} from './domain/search-guard.ts';

export const searchGuardPolicy = (config: Config): SearchGuardPolicy => ({
  missLimit: config.searchMissLimit,
  windowMs: config.searchMissWindowMinutes * 60_000,
  stepMs: config.searchSlowdownStepMs,
  maxDelayMs: config.searchSlowdownMaxMs,
});

/** A search's kinds as the access log keeps them (`purpose`): `phoneTail,name`, `list:phone`. */
export const searchPurpose = (kinds: readonly string[], context?: string) =>
  [context, kinds.join(',')].filter(Boolean).join(':') || null;

// The guarded kinds inside a purpose (see searchPurpose).
const GUARDED_PURPOSE = `(^|[:,])(${[...GUARDED_KINDS].join('|')})(,|$)`;

async function missesSince(db: Executor, userId: string, since: Date): Promise<number> {
  const r = await db
    .selectFrom('customer_access_log')
    .select(sql<string>`count(*)`.as('n'))
    .where('actor_id', '=', userId)
    .where('customer_id', 'is', null)
    .where('occurred_at', '>', since)
    .where(sql<boolean>`purpose ~ ${GUARDED_PURPOSE}`)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** What a guarded search carries from its start to its end. */
export interface SearchTicket {
  kinds: readonly string[];
  /** The caller's misses in the window when the search began. */
  missesBefore: number;
}

export class SearchGuard {
  /** When each slowed-down user's next guarded search may start (this process, ms since epoch). */
  private readonly nextStart = new Map<string, number>();

  constructor(
    readonly policy: SearchGuardPolicy,
    private readonly raiseAlert: RaiseSecurityAlert,
    private readonly wait: (ms: number) => Promise<unknown> = sleep,
  ) {}

  /**
   * Before a search of these kinds: a caller past the miss limit waits (slowdownMs), one guarded
   * search after the other — searches sent side by side queue up, and one that would queue past
   * twice the longest wait is refused (429, Retry-After) instead of held open.
   */
  async begin(db: Executor, caller: Caller, kinds: readonly string[]): Promise<SearchTicket> {
    const user = caller.actor.actorId;
    if (!user || !isGuarded(kinds)) return { kinds, missesBefore: 0 };
    const since = new Date(caller.now.getTime() - this.policy.windowMs);
    const misses = await missesSince(db, user, since);
    const delay = slowdownMs(misses, this.policy);
    if (delay === 0) {
      this.nextStart.delete(user);
      return { kinds, missesBefore: misses };
    }
    const now = Date.now();
    const start = Math.max(now, this.nextStart.get(user) ?? 0) + delay;
    if (start - now > 2 * this.policy.maxDelayMs)
      throw new AppError(
        'RATE_LIMITED',
        'Too many searches by phone or ID number found nobody: wait before the next one',
        { retryAfterSeconds: Math.ceil((start - now) / 1000) },
      );
    this.nextStart.set(user, start);
    await this.wait(start - now);
    return { kinds, missesBefore: misses };
  }

  /**
   * After a search that found nobody: the access-log entry (its kind, no customer, no value) and,
   * when the caller's misses cross the limit or a doubling of it, the security alert.
   */
  async missed(
    db: Executor,
    caller: Caller,
    ticket: SearchTicket,
    action: AccessAction,
    purpose: string | null,
  ): Promise<void> {
    await logMiss(db, caller, action, purpose);
    const user = caller.actor.actorId;
    if (!user || !isGuarded(ticket.kinds)) return;
    const misses = await missesSince(db, user, new Date(caller.now.getTime() - this.policy.windowMs));
    if (!alertDue(ticket.missesBefore, misses, this.policy.missLimit)) return;
    const minutes = Math.round(this.policy.windowMs / 60_000);
    await this.raiseAlert(db, {
      kind: 'search.misses',
      userId: user,
      summary:
        `${caller.actor.actorLogin ?? user}: ${misses} searches by phone or ID number found nobody ` +
        `within ${minutes} minutes (limit ${this.policy.missLimit}); their searches are slowed down`,
      detail: {
        misses,
        windowMinutes: minutes,
        missLimit: this.policy.missLimit,
        kinds: [...ticket.kinds],
        nextDelayMs: slowdownMs(misses, this.policy),
      },
      at: caller.now,
    });
  }
}

/** A search that found nobody, in the access log: who, when, which kind (never the value). */
export async function logMiss(
  db: Executor,
  caller: Caller,
  action: AccessAction,
  purpose: string | null,
): Promise<void> {
  await db
    .insertInto('customer_access_log')
    .values({
      occurred_at: caller.now,
      actor_id: caller.actor.actorId,
      actor_login: caller.actor.actorLogin,
      customer_id: null,
      action,
      purpose,
      ip: caller.actor.ip,
      request_id: caller.actor.requestId,
    })
    .execute();
}
