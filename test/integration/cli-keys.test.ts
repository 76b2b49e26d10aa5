// Issue 9, "Keys": the built-in development PII key is public in the source. The server refuses
// to run with it on PostgreSQL or on a public address unless told so; every command that handles
// personal data says it uses it, whatever the log level; `serve --demo` never loads the demo
// (and its published password) into an operator's database.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  engine,
  ensureFreshDist,
  newTarget,
  openDb,
  runCli,
  spawnCli,
  type CliTarget,
} from './cli-support.ts';

beforeAll(ensureFreshDist, 180_000);

const WARNING = /WARNING: ONEPOINT_PII_KEYS is not set: personal data .* built-in development key/;
// Never reached: the refusal comes before the database is opened.
const NOWHERE_PG = 'postgresql://nobody@127.0.0.1:1/onepoint';
const KEY = `k1:${Buffer.alloc(32, 'cli-keys-test').toString('base64')}`;

/** The environment without a key and without the tests' permission to use the development key. */
const noKey = { ONEPOINT_PII_KEYS: undefined, ONEPOINT_ALLOW_DEV_KEY: undefined };

describe(`development key and demo data (${engine})`, { timeout: 180_000 }, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-keys-'));
  const file = path.join(dir, 'one.csv');
  fs.writeFileSync(file, 'customer_no,kind,name,org_unit\nK1,individual,测试,CT.JS.NJ\n');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serve refuses PostgreSQL without ONEPOINT_PII_KEYS: exit 2 naming the variable', async () => {
    const r = await runCli(['serve'], { ...noKey, DATABASE_URL: NOWHERE_PG, PORT: '0' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /onepoint: ONEPOINT_PII_KEYS is not set .* on PostgreSQL \(DATABASE_URL is set\)/,
    );
    expect(r.stderr).toContain('ONEPOINT_ALLOW_DEV_KEY=true');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // So do the commands that write personal data.
    const imp = await runCli(['customers', 'import', '--dry-run', file], {
      ...noKey,
      DATABASE_URL: NOWHERE_PG,
    });
    expect(imp.code).toBe(2);
    expect(imp.stderr).toMatch(/ONEPOINT_PII_KEYS is not set .* on PostgreSQL/);
  });

  it('serve refuses a non-loopback HOST without ONEPOINT_PII_KEYS', async () => {
    const r = await runCli(['serve'], { ...noKey, ONEPOINT_DATA_DIR: dir, HOST: '0.0.0.0', PORT: '0' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /ONEPOINT_PII_KEYS is not set .* HOST=0\.0\.0\.0, which is not a loopback address/,
    );
  });

  describe('on a database of its own', () => {
    let t: CliTarget;
    beforeAll(async () => {
      t = await newTarget();
    });
    afterAll(async () => t?.dispose());

    it('ONEPOINT_ALLOW_DEV_KEY=true lets serve --demo start there, warning on stderr even at LOG_LEVEL=error', async () => {
      // The seeded target is a demo database: --demo starts on it again (npm start's restarts).
      const child = spawnCli(['serve', '--demo'], {
        ...t.env,
        ...noKey,
        ONEPOINT_ALLOW_DEV_KEY: 'true',
        HOST: '0.0.0.0',
        PORT: '0',
        LOG_LEVEL: 'error',
      });
      let out = '';
      let err = '';
      child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        const url = await new Promise<URL>((resolve, reject) => {
          child.stdout!.on('data', (d: Buffer) => {
            out += d.toString();
            const m = /onepoint is running at (http:\/\/\S+)/.exec(out);
            if (m) resolve(new URL(m[1]!));
          });
          void exited.then((code) => reject(new Error(`serve exited (${code}):\n${out}\n${err}`)));
        });
        const health = await fetch(`http://127.0.0.1:${url.port}/healthz`);
        expect(health.status).toBe(200);
        expect(err).toMatch(WARNING);
      } finally {
        child.kill('SIGTERM');
      }
      expect(await exited).toBe(0);
    });

    it('every command that handles personal data warns on stderr at LOG_LEVEL=error; with a key, none does', async () => {
      const env = { ...t.env, ...noKey, ONEPOINT_ALLOW_DEV_KEY: 'true', LOG_LEVEL: 'error' };
      const imp = await runCli(['customers', 'import', '--dry-run', file], env);
      expect(imp.code).toBe(0);
      expect(imp.stderr).toMatch(WARNING);
      const gen = await runCli(
        ['customers', 'generate', '--count', '1', '--csv', path.join(dir, 'g.csv')],
        env,
      );
      expect(gen.code).toBe(0);
      expect(gen.stderr).toMatch(WARNING);
      const seed = await runCli(['seed', '--demo'], env);
      expect(seed.code).toBe(0);
      expect(seed.stderr).toMatch(WARNING);
      // A command that touches no personal data stays quiet.
      const status = await runCli(['events', 'status'], env);
      expect(status.stderr).not.toMatch(WARNING);
      const keyed = await runCli(['customers', 'import', '--dry-run', file], {
        ...env,
        ONEPOINT_PII_KEYS: KEY,
      });
      expect(keyed.code).toBe(0);
      expect(keyed.stderr).not.toMatch(WARNING);
    });
  });

  describe('on an operator’s database', () => {
    let t: CliTarget;
    beforeAll(async () => {
      t = await newTarget({ seeded: false });
    });
    afterAll(async () => t?.dispose());

    it('serve --demo and seed --demo refuse a database with users the demo did not load (exit 2), adding nobody', async () => {
      const first = await runCli(
        ['user', 'add', '--login', 'ops', '--name', '运维', '--role', 'admin', '--password-stdin'],
        t.env,
        { input: 'Night-Shift-2026x\n' },
      );
      expect(first.code).toBe(0);
      for (const args of [
        ['serve', '--demo'],
        ['seed', '--demo'],
      ]) {
        const r = await runCli(args, { ...t.env, PORT: '0' });
        expect({ args, code: r.code }).toEqual({ args, code: 2 });
        expect(r.stderr).toMatch(
          /onepoint: refusing to load the demo data: this database holds 1 user that the demo did not load/,
        );
        expect(r.stderr).not.toMatch(/\n\s+at /);
      }
      const db = await openDb(t);
      try {
        const logins = await db.db.selectFrom('users').select('login').execute();
        expect(logins.map((u) => u.login)).toEqual(['ops']);
      } finally {
        await db.close();
      }
    });
  });
});
