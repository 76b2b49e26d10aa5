import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import type { Kysely } from 'kysely';
import type { PoolClient } from 'pg';
import { lockDataDir } from './data-dir-lock.ts';

// The engines' libraries load on demand: the embedded engine can start before the query builder
// has loaded, and a PostgreSQL deployment never loads the embedded engine (nor the reverse).

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
  /**
   * Embedded engine: gives the cluster (a `pgdata` directory) a new data directory starts as.
   * Default: the empty cluster; a ready-made one with the schema applied saves the first start
   * its work (see schema-template.ts). Only called for a new data directory.
   */
  template?: (() => string | undefined) | undefined;
  onProgress?: (msg: string) => void;
  /**
   * PostgreSQL: an idle pooled connection failed (the server restarted, an administrator ended
   * it). The pool drops it and opens another when needed; this only reports it. Default: a
   * process warning. Never called for the connections `close()` ends.
   */
  onConnectionError?: (err: Error) => void;
}

export async function openDatabase<DB>(opts: OpenOptions): Promise<Database<DB>> {
  const database = opts.databaseUrl
    ? await openPostgres<DB>(opts.databaseUrl, opts.poolSize ?? 10, opts.onConnectionError)
    : await openPglite<DB>(opts.dataDir, opts.command, opts.template, opts.onProgress);
  // Closing twice (a shutdown signal during a close, a test's own cleanup) is harmless.
  let closing: Promise<void> | undefined;
  return { ...database, close: () => (closing ??= database.close()) };
}

/** Longest close() waits for the server to end the pool's connections (a hung socket must not hang a stop). */
const CLOSE_WAIT_MS = 5000;

async function openPostgres<DB>(
  url: string,
  poolSize: number,
  onConnectionError: ((err: Error) => void) | undefined,
): Promise<Database<DB>> {
  const [{ default: pg }, { Kysely, PostgresDialect }] = await Promise.all([import('pg'), import('kysely')]);
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
  // Without a listener, an idle connection's error (57P01 when the server or an administrator ends
  // it) is an unhandled 'error' event that ends the process.
  let closing = false;
  pool.on('error', (err) => {
    if (closing) return;
    if (onConnectionError) onConnectionError(err);
    else process.emitWarning(`a pooled PostgreSQL connection failed: ${err.message}`);
  });
  // pool.end() resolves once it has asked every connection to end, not when they have: close()
  // waits for each socket to close, so that nothing of ours is left on the server afterwards (a
  // database dropped right after would otherwise end a connection still closing, see above).
  const open = new Set<PoolClient>();
  pool.on('connect', (client) => {
    open.add(client);
    client.once('end', () => open.delete(client));
  });
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const u = new URL(url);
  return {
    db,
    engine: 'postgres',
    location: `postgresql://${u.hostname}:${u.port || 5432}${u.pathname}`,
    close: async () => {
      closing = true;
      await db.destroy();
      await Promise.race([
        Promise.all([...open].map((c) => new Promise((resolve) => c.once('end', resolve)))),
        new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref()),
      ]);
    },
  };
}

/** Plain recursive copy: about twice as fast as fs.cpSync for a cluster's ~1000 small files. */
function copyDir(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const a = path.join(from, entry.name);
    const b = path.join(to, entry.name);
    if (entry.isDirectory()) copyDir(a, b);
    else fs.copyFileSync(a, b);
  }
}

async function openPglite<DB>(
  dataDir: string,
  command: string,
  template: (() => string | undefined) | undefined,
  onProgress?: (msg: string) => void,
): Promise<Database<DB>> {
  const release = await lockDataDir(dataDir, command, { onWait: onProgress });
  try {
    const pgdata = path.join(dataDir, 'pgdata');
    if (!fs.existsSync(path.join(pgdata, 'PG_VERSION'))) {
      const from = template?.() ?? ensurePgliteTemplate(onProgress);
      fs.rmSync(pgdata, { recursive: true, force: true });
      copyDir(from, pgdata);
    }
    // V8 compiles the engine's WebAssembly with its baseline compiler only. The optimising tier
    // would recompile hot functions in the background during start-up: about 1.5 s more CPU and
    // 60-70 MB more memory, for queries 1.3-1.4x faster once warm (see BENCHMARKS.md). The
    // embedded engine is for trials and small sites; PostgreSQL runs no WebAssembly at all.
    setFlagsFromString('--liftoff-only');
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = new PGlite(pgdata, {
      parsers: { [INT8]: identity, [NUMERIC]: identity, [DATE]: identity },
      // Our list replaces the defaults, so spread them first; a small buffer pool keeps RSS low.
      startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB', '-c', 'TimeZone=UTC'],
    });
    // The engine starts (mostly off the main thread) while the query builder loads.
    const [{ Kysely }, { PGliteDialect }] = await Promise.all([
      import('kysely'),
      import('./pglite-dialect.ts'),
      pglite.waitReady,
    ]);
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
  const { sql } = await import('kysely');
  await sql`select 1`.execute(db);
}
