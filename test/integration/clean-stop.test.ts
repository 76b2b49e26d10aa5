// `npm start`, exactly as the README says, stopped the way Docker and systemd stop a service: a
// SIGTERM to the process they started (npm). The server must drain and exit with npm, leaving no
// process and no data-directory lock behind (the old `sh -c "… && node … serve"` script left the
// server orphaned, still serving and holding the lock). Embedded engine: the lock is its concern.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, cliEnv, engine, ensureFreshDist, newTarget, type CliTarget } from './cli-support.ts';

beforeAll(ensureFreshDist, 180_000);

/** The pids of the processes under `pid` (Linux /proc). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.runIf(engine === 'pglite' && process.platform === 'linux')(
  'npm start stops cleanly on SIGTERM (embedded engine)',
  { timeout: 240_000 },
  () => {
    let t: CliTarget;
    let tree: number[] = [];
    beforeAll(async () => {
      t = await newTarget();
    });
    afterAll(async () => {
      for (const pid of tree) if (alive(pid)) process.kill(pid, 'SIGKILL');
      await t?.dispose();
    });

    it('SIGTERM to npm drains the server, npm exits 0, no process and no lock are left', async () => {
      const npm = spawn('npm', ['start'], {
        cwd: ROOT,
        env: cliEnv({ ...t.env, PORT: '0', LOG_LEVEL: 'info' }),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      npm.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      npm.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
        npm.on('exit', (code, signal) => resolve({ code, signal })),
      );
      const url = await new Promise<URL>((resolve, reject) => {
        npm.stdout!.on('data', () => {
          const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
          if (m) resolve(new URL(m[1]!));
        });
        void exited.then((e) => reject(new Error(`npm start exited (${e.code}) before ready:\n${out}`)));
      });
      expect((await fetch(new URL('/healthz', url))).status).toBe(200);
      const lockPath = path.join(t.dataDir!, 'onepoint.lock');
      tree = descendants(npm.pid!);
      const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { pid: number };
      expect(tree).toContain(lock.pid); // the server runs under npm

      npm.kill('SIGTERM');
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(out).toMatch(/"signal":"SIGTERM".*shutting down/);
      expect(out).toMatch(/shut down cleanly/);
      expect(tree.filter(alive)).toEqual([]);
      expect(fs.existsSync(lockPath)).toBe(false);
    });
  },
);
