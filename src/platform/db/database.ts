import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.ts';
import { PGliteDialect } from './pglite-dialect.ts';

export type Engine = 'pglite' | 'postgres';

export interface Database<DB> {
  db: Kysely<DB>;
  engine: Engine;
  /** Where the data lives, without credentials (for logs). */
  location: string;
  close(): Promise<void>;
}

export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

// One representation on both engines: int8 and numeric as strings (no silent precision loss),
// date as 'YYYY-MM-DD' (no local-midnight Date objects). Callers convert deliberately.
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
const identity = (v: string) => v;

export function pgliteTemplateDir(): string {
  const version = (
    JSON.parse(
      fs.readFileSync(path.join(packageRoot, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'),
    ) as { version: string }
  ).version;
  return (
    process.env.ONEPOINT_PGLITE_TEMPLATE_DIR ??
    path.join(packageRoot, 'node_modules/.cache/onepoint', `pglite-${version}`)
  );
}

/** Makes sure the empty-cluster template exists, building it in a child process if needed. */
export function ensurePgliteTemplate(onProgress?: (msg: string) => void): string {
  const dir = pgliteTemplateDir();
  if (!fs.existsSync(path.join(dir, 'READY'))) {
    onProgress?.('Preparing the embedded database template (once per install, ~8 s)…');
    execFileSync(process.execPath, [path.join(packageRoot, 'scripts/build-pglite-template.mjs'), dir], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
  return path.join(dir, 'pgdata');
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  poolSize?: number;
  /** Name of the command holding the embedded data directory (shown to a second opener). */
  command: string;
  onProgress?: (msg: string) => void;
}

export async function openDatabase<DB>(opts: OpenOptions): Promise<Database<DB>> {
  const database = opts.databaseUrl
    ? openPostgres<DB>(opts.databaseUrl, opts.poolSize ?? 10)
    : await openPglite<DB>(opts.dataDir, opts.command, opts.onProgress);
  // Closing twice (a shutdown signal during a close, a test's own cleanup) is harmless.
  let closing: Promise<void> | undefined;
  return { ...database, close: () => (closing ??= database.close()) };
}

function openPostgres<DB>(url: string, poolSize: number): Database<DB> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    options: '-c TimeZone=UTC',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8 || oid === NUMERIC || oid === DATE
          ? identity
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const u = new URL(url);
  return {
    db,
    engine: 'postgres',
    location: `postgresql://${u.hostname}:${u.port || 5432}${u.pathname}`,
    close: () => db.destroy(),
  };
}

async function openPglite<DB>(
  dataDir: string,
  command: string,
  onProgress?: (msg: string) => void,
): Promise<Database<DB>> {
  const release = lockDataDir(dataDir, command);
  try {
    const pgdata = path.join(dataDir, 'pgdata');
    if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) {
      const template = ensurePgliteTemplate(onProgress);
      fs.rmSync(pgdata, { recursive: true, force: true });
      fs.cpSync(template, pgdata, { recursive: true });
    }
    const pglite = new PGlite(pgdata, {
      parsers: { [INT8]: identity, [NUMERIC]: identity, [DATE]: identity },
      // Our list replaces the defaults, so spread them first; a small buffer pool keeps RSS low.
      startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB', '-c', 'TimeZone=UTC'],
    });
    await pglite.waitReady;
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      engine: 'pglite',
      location: pgdata,
      close: async () => {
        await db.destroy();
        await pglite.close();
        release();
      },
    };
  } catch (err) {
    release();
    throw err;
  }
}

export async function pingDatabase(db: Kysely<unknown>): Promise<void> {
  await sql`select 1`.execute(db);
}
