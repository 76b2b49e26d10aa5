// The PostgreSQL pool's life: close() leaves nothing on the server, and an idle connection the
// server ends (a restart, an administrator, a forced database drop) does not end the process.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openDatabase } from '../../src/platform/db/database.ts';
import { TEST_PG_ADMIN_URL, siblingDatabase, testEngine, withDatabase } from '../engine.ts';

const created: string[] = [];

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function emptyDatabase(): Promise<{ name: string; url: string }> {
  const { name } = siblingDatabase(inject('template'));
  await admin((c) => c.query(`create database ${name}`));
  created.push(name);
  return { name, url: withDatabase(TEST_PG_ADMIN_URL, name) };
}

const backends = (name: string) =>
  admin(
    async (c) =>
      (await c.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [name])).rows,
  );

afterAll(async () => {
  for (const name of created) await admin((c) => c.query(`drop database if exists ${name} with (force)`));
});

describe.runIf(testEngine() === 'postgres')('the PostgreSQL pool', () => {
  it('close() returns when the server holds none of its connections any more', async () => {
    const { name, url } = await emptyDatabase();
    // Connected beforehand, so that it looks right after close() returns.
    const watcher = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
    await watcher.connect();
    const left = async () =>
      Number(
        (
          await watcher.query<{ n: string }>(
            'select count(*) as n from pg_stat_activity where datname = $1',
            [name],
          )
        ).rows[0]!.n,
      );
    try {
      // Several rounds: before, close() resolved while connections were still closing.
      for (let round = 0; round < 10; round++) {
        const database = await openDatabase({ databaseUrl: url, dataDir: '', command: 'test', poolSize: 4 });
        // Four at once: the pool opens four connections.
        await Promise.all([1, 2, 3, 4].map(() => sql`select pg_sleep(0.02)`.execute(database.db)));
        expect(await left()).toBe(4);
        await database.close();
        expect(await left()).toBe(0);
      }
    } finally {
      await watcher.end();
    }
  });

  it('an idle connection ended by the server is reported, replaced, and does not end the process', async () => {
    const { name, url } = await emptyDatabase();
    const reported: Error[] = [];
    const database = await openDatabase({
      databaseUrl: url,
      dataDir: '',
      command: 'test',
      poolSize: 2,
      onConnectionError: (err) => reported.push(err),
    });
    try {
      await sql`select 1`.execute(database.db);
      const [idle] = await backends(name);
      await admin((c) => c.query('select pg_terminate_backend($1)', [idle!.pid]));
      for (let i = 0; i < 100 && reported.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(reported.map((e) => (e as Error & { code?: string }).code)).toEqual(['57P01']);
      // The pool opens a new connection for the next query.
      const r = await sql<{ one: number }>`select 1 as one`.execute(database.db);
      expect(r.rows).toEqual([{ one: 1 }]);
    } finally {
      await database.close();
    }
  });
});
