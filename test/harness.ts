import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Insertable } from 'kysely';
import pg from 'pg';
import { v7 as uuidv7 } from 'uuid';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../src/config.ts';
import type { ModuleContext } from '../src/context.ts';
import type { DB } from '../src/db.ts';
import type { Clock } from '../src/platform/clock.ts';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import type { App } from '../src/platform/http/app.ts';
import { createLogger } from '../src/platform/logger.ts';
import { buildApp, startPlatform } from '../src/server.ts';
import { TEST_PG_ADMIN_URL, siblingDatabase, withDatabase } from './engine.ts';

export const DEMO_PASSWORD = 'demo-pass-1';

export interface TestServer {
  app: App;
  ctx: ModuleContext;
  engine: 'pglite' | 'postgres';
  /** Signs in a demo user and returns a bearer token. */
  token(login: string): Promise<string>;
  /** Headers with a bearer token for a demo user. */
  as(login: string): Promise<{ authorization: string }>;
  close(): Promise<void>;
}

/** A fresh copy of the migrated, demo-seeded database per call (a test file usually needs one). */
export async function openTestDatabase(): Promise<{ database: Database<DB>; dispose: () => Promise<void> }> {
  const engine = inject('engine');
  const template = inject('template');
  if (engine === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-t-'));
    fs.cpSync(template, dir, { recursive: true });
    fs.rmSync(path.join(dir, 'onepoint.lock'), { force: true });
    const database = await openDatabase<DB>({ dataDir: dir, command: 'test' });
    return {
      database,
      dispose: async () => {
        await database.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const { name, template: TEMPLATE_DB } = siblingDatabase(inject('template'));
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name} template ${TEMPLATE_DB}`);
  await admin.end();
  const database = await openDatabase<DB>({
    databaseUrl: withDatabase(TEST_PG_ADMIN_URL, name),
    dataDir: '',
    command: 'test',
    poolSize: 4,
  });
  return {
    database,
    dispose: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
      await c.connect();
      // pg's pool.end() resolves while its connections are still closing; forcing the drop then
      // kills one, and its FATAL 57P01 surfaces as an unhandled error in whichever file runs.
      for (let i = 0; i < 100; i++) {
        const { rows } = await c.query<{ n: string }>(
          'select count(*) as n from pg_stat_activity where datname = $1',
          [name],
        );
        if (Number(rows[0]!.n) === 0) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

export async function createTestServer(
  opts: {
    env?: Record<string, string>;
    clock?: Clock;
    /** Where log lines go (with `LOG_LEVEL` in env); default: pino's stdout, silent. */
    logSink?: NodeJS.WritableStream;
    /** Replaces the database handle the server uses (e.g. with a plugin that counts statements). */
    wrapDb?: (db: Database<DB>['db']) => Database<DB>['db'];
  } = {},
): Promise<TestServer> {
  const opened = await openTestDatabase();
  const { dispose } = opened;
  const database = opts.wrapDb
    ? { ...opened.database, db: opts.wrapDb(opened.database.db) }
    : opened.database;
  const config: Config = loadConfig({
    ONEPOINT_DEMO_PASSWORD: DEMO_PASSWORD,
    LOG_LEVEL: 'silent',
    ONEPOINT_RATE_LIMIT_PER_MINUTE: '100000',
    ONEPOINT_LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    ONEPOINT_IMPORTS_PER_HOUR: '100000',
    // Like the rate limits: tests search for absent numbers on purpose (customers-search-guard sets it).
    ONEPOINT_SEARCH_MISS_LIMIT: '10000',
    ...opts.env,
  });
  const platform = await startPlatform(config, createLogger(config.logLevel, opts.logSink), {
    command: 'test',
    jobs: false,
    database,
    ...(opts.clock ? { clock: opts.clock } : {}),
  });
  const app = await buildApp(platform.context);
  await app.ready();
  // Sessions end after ONEPOINT_SESSION_IDLE_MINUTES unused (30) by the platform clock, which some
  // tests move on by hours: a session unused for 10 minutes of that clock is opened anew.
  const tokens = new Map<string, { token: string; usedAt: number }>();
  const token = async (login: string) => {
    const now = platform.context.clock.now().getTime();
    const cached = tokens.get(login);
    if (cached && Math.abs(now - cached.usedAt) < 10 * 60_000) {
      cached.usedAt = now;
      return cached.token;
    }
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login, password: DEMO_PASSWORD },
    });
    if (res.statusCode !== 200) throw new Error(`login ${login} failed: ${res.statusCode} ${res.body}`);
    const t = (res.json() as { token: string }).token;
    tokens.set(login, { token: t, usedAt: now });
    return t;
  };
  return {
    app,
    ctx: platform.context,
    engine: database.engine,
    token,
    as: async (login) => ({ authorization: `Bearer ${await token(login)}` }),
    close: async () => {
      await app.close();
      await platform.close();
      await dispose();
    },
  };
}

/** A customer contact as a notice test gives it: who, how to reach them, when not to. */
export type TestContact = Omit<
  Insertable<DB['customer_contacts']>,
  'id' | 'customer_id' | 'role' | 'is_primary' | 'created_at' | 'updated_at'
>;

/**
 * The first two active individual demo customers (by customer number), each left with one primary
 * contact, the one given: what notices reach them is then up to the test.
 */
export async function twoCustomersReaching(
  s: TestServer,
  contacts: [TestContact, TestContact],
  at: Date,
): Promise<[string, string]> {
  const two = await s.ctx.db
    .selectFrom('customers')
    .select('id')
    .where('status', '=', 'active')
    .where('kind', '=', 'individual')
    .orderBy('customer_no')
    .limit(2)
    .execute();
  const ids: [string, string] = [two[0]!.id, two[1]!.id];
  await s.ctx.db.deleteFrom('customer_contacts').where('customer_id', 'in', ids).execute();
  await s.ctx.db
    .insertInto('customer_contacts')
    .values(
      contacts.map((c, i) => ({
        id: uuidv7(),
        customer_id: ids[i]!,
        role: 'primary',
        is_primary: true,
        created_at: at,
        updated_at: at,
        ...c,
      })),
    )
    .execute();
  return ids;
}
