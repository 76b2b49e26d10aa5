// The audit write path without a global lock: rows are appended, then sealed after commit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { DB } from '../../src/db.ts';
import { migrations } from '../../src/server.ts';
import { GENESIS_HASH, hashAuditRecord, type AuditRecord } from '../../src/modules/audit/domain/chain.ts';
import {
  appendAudit,
  auditHead,
  formatAnchor,
  readAnchorFile,
  sealPending,
  startAuditSealer,
  systemActor,
  verifyAuditChain,
  type SealKey,
} from '../../src/modules/audit/index.ts';
import type { Clock } from '../../src/platform/clock.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { openTestDatabase } from '../harness.ts';
import { newTarget, openDb } from './cli-support.ts';

const key = { id: 'k1', secret: Buffer.alloc(32, 'sealing-test-key') };
const keys: SealKey[] = [key];
const GRACE = 10_000;

/** A clock the test moves by hand. */
function testClock(start = '2026-12-06T09:00:00.000Z'): Clock & { advance(ms: number): void } {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}

const append = (database: Database<DB>, action: string, now?: Date) =>
  database.db
    .transaction()
    .execute((trx) => appendAudit(trx, systemActor('test'), { action, entityType: 'test' }, now));

async function sealStats(database: Database<DB>) {
  const r = await sql<{ rows: string; seals: string; distinct_rows: string; min: string; max: string }>`
    select (select count(*) from audit_log) as rows, count(*) as seals,
      count(distinct audit_seq) as distinct_rows, min(chain_seq) as min, max(chain_seq) as max
    from audit_seal`.execute(database.db);
  return r.rows[0]!;
}

describe('audit sealing', { timeout: 120_000 }, () => {
  let database: Database<DB>;
  let dispose: () => Promise<void>;
  beforeAll(async () => {
    ({ database, dispose } = await openTestDatabase());
    // The template's rows were sealed with the development key when it was built; this test
    // database continues with its own key, listing the development one for the old seals.
    keys.push(loadConfig({}).auditKeys[0]!);
  });
  afterAll(async () => dispose?.());

  it('200 appends in parallel transactions are each sealed exactly once, in a gap-free chain', async () => {
    const clock = testClock();
    const before = await sealStats(database);
    // Two sealers run while the writers write: they take turns, and neither writer waits for them.
    let writing = true;
    const sealers = [0, 1].map(async () => {
      while (writing) await sealPending(database.db, key, clock, { batchSize: 37 });
    });
    const seqs = await Promise.all(
      Array.from({ length: 200 }, (_, i) => append(database, `test.parallel.${i}`, clock.now())),
    );
    writing = false;
    await Promise.all(sealers);
    await sealPending(database.db, key, clock);

    expect(new Set(seqs.map((s) => s.seq)).size).toBe(200);
    const after = await sealStats(database);
    expect(Number(after.seals)).toBe(Number(after.rows));
    expect(Number(after.seals)).toBe(Number(before.rows) + 200);
    expect(after.distinct_rows).toBe(after.seals);
    expect(after.min).toBe('1');
    expect(after.max).toBe(after.seals);
    const r = await verifyAuditChain(database.db, { keys, clock, graceMs: GRACE });
    expect(r).toMatchObject({ ok: true, checked: Number(after.seals), unsealed: 0, overdue: { count: 0 } });
  });

  it('a row left unsealed past the grace is a fault; within it, it only waits', async () => {
    const clock = testClock('2026-12-06T10:00:00.000Z');
    const { seq } = await append(database, 'test.waiting', clock.now());
    clock.advance(GRACE);
    const fresh = await verifyAuditChain(database.db, { keys, clock, graceMs: GRACE });
    expect(fresh).toMatchObject({ ok: true, unsealed: 1, overdue: { count: 0 } });
    clock.advance(1);
    const late = await verifyAuditChain(database.db, { keys, clock, graceMs: GRACE, sealFirst: true });
    expect(late.ok).toBe(false);
    expect(late.overdue).toEqual({
      count: 1,
      oldest: { seq, action: 'test.waiting', occurredAt: new Date('2026-12-06T10:00:00.000Z') },
    });
    // Reported, then sealed by this check: the next one is clean.
    expect(late.sealedNow).toBe(1);
    expect(await verifyAuditChain(database.db, { keys, clock, graceMs: GRACE })).toMatchObject({ ok: true });
  });

  it('listing still pages newest first by seq', async () => {
    const rows = await database.db
      .selectFrom('audit_log')
      .select(['seq', 'action'])
      .where('action', 'like', 'test.parallel.%')
      .orderBy('seq', 'desc')
      .execute();
    expect(rows).toHaveLength(200);
    expect(rows.map((r) => BigInt(r.seq))).toEqual(
      [...rows.map((r) => BigInt(r.seq))].sort((a, b) => (a > b ? -1 : 1)),
    );
  });
});

