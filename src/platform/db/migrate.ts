import { Migrator, type Kysely, type Migration, type MigrationResultSet } from 'kysely';

export type MigrationList = ReadonlyArray<readonly [name: string, migration: Migration]>;

/** Forward-only migrations, applied in list order; a failure stops at the failing one. */
export async function migrateToLatest(
  db: Kysely<unknown>,
  migrations: MigrationList,
  onProgress?: (msg: string) => void,
): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => Object.fromEntries(migrations) },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  const applied: string[] = [];
  for (const r of result.results ?? []) {
    if (r.status === 'Success') {
      applied.push(r.migrationName);
      onProgress?.(`migration ${r.migrationName} applied`);
    } else if (r.status === 'Error') {
      onProgress?.(`migration ${r.migrationName} failed`);
    }
  }
  if (result.error) throw result.error;
  return applied;
}
