import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import { alertDedupKey, isAlertKind, scrubDetail, scrubText } from './domain/alerts.ts';
import type { Executor } from './security.tables.ts';

/** What another module passes: the kind and counts, never a phone or ID number. */
export interface NewSecurityAlert {
  /** `<area>.<what>`, e.g. `search.misses`, `reveal.cap` (see KNOWN_ALERT_KINDS). */
  kind: string;
  /** The user the alert is about, or null. */
  userId: string | null;
  /** One line for the administrator, e.g. "12 phone searches without a match today". No values. */
  summary: string;
  /** Structured counts and kinds (`{ misses: 12, searchKind: 'phone' }`); the latest repeat's is kept. */
  detail?: Record<string, unknown>;
  /** When it happened (the caller's clock). */
  at: Date;
}

/**
 * Raises a security alert inside the caller's transaction (it exists iff the caller's change
 * commits). While an alert of the same kind for the same user is open on the same day (China
 * Standard Time), a repeat counts it up instead of adding a row: one INSERT … ON CONFLICT on that
 * user's row, so there is no shared hot row (two requests of one user wait on each other only).
 * Callers pass kinds and counts, not values; long digit runs are removed all the same.
 */
export async function raiseSecurityAlert(caller: AnyExecutor, alert: NewSecurityAlert): Promise<void> {
  const db: Executor = caller;
  await raiseAlert(db, alert);
}

/** As raiseSecurityAlert; tells whether a new alert was opened (false: an open one was counted up). */
export async function raiseAlert(
  db: Executor,
  alert: NewSecurityAlert,
): Promise<{ id: string; opened: boolean }> {
  if (!isAlertKind(alert.kind))
    throw new Error(`security alert kind "${alert.kind}" is not <area>.<what> in lower case`);
  const summary = scrubText(alert.summary.trim() || alert.kind);
  const detail = JSON.stringify(scrubDetail(alert.detail));
  const row = await db
    .insertInto('security_alerts')
    .values({
      id: uuidv7(),
      kind: alert.kind,
      user_id: alert.userId,
      summary,
      detail,
      first_at: alert.at,
      last_at: alert.at,
      dedup_key: alertDedupKey(alert.kind, alert.userId, alert.at),
      created_at: alert.at,
    })
    .onConflict((oc) =>
      oc
        .column('dedup_key')
        .where('state', '=', 'open')
        .doUpdateSet({
          occurrences: sql`security_alerts.occurrences + 1`,
          last_at: sql`greatest(security_alerts.last_at, excluded.last_at)`,
          summary: sql`excluded.summary`,
          detail: sql`excluded.detail`,
        }),
    )
    .returning(['id', 'occurrences'])
    .executeTakeFirstOrThrow();
  return { id: row.id, opened: row.occurrences === 1 };
}
