import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import { conflict, notFound } from '../../platform/errors.ts';
import type { Caller } from '../../platform/http/caller.ts';
import { maskPiiInText } from '../../platform/logger.ts';
import { assertOneUpdated, checkVersion } from '../../platform/versions.ts';
import { appendAudit } from '../audit/index.ts';
import { displayNames } from '../identity/index.ts';
import {
  alertDedupKey,
  isAlertKind,
  nextAlertState,
  scrubDetail,
  scrubText,
  type AlertAction,
  type AlertState,
} from './domain/alerts.ts';
import type { AlertView } from './security.schemas.ts';
import type { Db, Executor, SecurityAlertsTable } from './security.tables.ts';

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

// ---- What the security administrator does with alerts ----

type AlertRow = Selectable<SecurityAlertsTable>;
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

async function alertViews(db: Executor, rows: AlertRow[]): Promise<AlertView[]> {
  const ids = new Set<string>();
  for (const r of rows) for (const u of [r.user_id, r.acknowledged_by, r.closed_by]) if (u) ids.add(u);
  const { user } = await displayNames(db, [], [...ids]);
  const who = (id: string | null) => (id ? { id, name: user.get(id) ?? '' } : null);
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    user: who(r.user_id),
    summary: r.summary,
    detail: (r.detail ?? {}) as Record<string, unknown>,
    occurrences: r.occurrences,
    firstAt: iso(r.first_at)!,
    lastAt: iso(r.last_at)!,
    state: r.state,
    acknowledgedAt: iso(r.acknowledged_at),
    acknowledgedBy: who(r.acknowledged_by),
    acknowledgeNote: r.acknowledge_note,
    closedAt: iso(r.closed_at),
    closedBy: who(r.closed_by),
    closeNote: r.close_note,
    version: r.version,
  }));
}

export interface AlertQuery {
  state?: AlertState | undefined;
  kind?: string | undefined;
  userId?: string | undefined;
  limit: number;
  before?: string | undefined;
}

/** Alerts, newest first (by when they opened), filtered by state, kind or user. */
export async function listAlerts(
  db: Executor,
  q: AlertQuery,
): Promise<{ items: AlertView[]; nextBefore: string | null }> {
  let sel = db.selectFrom('security_alerts').selectAll().orderBy('id', 'desc').limit(q.limit);
  if (q.state) sel = sel.where('state', '=', q.state);
  if (q.kind) sel = sel.where('kind', '=', q.kind);
  if (q.userId) sel = sel.where('user_id', '=', q.userId);
  if (q.before) sel = sel.where('id', '<', q.before);
  const rows = await sel.execute();
  return {
    items: await alertViews(db, rows),
    nextBefore: rows.length === q.limit ? rows[rows.length - 1]!.id : null,
  };
}

export async function getAlert(db: Executor, id: string): Promise<AlertView> {
  const row = await db.selectFrom('security_alerts').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('security alert');
  return (await alertViews(db, [row]))[0]!;
}

/** Acknowledges or closes an alert with a note; audited. A state that does not allow it: 409. */
export async function actOnAlert(
  db: Db,
  caller: Caller,
  id: string,
  action: AlertAction,
  body: { note: string; version?: number | undefined },
): Promise<AlertView> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('security_alerts')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) throw notFound('security alert');
    checkVersion('security alert', row.version, body.version);
    const next = nextAlertState(row.state, action);
    if ('refused' in next) throw conflict(next.refused, { state: row.state });
    const note = body.note;
    const by = caller.principal.userId;
    const set =
      action === 'acknowledge'
        ? { state: next.state, acknowledged_at: caller.now, acknowledged_by: by, acknowledge_note: note }
        : { state: next.state, closed_at: caller.now, closed_by: by, close_note: note };
    const r = await trx
      .updateTable('security_alerts')
      .set({ ...set, version: sql`version + 1` })
      .where('id', '=', id)
      .where('version', '=', row.version)
      .executeTakeFirst();
    assertOneUpdated('security alert', r.numUpdatedRows);
    await appendAudit(
      trx,
      caller.actor,
      {
        action: `security.alert.${action}`,
        entityType: 'security_alert',
        entityId: id,
        details: {
          kind: row.kind,
          from: row.state,
          to: next.state,
          occurrences: row.occurrences,
          note: maskPiiInText(note),
        },
      },
      caller.now,
    );
  });
  return getAlert(db, id);
}
