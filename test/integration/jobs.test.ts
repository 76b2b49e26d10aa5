import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../src/db.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { startJobQueue, type JobQueue } from '../../src/platform/jobs/queue.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { openTestDatabase } from '../harness.ts';

let database: Database<DB>;
let dispose: () => Promise<void>;
let queue: JobQueue;
const logger = createLogger('silent');

beforeAll(async () => {
  ({ database, dispose } = await openTestDatabase());
  queue = await startJobQueue({ db: database.db as never, logger, supervise: true });
});
afterAll(async () => {
  await queue?.stop(1000);
  await dispose?.();
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function jobsOf(name: string) {
  const r = await sql<{ id: string; state: string; retry_count: number; singleton_key: string | null }>`
    select id, state, retry_count, singleton_key from pgboss.job where name = ${name} order by created_on`.execute(
    database.db,
  );
  return r.rows;
}

const engine = process.env.ONEPOINT_TEST_ENGINE ?? 'pglite';

describe(`job queue (${engine})`, () => {
  it('works a sent job exactly once and marks it completed', async () => {
    await queue.define('test.once');
    const seen: string[] = [];
    await queue.work<{ n: number }>(
      'test.once',
      async (data, job) => {
        seen.push(`${job.id}:${data.n}`);
      },
      { pollingIntervalSeconds: 0.5 },
    );
    const id = await queue.send('test.once', { n: 7 });
    expect(id).toBeTruthy();
    await waitFor(async () => (await jobsOf('test.once'))[0]?.state === 'completed');
    // A few more polling rounds: the completed job must not be picked up again.
    await new Promise((r) => setTimeout(r, 1500));
    expect(seen).toEqual([`${id}:7`]);
  });

  it('a dedupe queue does not add a second job with a waiting singletonKey', async () => {
    await queue.define('test.dedupe', { dedupe: true });
    const first = await queue.send('test.dedupe', { ticket: 1 }, { singletonKey: 'ticket-1' });
    const again = await queue.send('test.dedupe', { ticket: 1 }, { singletonKey: 'ticket-1' });
    const other = await queue.send('test.dedupe', { ticket: 2 }, { singletonKey: 'ticket-2' });
    expect(first).toBeTruthy();
    expect(again).toBeNull();
    expect(other).toBeTruthy();
    const rows = await jobsOf('test.dedupe');
    expect(rows.map((r) => r.singleton_key)).toEqual(['ticket-1', 'ticket-2']);
    // Without a key every job would share one slot: refused loudly.
    await expect(queue.send('test.dedupe', { ticket: 3 })).rejects.toThrow(/singletonKey/);
  });

  it('a standard queue keeps both jobs with the same key (dedupe is the queue option, not the key)', async () => {
    await queue.define('test.standard');
    await queue.send('test.standard', { a: 1 }, { singletonKey: 'same' });
    await queue.send('test.standard', { a: 2 }, { singletonKey: 'same' });
    expect(await jobsOf('test.standard')).toHaveLength(2);
  });

  it('retries a failing job until it succeeds', async () => {
    await queue.define('test.retry');
    let attempts = 0;
    await queue.work(
      'test.retry',
      async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('transient failure');
      },
      { pollingIntervalSeconds: 0.5 },
    );
    await queue.send('test.retry', {}, { retryLimit: 2, retryDelaySeconds: 0 });
    await waitFor(async () => (await jobsOf('test.retry'))[0]?.state === 'completed');
    expect(attempts).toBe(2);
    expect((await jobsOf('test.retry'))[0]?.retry_count).toBe(1);
  });

  it('a job that keeps failing ends as failed after its retries', async () => {
    await queue.define('test.fail');
    let attempts = 0;
    await queue.work(
      'test.fail',
      async () => {
        attempts += 1;
        throw new Error('permanent failure');
      },
      { pollingIntervalSeconds: 0.5 },
    );
    await queue.send('test.fail', {}, { retryLimit: 1, retryDelaySeconds: 0 });
    await waitFor(async () => (await jobsOf('test.fail'))[0]?.state === 'failed');
    expect(attempts).toBe(2);
  });

  it('stop() waits for a running handler, whose job then counts as completed', async () => {
    const q2 = await startJobQueue({ db: database.db as never, logger, supervise: true });
    await q2.define('test.slow');
    let started = false;
    let finished = false;
    await q2.work(
      'test.slow',
      async () => {
        started = true;
        await new Promise((r) => setTimeout(r, 1500));
        // Still able to use the database at the end of the handler.
        await sql`select 1`.execute(database.db);
        finished = true;
      },
      { pollingIntervalSeconds: 0.5 },
    );
    await q2.send('test.slow', {});
    await waitFor(() => started);
    await q2.stop(10_000);
    expect(finished).toBe(true);
    expect((await jobsOf('test.slow'))[0]?.state).toBe('completed');
  });

  it('does not run workers in a process with jobs off', async () => {
    const off = await startJobQueue({ db: database.db as never, logger, supervise: false });
    await off.define('test.off');
    let ran = false;
    await off.work(
      'test.off',
      async () => {
        ran = true;
      },
      { pollingIntervalSeconds: 0.5 },
    );
    await off.send('test.off', {});
    await new Promise((r) => setTimeout(r, 1500));
    await off.stop(1000);
    expect(ran).toBe(false);
    expect((await jobsOf('test.off'))[0]?.state).toBe('created');
  });
});
