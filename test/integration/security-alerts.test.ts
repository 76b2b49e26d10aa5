// Security alerts raised by other modules (raiseSecurityAlert) and what the security administrator
// does with them. Runs on both engines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../src/db.ts';
import { raiseSecurityAlert } from '../../src/modules/security/index.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { demoId } from '../../src/seed/demo.ts';
import { openTestDatabase } from '../harness.ts';

let database: Database<DB>;
let dispose: () => Promise<void>;
beforeAll(async () => {
  ({ database, dispose } = await openTestDatabase());
});
afterAll(async () => {
  await dispose?.();
});

const rows = (kind: string) =>
  database.db
    .selectFrom('security_alerts')
    .selectAll()
    .where('kind', '=', kind)
    .orderBy('first_at')
    .execute();

describe('raiseSecurityAlert', () => {
  const user = demoId('user', 'agent');

  it('counts repeats of one kind for one user on one day up on the open alert', async () => {
    const at = (h: number) => new Date(Date.UTC(2026, 11, 7, h));
    await database.db.transaction().execute(async (trx) => {
      await raiseSecurityAlert(trx, {
        kind: 'search.misses',
        userId: user,
        summary: '10 misses',
        detail: { misses: 10 },
        at: at(1),
      });
    });
    await raiseSecurityAlert(database.db, {
      kind: 'search.misses',
      userId: user,
      summary: '20 misses',
      detail: { misses: 20 },
      at: at(3),
    });
    // Another user, another kind, the next Beijing day (16:00 UTC): new alerts.
    await raiseSecurityAlert(database.db, { kind: 'search.misses', userId: null, summary: 'x', at: at(3) });
    await raiseSecurityAlert(database.db, {
      kind: 'search.misses',
      userId: user,
      summary: 'next day',
      at: at(17),
    });
    const r = await rows('search.misses');
    expect(r).toHaveLength(3);
    const first = r.find((a) => a.user_id === user && a.occurrences === 2)!;
    expect(first.summary).toBe('20 misses');
    expect(first.detail).toEqual({ misses: 20 });
    expect(first.first_at.toISOString()).toBe(at(1).toISOString());
    expect(first.last_at.toISOString()).toBe(at(3).toISOString());
  });

  it('opens a new alert once the open one is acknowledged', async () => {
    const at = new Date(Date.UTC(2026, 11, 9, 2));
    await raiseSecurityAlert(database.db, { kind: 'reveal.cap', userId: user, summary: 'cap', at });
    await database.db
      .updateTable('security_alerts')
      .set({ state: 'acknowledged' })
      .where('kind', '=', 'reveal.cap')
      .execute();
    await raiseSecurityAlert(database.db, { kind: 'reveal.cap', userId: user, summary: 'cap', at });
    const r = await rows('reveal.cap');
    expect(r.map((a) => [a.state, a.occurrences])).toEqual([
      ['acknowledged', 1],
      ['open', 1],
    ]);
  });

  it('rolls back with the caller and never stores a number', async () => {
    const at = new Date(Date.UTC(2026, 11, 10, 2));
    await database.db
      .transaction()
      .execute(async (trx) => {
        await raiseSecurityAlert(trx, { kind: 'test.rollback', userId: user, summary: 'gone', at });
        throw new Error('caller fails');
      })
      .catch(() => undefined);
    expect(await rows('test.rollback')).toHaveLength(0);
    await raiseSecurityAlert(database.db, {
      kind: 'test.values',
      userId: user,
      summary: 'searched 139 1234 5678',
      detail: { phone: '139-1234-5678', id: 32010619870623 },
      at,
    });
    const [a] = await rows('test.values');
    expect(JSON.stringify(a)).not.toMatch(/1234|5678|320106/);
  });

  it('refuses a kind that is not <area>.<what>', async () => {
    await expect(
      raiseSecurityAlert(database.db, { kind: 'Bad Kind', userId: null, summary: 's', at: new Date() }),
    ).rejects.toThrow(/kind/);
  });
});
