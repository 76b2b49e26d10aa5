// The audit sealer as deployed: inside `onepoint serve`, sealing what requests wrote and writing
// anchors to the anchor file without being asked; `onepoint audit verify` then reads that file.
import fs from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appendAudit, readAnchorFile, systemActor } from '../../src/modules/audit/index.ts';
import { DEMO_PASSWORD } from '../harness.ts';
import {
  engine,
  ensureFreshDist,
  newTarget,
  openDb,
  runCli,
  startServe,
  type CliTarget,
  type Served,
} from './cli-support.ts';

beforeAll(ensureFreshDist, 180_000);

async function stop(s: Served) {
  s.child.kill('SIGTERM');
  expect(await s.exited).toBe(0);
}

describe(`serve seals and anchors the audit log (${engine})`, { timeout: 240_000 }, () => {
  let t: CliTarget;
  let env: Record<string, string>;
  let served: Served | undefined;
  beforeAll(async () => {
    t = await newTarget();
    env = { ...t.env, ONEPOINT_AUDIT_SEAL_INTERVAL_MS: '100', ONEPOINT_AUDIT_ANCHOR_INTERVAL_MS: '1000' };
  });
  afterAll(async () => {
    if (served && served.child.exitCode === null) served.child.kill('SIGKILL');
    await t?.dispose();
  });

  const auditRows = async () => {
    const db = await openDb(t);
    try {
      const r = await sql<{ n: string; pending: string }>`
        select (select count(*) from audit_log) as n, (select count(*) from audit_pending) as pending`.execute(
        db.db,
      );
      return { rows: Number(r.rows[0]!.n), pending: Number(r.rows[0]!.pending) };
    } finally {
      await db.close();
    }
  };
  const newestAnchor = async () => (await readAnchorFile(t.anchorFile)).anchors.at(-1);

  it('seals what requests write, anchors the head by itself, and seals after a restart what was written meanwhile', async () => {
    served = await startServe(env);
    for (const login of ['agent', 'supervisor', 'admin']) {
      const res = await fetch(new URL('/api/v1/auth/login', served.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login, password: DEMO_PASSWORD }),
      });
      expect(res.status).toBe(200);
    }
    // The loop, not the stop, writes an anchor while serving (every second here).
    await vi.waitFor(async () => expect(await newestAnchor()).toBeDefined(), {
      timeout: 30_000,
      interval: 200,
    });
    expect(served.output()).toMatch(/"auditAnchor":"\d+:[0-9a-f]{64}".*"msg":"audit chain anchor"/);
    await stop(served);
    const afterFirst = await auditRows();
    expect(afterFirst.pending).toBe(0);
    expect((await newestAnchor())!.chainSeq).toBe(String(afterFirst.rows));

    // Written while no sealer runs (straight into the database): they wait…
    const db = await openDb(t);
    try {
      for (let i = 0; i < 3; i++)
        await db.db
          .transaction()
          .execute((trx) =>
            appendAudit(trx, systemActor('test'), { action: 'test.offline', entityType: 'test' }),
          );
    } finally {
      await db.close();
    }
    expect((await auditRows()).pending).toBe(3);
    // …and the next serve seals and anchors them while it runs.
    served = await startServe(env);
    const expected = String(afterFirst.rows + 3);
    await vi.waitFor(async () => expect((await newestAnchor())?.chainSeq).toBe(expected), {
      timeout: 30_000,
      interval: 200,
    });
    await stop(served);

    const ok = await runCli(['audit', 'verify'], env);
    expect(ok.code).toBe(0);
    const anchors = (await readAnchorFile(t.anchorFile)).anchors.length;
    expect(anchors).toBeGreaterThanOrEqual(2);
    expect(ok.stdout.trim()).toBe(`audit chain OK: ${expected} entries; ${anchors} anchor(s) match`);
    expect(ok.stderr).toMatch(
      new RegExp(`${anchors} anchor\\(s\\) in .*audit-anchors\\.log \\(newest: position ${expected} at `),
    );
  });

  it('removing the newest entries is detected against the automatic anchors', async () => {
    const { rows } = await auditRows();
    const db = await openDb(t);
    try {
      await db.db.transaction().execute(async (trx) => {
        await sql`alter table audit_log disable trigger audit_log_no_update`.execute(trx);
        await sql`alter table audit_seal disable trigger audit_seal_no_update`.execute(trx);
        await sql`delete from audit_log where seq in (select audit_seq from audit_seal where chain_seq > ${rows - 2})`.execute(
          trx,
        );
        await sql`delete from audit_seal where chain_seq > ${rows - 2}`.execute(trx);
        await sql`alter table audit_log enable trigger audit_log_no_update`.execute(trx);
        await sql`alter table audit_seal enable trigger audit_seal_no_update`.execute(trx);
      });
    } finally {
      await db.close();
    }
    const r = await runCli(['audit', 'verify'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(
      new RegExp(
        `audit chain BROKEN at chain position ${rows - 1}: .*anchor recorded outside the database.*removed from the end`,
      ),
    );
    // Without the file the shortened chain would pass: the anchors are what caught it.
    fs.renameSync(t.anchorFile, `${t.anchorFile}.moved`);
    expect((await runCli(['audit', 'verify'], env)).code).toBe(0);
  });
});
