import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../src/db.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { openTestDatabase } from '../harness.ts';

let database: Database<DB>;
let dispose: () => Promise<void>;
beforeAll(async () => {
  ({ database, dispose } = await openTestDatabase());
});
afterAll(async () => {
  await dispose?.();
});

describe('one dialect, two engines: the same values come back', () => {
  it('int8 and numeric come back as exact strings, dates as YYYY-MM-DD', async () => {
    const r = await sql<{
      big: unknown;
      num: unknown;
      day: unknown;
      ts: unknown;
      n: unknown;
    }>`select 9007199254740993::int8 as big, 12.50::numeric(10,2) as num, '2026-10-01'::date as day,
         '2026-10-01T08:00:00Z'::timestamptz as ts, 42::int4 as n`.execute(database.db);
    const row = r.rows[0]!;
    expect(row.big).toBe('9007199254740993');
    expect(row.num).toBe('12.50');
    expect(row.day).toBe('2026-10-01');
    expect(row.ts).toEqual(new Date('2026-10-01T08:00:00Z'));
    expect(row.n).toBe(42);
  });

  it('jsonb round-trips objects and arrays passed as JSON text', async () => {
    const value = { tags: ['宽带', 'IPTV'], nested: { n: 1 } };
    const r = await sql<{ v: unknown }>`select ${JSON.stringify(value)}::jsonb as v`.execute(database.db);
    expect(r.rows[0]!.v).toEqual(value);
  });

  it('a failed transaction leaves nothing behind', async () => {
    await expect(
      database.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('roles')
          .values({ code: 'temp_role', name: '临时', name_en: 'Temp', permissions: '[]' })
          .execute();
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    const found = await database.db
      .selectFrom('roles')
      .select('code')
      .where('code', '=', 'temp_role')
      .execute();
    expect(found).toEqual([]);
  });

  it('concurrent transactions do not see or break each other', async () => {
    const codes = Array.from({ length: 8 }, (_, i) => `conc_role_${i}`);
    await Promise.all(
      codes.map((code) =>
        database.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('roles')
            .values({ code, name: code, name_en: code, permissions: '[]' })
            .execute();
          const mine = await trx.selectFrom('roles').select('code').where('code', '=', code).execute();
          expect(mine).toHaveLength(1);
        }),
      ),
    );
    const all = await database.db
      .selectFrom('roles')
      .select('code')
      .where('code', 'like', 'conc_role_%')
      .execute();
    expect(all).toHaveLength(8);
  });

  it('the audit log and its seals refuse updates, deletes and truncation', async () => {
    await expect(sql`update audit_log set action = 'x'`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log cascade`.execute(database.db)).rejects.toThrow(/append-only/);
    // The template's entries were sealed when it was built.
    const { n } = await database.db
      .selectFrom('audit_seal')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBeGreaterThan(0);
    await expect(sql`update audit_seal set mac = 'x'`.execute(database.db)).rejects.toThrow(
      /audit_seal is append-only/,
    );
    await expect(sql`delete from audit_seal`.execute(database.db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_seal`.execute(database.db)).rejects.toThrow(/append-only/);
  });
});

describe('heavy work does not stall the event loop', () => {
  it('a long run of statements lets timers (health checks, signals) in between them', async () => {
    // An export or import is a loop of awaited statements. On the embedded engine each one runs on
    // the main thread and resolves as a microtask, so without the driver's yield a timer waits for
    // the whole loop (measured: 1.2 s for an export of 5 000 customers; BENCHMARKS.md, "Event loop").
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 5);
    const t0 = performance.now();
    let statements = 0;
    try {
      while (performance.now() - t0 < 300) {
        await sql`select count(*) from generate_series(1, 20000)`.execute(database.db);
        statements++;
      }
    } finally {
      clearInterval(timer);
    }
    const during = ticks.filter((t) => t < t0 + 300);
    expect(statements).toBeGreaterThan(1);
    // The loop lasted 300 ms: a timer got in at least a few times, not only after it.
    expect(during.length).toBeGreaterThanOrEqual(3);
  });
});
