/**
 * The set-up the HTTP benchmarks share (writes, service requests): a database of the run's own
 * (dropped at the end and on Ctrl-C, unless kept by name), the platform configured as
 * `onepoint serve` would be but quiet and without rate limits, the demo organisation, the real
 * HTTP server on a free port, and a session of the demo agent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import type { ModuleContext } from '../src/context.ts';
import type { DB } from '../src/db.ts';
import type { App } from '../src/platform/http/app.ts';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { createLogger } from '../src/platform/logger.ts';
import { buildApp, startPlatform } from '../src/server.ts';
import { ensureDemoData } from '../src/seed/demo.ts';
import { dropDatabase, dropOnSignal } from './pg-database.ts';

export const BENCH_PASSWORD = 'bench-pass-1';

export interface BenchDatabase {
  database: Database<DB>;
  /** PostgreSQL: the database's URL; PGlite: undefined. */
  url: string | undefined;
  dispose: () => Promise<void>;
}

/**
 * A database for one run: on PostgreSQL a new one (or, with `keep`, the one of that name, created
 * if missing and left in place at the end); on PGlite one in a temporary directory (a smoke run).
 */
export async function benchDatabase(opts: {
  engine: 'postgres' | 'pglite';
  pgUrl: string;
  log: (msg: string) => void;
  keep?: string | undefined;
}): Promise<BenchDatabase> {
  if (opts.engine === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-bench-'));
    const database = await openDatabase<DB>({ dataDir: dir, command: 'bench' });
    return {
      database,
      url: undefined,
      dispose: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const keep = opts.keep;
  if (keep !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(keep))
    throw new Error('--keep-db: a lower-case database name');
  const name = keep ?? `onepoint_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: opts.pgUrl });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount! > 0;
  if (!exists) await admin.query(`create database ${name}`);
  await admin.end();
  const undoSignal = keep ? () => {} : dropOnSignal(opts.pgUrl, name, opts.log);
  const u = new URL(opts.pgUrl);
  u.pathname = `/${name}`;
  try {
    const database = await openDatabase<DB>({
      databaseUrl: u.toString(),
      dataDir: '',
      command: 'bench',
      poolSize: loadConfig({ ...process.env }).dbPoolSize,
    });
    return {
      database,
      url: u.toString(),
      dispose: async () => {
        if (keep) return;
        await dropDatabase(opts.pgUrl, name);
        undoSignal();
      },
    };
  } catch (err) {
    if (!keep) await dropDatabase(opts.pgUrl, name);
    undoSignal();
    throw err;
  }
}

export interface BenchServer {
  ctx: ModuleContext;
  origin: string;
  /** A session token of the demo agent (Jiangsu 10000: the data-scope filter applies). */
  token: string;
}

/**
 * The platform and the HTTP server on `db`, the demo data loaded; `prepare` runs before the app is
 * built (bulk loads), `routes` adds bench-only routes before it listens. Everything is closed and
 * the database disposed of when `body` ends.
 */
export async function withBenchServer<T>(
  db: BenchDatabase,
  setup: {
    prepare?: (ctx: ModuleContext) => Promise<void>;
    routes?: (app: App, ctx: ModuleContext) => void;
  },
  body: (server: BenchServer) => Promise<T>,
): Promise<T> {
  try {
    const config = loadConfig({
      ...process.env,
      LOG_LEVEL: 'silent',
      ...(db.url ? { DATABASE_URL: db.url } : {}),
      ONEPOINT_DEMO_PASSWORD: BENCH_PASSWORD,
      ONEPOINT_RATE_LIMIT_PER_MINUTE: '100000000',
      ONEPOINT_SEARCH_MISS_LIMIT: '10000',
    });
    const platform = await startPlatform(config, createLogger('silent'), {
      command: 'bench',
      database: db.database,
      // As `serve --demo`: the demo before the workers (the SLA scheduler) start.
      beforeStart: async (ctx) => {
        await ensureDemoData(ctx);
      },
    });
    try {
      const ctx = platform.context;
      await setup.prepare?.(ctx);
      const app = await buildApp(ctx);
      setup.routes?.(app, ctx);
      const origin = await app.listen({ host: '127.0.0.1', port: 0 });
      try {
        const login = await fetch(`${origin}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ login: 'agent', password: BENCH_PASSWORD }),
        });
        if (!login.ok) throw new Error(`bench login failed: ${login.status} ${await login.text()}`);
        const { token } = (await login.json()) as { token: string };
        return await body({ ctx, origin, token });
      } finally {
        await app.close();
      }
    } finally {
      await platform.close();
    }
  } finally {
    await db.dispose();
  }
}
