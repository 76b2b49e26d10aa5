// Helpers for tests that run the real command line (`node bin/onepoint.js …`) as a child process
// against a database of their own: a data directory (PGlite) or a database (PostgreSQL).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { DB } from '../../src/db.ts';
import { openDatabase, type Database } from '../../src/platform/db/database.ts';
import type { App } from '../../src/platform/http/app.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { buildApp, startPlatform, type Platform } from '../../src/server.ts';
import { distState } from '../../scripts/dist-state.mjs';
import { TEST_PG_ADMIN_URL, siblingDatabase, withDatabase } from '../engine.ts';
import { DEMO_PASSWORD } from '../harness.ts';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const engine = inject('engine');

/**
 * The CLI runs the compiled dist/ when it is up to date (as `npm start` does) and the sources
 * through tsx otherwise, which costs seconds per command on a busy machine. Build it once, under
 * a lock, before the tests spawn commands; `npm run build` does the same.
 */
export async function ensureFreshDist(): Promise<void> {
  const lock = path.join(ROOT, 'dist.building');
  const until = Date.now() + 180_000;
  for (;;) {
    if (distState(ROOT) === 'fresh') return;
    try {
      fs.mkdirSync(lock);
    } catch {
      if (Date.now() > until) throw new Error(`${lock} is held for too long; remove it if no build runs`);
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      if (distState(ROOT) !== 'fresh')
        execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' });
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
}

export interface CliTarget {
  engine: 'pglite' | 'postgres';
  /** Environment that points the CLI at this database. */
  env: Record<string, string>;
  dataDir?: string;
  databaseUrl?: string;
  /** Where the audit sealer of this target writes its anchors (the default place on PGlite). */
  anchorFile: string;
  dispose(): Promise<void>;
}

/** A database for CLI tests: a copy of the migrated, demo-seeded test template, or empty. */
export async function newTarget(opts: { seeded: boolean } = { seeded: true }): Promise<CliTarget> {
  if (engine === 'pglite') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-cli-'));
    if (opts.seeded) {
      fs.cpSync(inject('template'), dataDir, { recursive: true });
      fs.rmSync(path.join(dataDir, 'onepoint.lock'), { force: true });
    }
    return {
      engine,
      dataDir,
      anchorFile: path.join(dataDir, 'audit-anchors.log'),
      env: { ONEPOINT_DATA_DIR: dataDir },
      dispose: async () => fs.rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const { name, template: TEMPLATE_DB } = siblingDatabase(inject('template'));
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  await admin.query(
    opts.seeded ? `create database ${name} template ${TEMPLATE_DB}` : `create database ${name}`,
  );
  await admin.end();
  const databaseUrl = withDatabase(TEST_PG_ADMIN_URL, name);
  // Files of this target (the audit anchor file) stay in a directory of its own, not ./data.
  const filesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-cli-'));
  return {
    engine,
    databaseUrl,
    anchorFile: path.join(filesDir, 'audit-anchors.log'),
    env: { DATABASE_URL: databaseUrl, ONEPOINT_AUDIT_ANCHOR_FILE: path.join(filesDir, 'audit-anchors.log') },
    dispose: async () => {
      fs.rmSync(filesDir, { recursive: true, force: true });
      const c = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * The environment a CLI child gets: ours minus anything that would point it elsewhere. Test
 * databases hold no real personal data, so the development key may run on PostgreSQL here
 * (pass `ONEPOINT_ALLOW_DEV_KEY: undefined` to see the refusal).
 */
export function cliEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ONEPOINT_DEMO_PASSWORD: DEMO_PASSWORD,
    LOG_LEVEL: 'warn',
    ONEPOINT_ALLOW_DEV_KEY: 'true',
  };
  delete env.DATABASE_URL;
  delete env.ONEPOINT_DATA_DIR;
  delete env.PORT;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export function spawnCli(args: string[], env: Record<string, string | undefined>): ChildProcess {
  return spawn(process.execPath, [path.join(ROOT, 'bin/onepoint.js'), ...args], {
    cwd: ROOT,
    env: cliEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** `onepoint serve` as a child process (the caller names the port, usually 0). */
export interface Served {
  child: ChildProcess;
  /** Where it listens, from its ready line. */
  url: URL;
  /** Its stdout and stderr so far. */
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `onepoint serve` and resolves once its ready line names the address (at most 60 s). */
export async function startServe(env: Record<string, string | undefined>): Promise<Served> {
  const child = spawnCli(['serve'], { PORT: '0', LOG_LEVEL: 'info', ...env });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line in 60 s:\n${out.slice(-3000)}`)), 60_000);
    child.stdout!.on('data', () => {
      const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(new URL(m[1]!));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}) before it was ready:\n${out.slice(-3000)}`));
    });
  });
  return { child, url, output: () => out, exited };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs one CLI command to completion. */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined>,
  opts: { input?: string } = {},
): Promise<CliResult> {
  const child = spawnCli(args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin!.end(opts.input ?? '');
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  return { code, stdout, stderr };
}

export const lastLine = (text: string) => text.trimEnd().split('\n').at(-1) ?? '';

/** Opens the target's database in this process (no migrations, no HTTP). */
export function openDb(target: CliTarget): Promise<Database<DB>> {
  return openDatabase<DB>({
    databaseUrl: target.databaseUrl,
    dataDir: target.dataDir ?? '',
    command: 'test',
    poolSize: 2,
  });
}

/** Opens the target in this process (with the HTTP app) to check what the CLI did. */
export async function openTarget(target: CliTarget): Promise<{
  database: Database<DB>;
  platform: Platform;
  app: App;
  close(): Promise<void>;
}> {
  const database = await openDb(target);
  const config = loadConfig({ LOG_LEVEL: 'silent', ONEPOINT_DEMO_PASSWORD: DEMO_PASSWORD });
  const platform = await startPlatform(config, createLogger('silent'), {
    command: 'test',
    jobs: false,
    database,
  });
  const app = await buildApp(platform.context);
  await app.ready();
  return {
    database,
    platform,
    app,
    close: async () => {
      await app.close();
      await platform.close();
    },
  };
}
