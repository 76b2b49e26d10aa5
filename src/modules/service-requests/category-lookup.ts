/** For other modules that name request categories (the SLA policy matrix): which exist, per kind. */
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { Kind } from './domain/catalogue.ts';
import type { Executor } from './service-requests.tables.ts';

/** The active categories, as `{ kind, code }`. */
export async function activeCategories(callerDb: AnyExecutor): Promise<{ kind: Kind; code: string }[]> {
  const db: Executor = callerDb;
  return db
    .selectFrom('service_request_categories')
    .select(['kind', 'code'])
    .where('active', '=', true)
    .orderBy('kind')
    .orderBy('code')
    .execute();
}
