/**
 * "Someone else has this request open" (协同提示): the console sends a heartbeat while a request is
 * open; the view names the others seen in the last minute. A row per (request, user), upserted,
 * so every node sees the same; not audited (nothing changes), stale rows of the request removed.
 */
import { sql } from 'kysely';
import type { Caller, RequestDeps } from './deps.ts';
import { loadInScope } from './requests.repository.ts';
import type { Executor } from './service-requests.tables.ts';

export const VIEWING_WINDOW_MS = 60_000;
const KEEP_MS = 3600_000;

export async function othersViewing(db: Executor, requestId: string, caller: Caller) {
  const rows = await db
    .selectFrom('service_request_viewers')
    .select(['user_id', 'login', 'seen_at'])
    .where('request_id', '=', requestId)
    .where('user_id', '<>', caller.principal.userId)
    .where('seen_at', '>', new Date(caller.now.getTime() - VIEWING_WINDOW_MS))
    .orderBy('seen_at', 'desc')
    .execute();
  return rows.map((r) => ({ userId: r.user_id, login: r.login, seenAt: new Date(r.seen_at).toISOString() }));
}

export async function heartbeat(deps: RequestDeps, caller: Caller, id: string) {
  await loadInScope(deps.db, caller, id);
  const me = caller.principal;
  await deps.db
    .insertInto('service_request_viewers')
    .values({ request_id: id, user_id: me.userId, login: me.login, seen_at: caller.now })
    .onConflict((oc) =>
      oc.columns(['request_id', 'user_id']).doUpdateSet({ seen_at: sql`excluded.seen_at`, login: me.login }),
    )
    .execute();
  await deps.db
    .deleteFrom('service_request_viewers')
    .where('request_id', '=', id)
    .where('seen_at', '<', new Date(caller.now.getTime() - KEEP_MS))
    .execute();
  return { viewers: await othersViewing(deps.db, id, caller) };
}
