// The embedded engine allows one process per data directory: a second onepoint process must refuse
// (exit 2, naming the holder) and leave the data alone; a lock left by a dead process is taken over.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../src/db.ts';
import { openDatabase, type Database } from '../../src/platform/db/database.ts';
import { engine, ensureFreshDist, newTarget, openDb, runCli, type CliTarget } from './cli-support.ts';

beforeAll(ensureFreshDist, 180_000);

async function counts(db: Database<DB>) {
  const [users, audit, units] = await Promise.all(
    (['users', 'audit_log', 'org_units'] as const).map(async (table) => {
      const r = await db.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    }),
  );
  return { users, audit, units };
}

// Runs in the PGlite pass of the suite; the PostgreSQL pass reports it as skipped (no data directory there).
describe.runIf(engine === 'pglite')(
  'embedded data directory lock (embedded engine only)',
  { timeout: 180_000 },
  () => {
    let t: CliTarget;
    beforeAll(async () => {
      t = await newTarget();
    });
    afterAll(async () => t?.dispose());

    it('migrate, seed and user add refuse with exit 2 naming the holder, and change nothing', async () => {
      const holder = await openDatabase<DB>({ dataDir: t.dataDir!, command: 'lock-holder' });
      let before: Awaited<ReturnType<typeof counts>>;
      try {
        before = await counts(holder);
        const attempts = [
          ['migrate'],
          ['seed', '--demo'],
          ['user', 'add', '--login', 'intruder', '--name', '某人', '--unit', 'CT', '--role', 'admin'],
        ];
        for (const args of attempts) {
          const r = await runCli(args, t.env);
          expect({ args: args.join(' '), code: r.code }).toEqual({ args: args.join(' '), code: 2 });
          expect(r.stderr).toContain(
            `is in use by another onepoint process (pid ${process.pid} on ${os.hostname()}`,
          );
          expect(r.stderr).toContain('"lock-holder"');
        }
        // The refused processes left the holder's lock and its data alone.
        const lock = JSON.parse(fs.readFileSync(path.join(t.dataDir!, 'onepoint.lock'), 'utf8'));
        expect(lock).toMatchObject({ pid: process.pid, command: 'lock-holder' });
        expect(await counts(holder)).toEqual(before);
      } finally {
        await holder.close();
      }
      expect(fs.existsSync(path.join(t.dataDir!, 'onepoint.lock'))).toBe(false);
      const reopened = await openDb(t);
      try {
        expect(await counts(reopened)).toEqual(before);
      } finally {
        await reopened.close();
      }
    });

    it('a lock left by a dead process on this host is taken over', async () => {
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
      const deadPid = Number(dead.stdout.toString());
      fs.writeFileSync(
        path.join(t.dataDir!, 'onepoint.lock'),
        JSON.stringify({
          pid: deadPid,
          host: os.hostname(),
          command: 'serve',
          since: '2026-01-01T00:00:00Z',
        }),
      );
      const r = await runCli(['token', 'list', '--json'], t.env);
      expect(r.stderr).not.toMatch(/in use/);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([]);
      expect(fs.existsSync(path.join(t.dataDir!, 'onepoint.lock'))).toBe(false);
    });

    it('a lock held from another host is not taken over (its process cannot be checked)', async () => {
      fs.writeFileSync(
        path.join(t.dataDir!, 'onepoint.lock'),
        JSON.stringify({
          pid: 1,
          host: 'other-host.example',
          command: 'serve',
          since: '2026-01-01T00:00:00Z',
        }),
      );
      try {
        const r = await runCli(['migrate'], t.env);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('pid 1 on other-host.example, "serve"');
      } finally {
        fs.rmSync(path.join(t.dataDir!, 'onepoint.lock'), { force: true });
      }
    });
  },
);
