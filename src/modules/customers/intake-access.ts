/**
 * 一点受理: a request taken for a customer outside the agent's data scope (identified by a whole
 * identifier first) is itself an access to that customer, logged with its purpose.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { AuditActor } from '../audit/index.ts';
import { logAccess } from './access-log.service.ts';
import type { Executor } from './customers.tables.ts';

/** Migration 0023: the access log takes the action `intake`. */
export const customersIntakeAccess: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table customer_access_log drop constraint customer_access_log_action_check`.execute(db);
    await sql`alter table customer_access_log add constraint customer_access_log_action_check
      check (action in ('view', 'view360', 'list', 'search', 'export', 'tmf', 'identify', 'intake'))`.execute(
      db,
    );
  },
};

/** Logs a cross-scope intake (in the intake's transaction); `purpose` names the request, ≤ 100. */
export async function logIntakeAccess(
  handle: AnyExecutor,
  actor: AuditActor,
  customerId: string,
  purpose: string,
): Promise<void> {
  const db: Executor = handle;
  await logAccess(db, actor, [customerId], 'intake', [...purpose].slice(0, 100).join(''));
}
