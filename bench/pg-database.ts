/**
 * A benchmark's own PostgreSQL database is dropped when the run is stopped (Ctrl-C, `kill`), not
 * only when it ends: a stopped 10 M run would otherwise leave many gigabytes behind.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { DB } from '../src/db.ts';
import { openDatabase, type Database } from '../src/platform/db/database.ts';

export async function dropDatabase(pgUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  try {
    await c.query(`drop database if exists ${name} with (force)`);
  } finally {
    await c.end();
  }
}

/** Drops `name` and exits on SIGINT/SIGTERM until the returned function is called. */
export function dropOnSignal(pgUrl: string, name: string, log: (msg: string) => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    log(`${signal}: dropping the benchmark database ${name}`);
    dropDatabase(pgUrl, name).then(
      () => process.exit(signal === 'SIGINT' ? 130 : 143),
      (err: unknown) => {
        log(`could not drop ${name}: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/**
 * A fresh, empty database for one benchmark run: a temporary data directory on the embedded
 * engine, a new database (dropped on dispose and on Ctrl-C) on PostgreSQL.
 */
export async function openBenchDatabase(
  opts: { engine: 'pglite' | 'postgres'; pgUrl: string; log: (msg: string) => void },
  label: string,
): Promise<{ database: Database<DB>; dispose: () => Promise<void> }> {
  if (opts.engine === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `onepoint-bench-${label}-`));
    const database = await openDatabase<DB>({ dataDir: dir, command: 'bench' });
    return {
      database,
      dispose: async () => {
        await database.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `onepoint_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: opts.pgUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const undoSignal = dropOnSignal(opts.pgUrl, name, opts.log);
  const u = new URL(opts.pgUrl);
  u.pathname = `/${name}`;
  const database = await openDatabase<DB>({
    databaseUrl: u.toString(),
    dataDir: '',
    command: 'bench',
    poolSize: 4,
  });
  return {
    database,
    dispose: async () => {
      await database.close();
      await dropDatabase(opts.pgUrl, name);
      undoSignal();
    },
  };
}