describe('the background sealer', { timeout: 120_000 }, () => {
  let database: Database<DB>;
  let dispose: () => Promise<void>;
  let dir: string;
  beforeAll(async () => {
    ({ database, dispose } = await openTestDatabase());
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-anchors-'));
  });
  afterAll(async () => {
    await dispose?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('seals and anchors automatically, survives a restart, and its anchors expose removed entries', async () => {
    const anchorFile = path.join(dir, 'anchors.log');
    const config = loadConfig({
      ONEPOINT_DATA_DIR: dir,
      ONEPOINT_AUDIT_ANCHOR_FILE: anchorFile,
      ONEPOINT_AUDIT_SEAL_INTERVAL_MS: '50',
      ONEPOINT_AUDIT_ANCHOR_INTERVAL_MS: '1000',
    });
    const clock = testClock();
    const run = () =>
      startAuditSealer({ db: database.db, config, logger: createLogger('silent'), clock, supervise: true });
    const pending = async () =>
      Number(
        (
          await database.db
            .selectFrom('audit_pending')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    const first = run();
    for (let i = 0; i < 5; i++) await append(database, 'test.first', clock.now());
    await vi.waitFor(async () => expect(await pending()).toBe(0), { timeout: 20_000, interval: 50 });
    await first.stop();
    const headAfterFirst = (await auditHead(database.db))!;
    expect((await readAnchorFile(anchorFile)).anchors.map(formatAnchor)).toContain(
      formatAnchor(headAfterFirst),
    );

    // Written while no sealer runs: they wait, and the next sealer to start seals them.
    for (let i = 0; i < 3; i++) await append(database, 'test.while_down', clock.now());
    expect(await pending()).toBe(3);
    clock.advance(5000);
    const second = run();
    await vi.waitFor(async () => expect(await pending()).toBe(0), { timeout: 20_000, interval: 50 });
    await second.stop();
    const head = (await auditHead(database.db))!;
    expect(BigInt(head.chainSeq)).toBe(BigInt(headAfterFirst.chainSeq) + 3n);
    const { anchors } = await readAnchorFile(anchorFile);
    expect(anchors.at(-1)).toMatchObject({ ...head, at: clock.now() });
    const devKey = loadConfig({}).auditKeys[0]!;
    const all = [...config.auditKeys, devKey];
    expect(await verifyAuditChain(database.db, { keys: all, clock, graceMs: GRACE, anchors })).toMatchObject({
      ok: true,
      anchorsChecked: anchors.length,
    });

    // Someone with database access removes the two newest entries and their seals: the chain
    // that is left links perfectly, but it ends before the anchor the sealer wrote.
    await database.db.transaction().execute(async (trx) => {
      await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
      await sql`alter table audit_seal disable trigger audit_seal_no_update`.execute(trx);
      await sql`delete from audit_log where seq in (select audit_seq from audit_seal where chain_seq > ${head.chainSeq}::bigint - 2)`.execute(
        trx,
      );
      await sql`delete from audit_seal where chain_seq > ${head.chainSeq}::bigint - 2`.execute(trx);
      await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
      await sql`alter table audit_seal enable trigger audit_seal_no_update`.execute(trx);
    });
    expect(await verifyAuditChain(database.db, { keys: all, clock, graceMs: GRACE })).toMatchObject({
      ok: true,
    });
    const cut = await verifyAuditChain(database.db, { keys: all, clock, graceMs: GRACE, anchors });
    expect(cut.ok).toBe(false);
    expect(cut.firstBreak).toEqual({
      reason: 'truncated',
      chainSeq: (BigInt(head.chainSeq) - 1n).toString(),
    });
  });
});

describe('upgrade from the sha256 chain', { timeout: 180_000 }, () => {
  it('rows of the old chain are carried into the sealed chain; old anchors still hold', async () => {
    const t = await newTarget({ seeded: false });
    const database = await openDb(t);
    try {
      await migrateToLatest(database.db as never, migrations.slice(0, 4));
      // Three entries as the old appendAudit wrote them: seq 1.., each hash linking the previous.
      let prev = GENESIS_HASH;
      for (let i = 1; i <= 3; i++) {
        const rec: AuditRecord = {
          seq: String(i),
          occurredAt: new Date(`2026-11-0${i}T08:00:00.000Z`),
          actorId: null,
          actorLogin: 'admin',
          actorKind: 'system',
          action: 'legacy.event',
          entityType: 'test',
          entityId: null,
          orgUnitId: null,
          ip: null,
          requestId: null,
          details: { i },
        };
        const hash = hashAuditRecord(rec, prev);
        await sql`insert into audit_log (seq, occurred_at, actor_login, actor_kind, action, entity_type, details, prev_hash, hash)
          values (${i}, ${rec.occurredAt}, 'admin', 'system', 'legacy.event', 'test', ${JSON.stringify({ i })}::jsonb, ${prev}, ${hash})`.execute(
          database.db,
        );
        prev = hash;
      }
      const oldAnchor = { chainSeq: '3', mac: prev };
      await migrateToLatest(database.db as never, migrations);
      const clock = testClock();
      // New rows continue the numbering.
      const { seq } = await append(database, 'test.after_upgrade', clock.now());
      expect(seq).toBe('4');
      expect((await sealPending(database.db, key, clock)).sealed).toBe(4);
      const seals = await database.db
        .selectFrom('audit_seal')
        .select(['chain_seq', 'audit_seq'])
        .orderBy('chain_seq')
        .execute();
      expect(seals).toEqual(['1', '2', '3', '4'].map((n) => ({ chain_seq: n, audit_seq: n })));
      const r = await verifyAuditChain(database.db, { keys, clock, graceMs: GRACE, anchors: [oldAnchor] });
      expect(r).toMatchObject({ ok: true, checked: 4, anchorsChecked: 1 });

      // The old chain's rows stay protected by their seals too.
      await sql`alter table audit_log disable trigger audit_log_no_update`.execute(database.db);
      await sql`update audit_log set actor_login = 'nobody' where seq = 2`.execute(database.db);
      await sql`alter table audit_log enable trigger audit_log_no_update`.execute(database.db);
      const broken = await verifyAuditChain(database.db, { keys, clock, graceMs: GRACE });
      expect(broken.firstBreak).toMatchObject({
        reason: 'entry_altered',
        chainSeq: '2',
        entry: { seq: '2', action: 'legacy.event', occurredAt: new Date('2026-11-02T08:00:00.000Z') },
      });
    } finally {
      await database.close();
      await t.dispose();
    }
  });
});
