import { Migrator, sql, type Kysely, type Migration, type MigrationResultSet } from 'kysely';

export type MigrationList = ReadonlyArray<readonly [name: string, migration: Migration]>;

const TABLE = 'schema_migrations';

/** Names of the applied migrations, or undefined when the bookkeeping table does not exist yet. */
async function appliedNames(db: Kysely<unknown>): Promise<Set<string> | undefined> {
  try {
    const r = await sql<{ name: string }>`select name from ${sql.table(TABLE)}`.execute(db);
    return new Set(r.rows.map((row) => row.name));
  } catch {
    return undefined;
  }
}

/** Forward-only migrations, applied in list order; a failure stops at the failing one. */
export async function migrateToLatest(
  db: Kysely<unknown>,
  migrations: MigrationList,
  onProgress?: (msg: string) => void,
): Promise<string[]> {
  // Usual case at start-up: the schema is current. One query instead of the migrator's dozen
  // (it creates its tables if missing, takes its lock, reads, …). Anything else — a pending
  // migration, or one in the database that this version does not know — goes to the migrator.
  const applied = await appliedNames(db);
  if (applied && applied.size === migrations.length && migrations.every(([name]) => applied.has(name))) {
    return [];
  }
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => Object.fromEntries(migrations) },
    migrationTableName: TABLE,
    migrationLockTableName: 'schema_migrations_lock',
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  const done: string[] = [];
  for (const r of result.results ?? []) {
    if (r.status === 'Success') {
      done.push(r.migrationName);
      onProgress?.(`migration ${r.migrationName} applied`);
    } else if (r.status === 'Error') {
      onProgress?.(`migration ${r.migrationName} failed`);
    }
  }
  if (result.error) throw result.error;
  return done;
}
