// The embedded engine allows one process per data directory: a second onepoint process must refuse
// (exit 2, naming the holder) and leave the data alone; a lock left by a dead process is taken over.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DB } from '../../src/db.ts';
import { STALE_MS, judge, lockDataDir, startTicksOf, takeOver } from '../../src/platform/db/data-dir-lock.ts';
import { openDatabase, type Database } from '../../src/platform/db/database.ts';
import { ROOT, engine, ensureFreshDist, newTarget, openDb, runCli, type CliTarget } from './cli-support.ts';

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
          // It names the lock file and the safe way out.
          expect(r.stderr).toContain(`Its lock file is ${path.join(t.dataDir!, 'onepoint.lock')}`);
          expect(r.stderr).toContain(`check with \`ps -p ${process.pid}\``);
          expect(r.stderr).toContain('remove the lock file and start again');
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

    const lockFile = () => path.join(t.dataDir!, 'onepoint.lock');
    const writeLock = (holder: object, ageMs = 0) => {
      fs.writeFileSync(
        lockFile(),
        JSON.stringify({ command: 'serve', since: '2026-01-01T00:00:00Z', ...holder }),
      );
      const at = new Date(Date.now() - ageMs);
      fs.utimesSync(lockFile(), at, at);
    };

    it('a lock from another host (a re-created container) is taken over once it is no longer refreshed', async () => {
      writeLock({ pid: 1, host: 'old-container' }, STALE_MS + 5_000);
      const r = await runCli(['token', 'list', '--json'], t.env);
      expect(r.stderr).not.toMatch(/in use/);
      expect(r.code).toBe(0);
      expect(fs.existsSync(lockFile())).toBe(false);
    });

    it('a lock from another host that its holder keeps refreshing is refused, naming the file', async () => {
      // Nearly stale: the CLI waits to see whether it is refreshed, and it is.
      writeLock({ pid: 1, host: 'other-host.example' }, STALE_MS - 1_500);
      const refresh = setInterval(() => {
        const now = new Date();
        fs.utimesSync(lockFile(), now, now);
      }, 300);
      try {
        const r = await runCli(['migrate'], t.env);
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('pid 1 on other-host.example, "serve"');
        expect(r.stderr).toContain(`Its lock file is ${lockFile()}`);
      } finally {
        clearInterval(refresh);
        fs.rmSync(lockFile(), { force: true });
      }
    });

    it('a lock naming this very pid, or a pid now running another process, is stale; a live holder is not', async () => {
      const host = os.hostname();
      const parentTicks = startTicksOf(process.ppid);
      // Our own pid, but we do not hold it: the previous process with our pid (a restarted container).
      writeLock({ pid: process.pid, host, startTicks: 1 });
      expect(judge(JSON.parse(fs.readFileSync(lockFile(), 'utf8')), lockFile())).toBe('stale');
      const release = await lockDataDir(t.dataDir!, 'test');
      try {
        const mine = JSON.parse(fs.readFileSync(lockFile(), 'utf8'));
        expect(mine).toMatchObject({ pid: process.pid, command: 'test' });
        // Held by this process now: a second open in this process is refused.
        await expect(lockDataDir(t.dataDir!, 'again')).rejects.toThrow(/in use by another onepoint process/);
      } finally {
        release();
      }
      expect(fs.existsSync(lockFile())).toBe(false);
      if (parentTicks !== undefined) {
        // A running pid (our parent) that started at another time than the holder: the pid was reused.
        expect(
          judge(
            { pid: process.ppid, host, command: 'serve', since: '', startTicks: parentTicks - 1 },
            lockFile(),
          ),
        ).toBe('stale');
        expect(
          judge(
            { pid: process.ppid, host, command: 'serve', since: '', startTicks: parentTicks },
            lockFile(),
          ),
        ).toBe('held');
        // Written on this host before the last boot.
        expect(
          judge(
            {
              pid: process.ppid,
              host,
              command: 'serve',
              since: '',
              bootId: 'an-earlier-boot',
              startTicks: parentTicks,
            },
            lockFile(),
          ),
        ).toBe('stale');
      }
    });

    it('taking over a stale lock does not overwrite a process that took it over first', () => {
      const stale = JSON.stringify({ pid: 999_999_999, host: os.hostname(), command: 'serve', since: '' });
      fs.writeFileSync(lockFile(), stale);
      const winner = JSON.stringify({ pid: process.ppid, host: os.hostname(), command: 'winner', since: '' });
      const mine = path.join(t.dataDir!, 'mine.tmp');
      fs.writeFileSync(mine, JSON.stringify({ pid: process.pid, command: 'loser' }));
      try {
        // Between our judging it stale and our swap, another process replaced it.
        expect(takeOver(lockFile(), stale, mine, () => fs.writeFileSync(lockFile(), winner))).toBe(false);
        expect(fs.readFileSync(lockFile(), 'utf8')).toBe(winner);
        // Unchanged, the swap happens.
        expect(takeOver(lockFile(), winner, mine)).toBe(true);
        expect(JSON.parse(fs.readFileSync(lockFile(), 'utf8'))).toMatchObject({ command: 'loser' });
      } finally {
        fs.rmSync(mine, { force: true });
        fs.rmSync(lockFile(), { force: true });
      }
    });

    it('two processes starting at once on a stale lock: exactly one wins', async () => {
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
      writeLock({ pid: Number(dead.stdout.toString()), host: os.hostname() });
      const at = Date.now() + 700;
      const script = `
        const { lockDataDir } = await import(${JSON.stringify(path.join(ROOT, 'dist/platform/db/data-dir-lock.js'))});
        while (Date.now() < ${at});
        try {
          await lockDataDir(${JSON.stringify(t.dataDir!)}, 'racer');
          process.stdout.write('won');
          await new Promise((r) => setTimeout(r, 800));
        } catch (e) { process.stdout.write(e.name); }`;
      const race = () =>
        new Promise<string>((resolve) => {
          const c = spawn(process.execPath, ['--input-type=module', '-e', script]);
          let out = '';
          c.stdout.on('data', (d: Buffer) => (out += d.toString()));
          c.on('close', () => resolve(out));
        });
      const results = await Promise.all([race(), race()]);
      expect(results.sort()).toEqual(['DataDirLockedError', 'won']);
      expect(fs.existsSync(lockFile())).toBe(false);
    });
  },
);
