import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { Executor } from './identity.tables.ts';

/** The active skill groups a user belongs to (the "my group's" queue of the service requests). */
export async function skillGroupIdsOfUser(caller: AnyExecutor, userId: string): Promise<string[]> {
  const db: Executor = caller;
  const rows = await db
    .selectFrom('skill_group_members as m')
    .innerJoin('skill_groups as g', 'g.id', 'm.skill_group_id')
    .select('g.id')
    .where('m.user_id', '=', userId)
    .where('g.active', '=', true)
    .orderBy('g.id')
    .execute();
  return rows.map((r) => r.id);
}
