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
import {
  TEST_DB_PREFIX,
  TEST_PG_ADMIN_URL,
  runPidOf,
  runTemplateName,
  testEngine,
  withDatabase,
} from './engine.ts';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

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
  // Drop databases left by earlier, interrupted runs — only those whose vitest process is gone.
  const old = await admin.query<{ datname: string }>(
    `select datname from pg_database where datname like 'onepoint\\_t\\_%' or datname = 'onepoint_test_template'`,
  );
  for (const r of old.rows) {
    const pid = runPidOf(r.datname);
    if (pid !== undefined && pid !== process.pid && isAlive(pid)) continue;
    await admin.query(`drop database if exists "${r.datname}" with (force)`);
  }
  const TEMPLATE_DB = runTemplateName();
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
    const mine = await c.query<{ datname: string }>(
      'select datname from pg_database where starts_with(datname, $1)',
      [`${TEST_DB_PREFIX}${process.pid}_`],
    );
    for (const r of mine.rows) await c.query(`drop database if exists "${r.datname}" with (force)`);
    await c.end();
  };
}
