// The demo data: every module's part, in registry order (the org tree and staff before the
// customers they serve). Idempotent: a module adds its part only when it is not there yet.
import type { ModuleContext } from '../context.ts';
import { listAudit } from '../modules/audit/index.ts';
import { countCustomers } from '../modules/customers/index.ts';
import { countUsers } from '../modules/identity/index.ts';
import { modules } from '../modules.ts';
import { CliError } from '../platform/module-cli.ts';

export { chineseNames, DEMO_LOGINS, DEMO_UNITS, demoId } from '../modules/identity/index.ts';

/**
 * Why the demo must not be loaded into this database, or undefined. The demo adds logins with a
 * published password (`admin` …), so it goes only into an empty database or one it created
 * itself: identity's seed writes `demo.seed` into the audit log, in the transaction that adds the
 * demo users — a database without that entry that holds users or customers is an operator's.
 */
export async function demoRefusal(ctx: ModuleContext): Promise<string | undefined> {
  const [users, customers] = await Promise.all([countUsers(ctx.db), countCustomers(ctx.db)]);
  if (users === 0 && customers === 0) return undefined;
  const [seeded] = await listAudit(ctx.db, { entityType: 'system', action: 'demo.seed', limit: 1 });
  if (seeded) return undefined;
  const held = [
    users ? `${users} user${users === 1 ? '' : 's'}` : '',
    customers ? `${customers} customer${customers === 1 ? '' : 's'}` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  return (
    `refusing to load the demo data: this database holds ${held} that the demo did not load. ` +
    'The demo adds logins with a published password (admin …). Start without --demo, or point ' +
    'ONEPOINT_DATA_DIR (or DATABASE_URL) at an empty database for a trial.'
  );
}

/**
 * Loads every module's demo data that is not there yet; `created` says whether anything was added.
 * Refuses (exit 2) a database that holds data the demo did not load (see demoRefusal).
 */
export async function ensureDemoData(ctx: ModuleContext, onProgress: (msg: string) => void = () => {}) {
  const refusal = await demoRefusal(ctx);
  if (refusal) throw new CliError(refusal, 2);
  let created = false;
  for (const m of modules) {
    if (m.demo && (await m.demo(ctx, onProgress))) created = true;
  }
  return { created };
}
