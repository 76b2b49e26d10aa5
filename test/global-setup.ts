import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../src/config.ts';
import type { DB } from '../src/db.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { createLogger } from '../src/platform/logger.ts';
import { startPlatform } from '../src/server.ts';
import { ensureDemoData } from '../src/seed/demo.ts';
import { TEMPLATE_DB, TEST_PG_ADMIN_URL, testEngine, withDatabase } from './engine.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    engine: 'pglite' | 'postgres';
    /** PGlite: a migrated, demo-seeded data directory to copy. PostgreSQL: the template database URL. */
    template: string;
  }
}

async function prepare(database: Awaited<ReturnType<typeof openDatabase<DB>>>) {
  const config = loadConfig({ ONEPOINT_DEMO_PASSWORD: 'demo-pass-1' });
  const platform = await startPlatform(config, createLogger('silent'), {
    command: 'test-setup',
    jobs: false,
    database,
  });
  await ensureDemoData(platform.context);
  await platform.close();
}

export default async function setup(project: TestProject) {
  const engine = testEngine();
  project.provide('engine', engine);
  if (engine === 'pglite') {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-test-'));
    const dataDir = path.join(root, 'template');
    await prepare(await openDatabase<DB>({ dataDir, command: 'test-setup' }));
    project.provide('template', dataDir);
    return () => fs.rmSync(root, { recursive: true, force: true });
  }
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `The PostgreSQL tests need a server at ${TEST_PG_ADMIN_URL} (set ONEPOINT_TEST_PG_URL): ${(err as Error).message}`,
      { cause: err },
    );
  }
  // Drop databases left by an earlier, interrupted run.
  const old = await admin.query<{ datname: string }>(
    `select datname from pg_database where datname like 'onepoint_t_%' or datname = $1`,
    [TEMPLATE_DB],
  );
  for (const r of old.rows) await admin.query(`drop database if exists "${r.datname}" with (force)`);
  await admin.query(`create database ${TEMPLATE_DB}`);
  await admin.end();
  const url = withDatabase(TEST_PG_ADMIN_URL, TEMPLATE_DB);
  await prepare(
    await openDatabase<DB>({ databaseUrl: url, dataDir: '', command: 'test-setup', poolSize: 2 }),
  );
  project.provide('template', url);
  return async () => {
    const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
    await c.connect();
    await c.query(`drop database if exists ${TEMPLATE_DB} with (force)`);
    await c.end();
  };
}
