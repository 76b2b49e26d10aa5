/**
 * Staff presence (在岗状态): available, away or offline, optionally until a time and with a named
 * deputy. Routing skips away/offline users; first-contact responsibility (首问负责制) sends a
 * customer's follow-up to the deputy while the owner is away. No row means available.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import { invalidField, unprocessableField } from '../../platform/errors.ts';
import type { App } from '../../platform/http/app.ts';
import { requirePrincipal } from '../../platform/http/auth.ts';
import { assertOneUpdated, checkVersion } from '../../platform/versions.ts';
import type { Db, Executor, ModuleContext } from './identity.tables.ts';

export const PRESENCE_STATUSES = ['available', 'away', 'offline'] as const;
export type PresenceStatus = (typeof PRESENCE_STATUSES)[number];

export interface Presence {
  status: PresenceStatus;
  until: Date | null;
  deputyUserId: string | null;
}

/** The status in force at `at`: an away/offline whose until-time has passed is available again. */
export function effectiveStatus(p: Presence, at: Date): PresenceStatus {
  if (p.status !== 'available' && p.until !== null && p.until.getTime() <= at.getTime()) return 'available';
  return p.status;
}

/**
 * Presence of users by id, as stored (users without a row are left out: they are available).
 * With `at`, the status is the one in force then (an expired away is available).
 */
export async function presenceOf(
  caller: AnyExecutor,
  userIds: readonly string[],
  at?: Date,
): Promise<Map<string, Presence>> {
  const db: Executor = caller;
  if (userIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('user_presence')
    .select(['user_id', 'status', 'until', 'deputy_user_id'])
    .where('user_id', 'in', [...new Set(userIds)])
    .execute();
  return new Map(
    rows.map((r) => {
      const p: Presence = { status: r.status, until: r.until, deputyUserId: r.deputy_user_id };
      return [r.user_id, at ? { ...p, status: effectiveStatus(p, at) } : p];
    }),
  );
}

const presenceView = z.object({
  status: z.enum(PRESENCE_STATUSES),
  until: z.iso.datetime({ offset: true }).nullable(),
  deputy: z.object({ id: z.string(), name: z.string() }).nullable(),
  version: z.number().int(),
});
type PresenceView = z.infer<typeof presenceView>;

const presenceInput = z.strictObject({
  status: z.enum(PRESENCE_STATUSES),
  until: z.iso.datetime({ offset: true }).nullish(),
  deputyUserId: z.uuid().nullish(),
  version: z.number().int().positive().optional(),
});
type PresenceInput = z.infer<typeof presenceInput>;

async function readPresence(db: Executor, userId: string, at: Date): Promise<PresenceView> {
  const row = await db
    .selectFrom('user_presence as p')
    .leftJoin('users as d', 'd.id', 'p.deputy_user_id')
    .select(['p.status', 'p.until', 'p.deputy_user_id', 'p.version', 'd.display_name'])
    .where('p.user_id', '=', userId)
    .executeTakeFirst();
  if (!row) return { status: 'available', until: null, deputy: null, version: 0 };
  const status = effectiveStatus(
    { status: row.status, until: row.until, deputyUserId: row.deputy_user_id },
    at,
  );
  return {
    status,
    until: status === 'available' ? null : (row.until?.toISOString() ?? null),
    deputy: row.deputy_user_id ? { id: row.deputy_user_id, name: row.display_name ?? '' } : null,
    version: row.version,
  };
}

async function setPresence(db: Db, userId: string, input: PresenceInput, now: Date): Promise<PresenceView> {
  const until = input.until ? new Date(input.until) : null;
  if (until && input.status === 'available')
    throw invalidField('body.until', 'only an away or offline status has an end time');
  if (until && until.getTime() <= now.getTime()) throw invalidField('body.until', 'must be in the future');
  const deputy = input.deputyUserId ?? null;
  if (deputy === userId) throw invalidField('body.deputyUserId', 'cannot be yourself');
  await db.transaction().execute(async (trx) => {
    if (deputy) {
      const d = await trx.selectFrom('users').select('status').where('id', '=', deputy).executeTakeFirst();
      if (d?.status !== 'active') throw unprocessableField('body.deputyUserId', 'no such active user');
    }
    const current = await trx
      .selectFrom('user_presence')
      .select('version')
      .where('user_id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    const values = { status: input.status, until, deputy_user_id: deputy, updated_at: now };
    if (!current) {
      checkVersion('presence', 0, input.version);
      await trx
        .insertInto('user_presence')
        .values({ user_id: userId, ...values })
        .execute();
      return;
    }
    checkVersion('presence', current.version, input.version);
    const res = await trx
      .updateTable('user_presence')
      .set({ ...values, version: sql`version + 1` })
      .where('user_id', '=', userId)
      .where('version', '=', current.version)
      .executeTakeFirst();
    assertOneUpdated('presence', res.numUpdatedRows);
  });
  return readPresence(db, userId, now);
}

/** GET/PUT /me/presence: the signed-in user's own status. */
export function presenceRoutes(ctx: ModuleContext) {
  const tags = ['auth'];
  return async (app: App) => {
    app.get(
      '/me/presence',
      {
        schema: { tags, summary: 'My presence (available, away, offline)', response: { 200: presenceView } },
        config: { access: { authenticated: true } },
      },
      async (request) => readPresence(ctx.db, requirePrincipal(request).userId, ctx.clock.now()),
    );
    app.put(
      '/me/presence',
      {
        schema: {
          tags,
          summary: 'Set my presence, optionally until a time and with a deputy; routing skips away/offline',
          body: presenceInput,
          response: { 200: presenceView },
        },
        config: { access: { authenticated: true } },
      },
      async (request) => setPresence(ctx.db, requirePrincipal(request).userId, request.body, ctx.clock.now()),
    );
  };
}
