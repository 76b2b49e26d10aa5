/**
 * The demo's contract-specific commitment: the signed agreement the customers module's demo gives
 * one 集团级 enterprise of 苏州 gets its row in the policy matrix (tighter than the 集团级 tier row;
 * a contract row wins whatever its limits), and the demo's open requests are computed again.
 */
import { sql } from 'kysely';
import { contractExists, DEMO_SLA_CONTRACT } from '../customers/index.ts';
import { recomputeForPolicies } from './policy-recompute.ts';
import type { PolicyRow } from './domain/policy.ts';
import type { ModuleContext } from './sla.tables.ts';

const H24 = '24x7';

export const DEMO_CONTRACT_ROW: PolicyRow = {
  code: `contract.${DEMO_SLA_CONTRACT.contractNo}`,
  name: `${DEMO_SLA_CONTRACT.name} 故障`,
  source: `contract ${DEMO_SLA_CONTRACT.contractNo} (demo data): signed SLA, 7×24`,
  match: { contractId: DEMO_SLA_CONTRACT.contractNo, kind: 'fault' },
  targets: {
    response: { duration: '10m', calendar: H24 },
    arrival: { duration: '1h', calendar: H24 },
    restoration: { duration: '3h', calendar: H24 },
    progress: { duration: '30m', calendar: H24 },
  },
};

/**
 * Adds the demo contract's row (once, after the seeded rows; like them not audited: no one changed
 * the matrix) and recomputes the open clocks.
 */
export async function seedDemoPolicies(ctx: ModuleContext, onProgress: (msg: string) => void) {
  const row = DEMO_CONTRACT_ROW;
  const have = await ctx.db
    .selectFrom('sla_policies')
    .select('code')
    .where('code', '=', row.code)
    .executeTakeFirst();
  if (have || !(await contractExists(ctx.db, row.match.contractId!))) return false;
  const now = ctx.clock.now();
  await ctx.db
    .insertInto('sla_policies')
    .values({
      code: row.code,
      name: row.name,
      source: row.source,
      position: sql<number>`(select coalesce(max(position), 0) + 10 from sla_policies)`,
      contract_id: row.match.contractId!,
      kind: row.match.kind!,
      targets: JSON.stringify(row.targets),
      created_at: now,
      updated_at: now,
    })
    .execute();
  // The demo requests of the contract's customer were accepted before the row existed.
  await recomputeForPolicies(ctx.db, { reason: 'demo contract row added', policyCodes: [row.code] }, now);
  onProgress(`SLA: contract row ${row.code}`);
  return true;
}
