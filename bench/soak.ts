/**
 * Soak: `npm run soak -- --minutes N [--rate R] [--capacity-seconds S] [--pg-url URL]`.
 *
 * Starts the real server (`node bin/onepoint.js serve --demo`, a child process) on a throwaway
 * PostgreSQL database, measures its capacity for mixed traffic (closed loop, 16 clients, S seconds,
 * default 20), then drives the same mix open-loop at R requests per second (default: half the
 * measured capacity) for N minutes. The mix, as agents work: create a request (25 %), a queue page
 * (25 %), a request's page (25 %), a search (15 %), a note on a request (10 %). Per minute it prints
 * and records the server's RSS (from /proc), p50/p99 latency and the error rate; at the end it
 * writes bench/results/soak-<date>.json, stops the server (SIGTERM) and drops the database.
 * Not part of `npm test`; BENCHMARKS.md, "Soak", holds the 30-minute result.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { dropDatabase } from './pg-database.ts';
import { generateTexts } from './request-texts.ts';
import { round, stats } from './stats.ts';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    rate: { type: 'string' },
    'capacity-seconds': { type: 'string', default: '20' },
    'max-in-flight': { type: 'string', default: '64' },
    'pg-url': {
      type: 'string',
      default: process.env.ONEPOINT_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const minutes = Number(values.minutes);
const maxInFlight = Number(values['max-in-flight']);
const root = path.resolve(import.meta.dirname, '..');
const log = (msg: string) => process.stderr.write(`soak: ${msg}\n`);
const PASSWORD = 'soak-pass-12345';

// --- a throwaway database and the server on it ---------------------------------------------------
const pgUrl = values['pg-url'];
const dbName = `onepoint_soak_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: pgUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
await admin.end();
const dbUrl = new URL(pgUrl);
dbUrl.pathname = `/${dbName}`;
// CI's PostgreSQL runs with autovacuum off (tests make and drop databases by the hundred): without it
// a table that grows for 30 minutes keeps the statistics of an empty one and the planner picks
// scans that grow with it. A production server vacuums and analyses on its own; here the soak does
// what autovacuum would, once a minute, and says so.
const autovacuum = await (async () => {
  const c = new pg.Client({ connectionString: dbUrl.toString() });
  await c.connect();
  const r = await c.query<{ autovacuum: string }>('show autovacuum');
  await c.end();
  return r.rows[0]!.autovacuum === 'on';
})();

const server = spawn(process.execPath, [path.join(root, 'bin/onepoint.js'), 'serve', '--demo'], {
  cwd: root,
  env: {
    ...process.env,
    DATABASE_URL: dbUrl.toString(),
    PORT: '0',
    ONEPOINT_ALLOW_DEV_KEY: 'true',
    ONEPOINT_DEMO_PASSWORD: PASSWORD,
    ONEPOINT_LOG_FORMAT: 'json',
    ONEPOINT_LOG_LEVEL: 'warn',
    ONEPOINT_RATE_LIMIT_PER_MINUTE: '100000000',
    ONEPOINT_LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    ONEPOINT_SEARCH_MISS_LIMIT: '10000',
    ONEPOINT_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-soak-')),
  },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let serverLog = '';
server.stderr.on('data', (d) => (serverLog = (serverLog + String(d)).slice(-20_000)));
const origin = await new Promise<string>((resolve, reject) => {
  server.once('error', reject);
  let out = '';
  server.stdout.on('data', (d) => {
    out += String(d);
    const m = /onepoint is running at (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]!);
  });
  server.once('exit', (code) =>
    reject(new Error(`the server exited (${code}) before it was ready:\n${serverLog}`)),
  );
}).catch(async (e: unknown) => {
  // Not started: the throwaway database goes all the same.
  await dropDatabase(pgUrl, dbName);
  throw e;
});
log(`server pid ${server.pid} at ${origin}, database ${dbName}`);

let stopping = false;
async function cleanUp() {
  if (stopping) return;
  stopping = true;
  if (server.exitCode === null) {
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
  }
  await dropDatabase(pgUrl, dbName);
}
process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));

try {
  const rssMb = () => {
    const status = fs.readFileSync(`/proc/${server.pid}/status`, 'utf8');
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
  };
  const login = await fetch(`${origin}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: 'agent', password: PASSWORD }),
  });
  if (!login.ok) throw new Error(`login: ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const texts = generateTexts(2000, 31);
  const terms = ['宽带', '光猫', '掉线', '无法上网', '资费', '发票'];
  const recent: string[] = [];
  let n = 0;

  // --- the mix ----------------------------------------------------------------------------------
  type Kind = 'create' | 'queue' | 'page' | 'search' | 'note';
  const pick = (i: number): Kind => {
    const r = i % 20;
    if (r < 5 || recent.length === 0) return 'create';
    if (r < 10) return 'queue';
    if (r < 15) return 'page';
    if (r < 18) return 'search';
    return 'note';
  };
  async function one(kind: Kind): Promise<boolean> {
    const i = n++;
    const some = recent[i % Math.max(1, recent.length)];
    let res: Response;
    if (kind === 'create') {
      const t = texts[i % texts.length]!;
      res = await fetch(`${origin}/api/v1/service-requests`, {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': randomBytes(8).toString('hex') },
        body: JSON.stringify({
          kind: t.kind,
          title: t.title,
          description: t.description,
          channel: 'hotline',
          accessNumber: '10000',
        }),
      });
      if (res.ok) {
        const id = ((await res.json()) as { id: string }).id;
        recent.push(id);
        if (recent.length > 500) recent.shift();
        return true;
      }
    } else if (kind === 'queue') {
      res = await fetch(`${origin}/api/v1/service-requests?queue=open&limit=20`, { headers });
    } else if (kind === 'page') {
      res = await fetch(`${origin}/api/v1/service-requests/${some}`, { headers });
    } else if (kind === 'search') {
      res = await fetch(
        `${origin}/api/v1/service-requests?q=${encodeURIComponent(terms[i % terms.length]!)}`,
        {
          headers,
        },
      );
    } else {
      res = await fetch(`${origin}/api/v1/service-requests/${some}/notes`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ body: `soak note ${i}`, visibility: 'internal' }),
      });
    }
    await res.arrayBuffer();
    // A note racing another note on the same request may meet a version conflict: not an error.
    return res.ok || res.status === 409;
  }

  // --- capacity: closed loop ------------------------------------------------------------------
  const capacitySeconds = Number(values['capacity-seconds']);
  let capacity = 0;
  if (values.rate === undefined) {
    let done = 0;
    const until = performance.now() + capacitySeconds * 1000;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (performance.now() < until) {
          await one(pick(n)).catch(() => false);
          done++;
        }
      }),
    );
    capacity = round(done / capacitySeconds, 1);
    log(`capacity: ${capacity} requests/s (closed loop, 16 clients, ${capacitySeconds} s)`);
  }
  const rate = values.rate !== undefined ? Number(values.rate) : Math.max(1, round(capacity / 2, 1));
  log(`driving ${rate} requests/s for ${minutes} minute(s)`);

  // --- soak: open loop at `rate` ----------------------------------------------------------------
  interface Minute {
    minute: number;
    requests: number;
    errors: number;
    errorRate: number;
    dropped: number;
    p50Ms: number;
    p99Ms: number;
    rssMb: number;
    loadAverage: number;
    /** The soak's own VACUUM (ANALYZE) after the minute, when the server's autovacuum is off. */
    vacuumMs: number | null;
  }
  const perMinute: Minute[] = [];
  if (!autovacuum)
    log('the server runs with autovacuum off: the soak runs VACUUM (ANALYZE) once a minute instead');
  const maintenance = new pg.Client({ connectionString: dbUrl.toString() });
  maintenance.on('error', () => {}); // dropped with the database (with force) on the way out
  await maintenance.connect();
  let vacuuming: Promise<number> | undefined;
  const start = performance.now();
  let inFlight = 0;
  for (let m = 1; m <= minutes; m++) {
    const latencies: number[] = [];
    let errors = 0;
    let dropped = 0;
    let sent = 0;
    const pending: Promise<void>[] = [];
    const minuteEnd = start + m * 60_000;
    // Beside the traffic, as autovacuum's worker would run.
    const vacuumMs = vacuuming ? await vacuuming : null;
    vacuuming = autovacuum
      ? undefined
      : (async () => {
          const t = performance.now();
          await maintenance.query('vacuum (analyze)');
          return round(performance.now() - t, 0);
        })();
    while (performance.now() < minuteEnd) {
      const due = Math.floor(((performance.now() - start) / 1000) * rate);
      while (sent + (m - 1) * Math.round(60 * rate) < due) {
        sent++;
        // More than max-in-flight waiting: the server is not keeping up; counted, not queued.
        if (inFlight >= maxInFlight) {
          dropped++;
          continue;
        }
        inFlight++;
        const t0 = performance.now();
        pending.push(
          one(pick(n))
            .catch(() => false)
            .then((ok) => {
              inFlight--;
              latencies.push(performance.now() - t0);
              if (!ok) errors++;
            }),
        );
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(pending);
    const s = stats(latencies);
    const row: Minute = {
      minute: m,
      requests: latencies.length,
      errors,
      errorRate: latencies.length ? round(errors / latencies.length, 4) : 0,
      dropped,
      p50Ms: s.p50,
      p99Ms: s.p99,
      rssMb: rssMb(),
      loadAverage: round(os.loadavg()[0]!, 2),
      vacuumMs,
    };
    perMinute.push(row);
    log(
      `minute ${m}: ${row.requests} requests, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, errors ${row.errors} ` +
        `(${row.errorRate * 100} %), dropped ${dropped}, server RSS ${row.rssMb} MB, load ${row.loadAverage}`,
    );
  }

  const date = new Date().toISOString().slice(0, 16).replace(/:/g, '');
  const out = {
    when: new Date().toISOString(),
    engine: 'postgres',
    node: process.version,
    cpus: os.cpus().length,
    loadAverageAtEnd: os.loadavg().map((l) => round(l, 2)),
    capacityPerSecond: capacity || null,
    ratePerSecond: rate,
    minutes,
    autovacuum: autovacuum
      ? 'on (the server)'
      : 'off on the server: VACUUM (ANALYZE) by the soak once a minute',
    mix: { create: 0.25, queuePage: 0.25, requestPage: 0.25, search: 0.15, note: 0.1 },
    perMinute,
  };
  const file = path.join(root, 'bench', 'results', `soak-${date}.json`);
  fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\nwritten to ${file}\n`);
  await vacuuming;
  await maintenance.end();
} finally {
  await cleanUp();
}
