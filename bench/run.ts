/**
 * The project's benchmarks: `npm run bench -- [options]`. Results go to bench/results/latest.json;
 * BENCHMARKS.md explains them. Never part of `npm test`; the default sizes are small.
 *
 *   --suite customers|auth|writes|intake|queue|search|sla|all (default all = customers, auth, writes;
 *                                   writes runs on PostgreSQL only; intake, queue and search are
 *                                   measured on PostgreSQL — with --engine pglite alone, a smoke run)
 *   --engine pglite|postgres|both   (default both)
 *   --customers N                   customers on PostgreSQL (default 20000; the documented run: 1000000)
 *   --pglite-customers N            customers on PGlite (default: the smaller of --customers and 100000)
 *   --import-rows N                 customers in the imported CSV file (default 10000)
 *   --lookups N                     lookups per kind (default 300)
 *   --auth-requests N               requests per kind in the auth suite (default 2000)
 *   --write-customers N             writes: customers loaded before the PATCHes (default 20000)
 *   --write-connections LIST        writes: concurrent connections per point (default 10,50)
 *   --write-seconds N               writes: measured seconds per point and kind (default 30)
 *   --write-warmup N                writes: seconds of warm-up before each (default 2)
 *   --write-run-in N                writes: seconds each kind runs, unmeasured, before the first point (default 15)
 *   --requests N                    queue/search: requests generated (default 20000; documented: 10000000)
 *   --requests-open N               queue/search: of which open (default 2000; documented: 1000000)
 *   --request-samples N             queue/search: samples per measured query (default 100)
 *   --intake-connections LIST       intake (and search's concurrent part): connections (default 10,50)
 *   --intake-seconds N              intake: measured seconds per point and kind (default 10)
 *   --intake-warmup N               intake: seconds of warm-up before each (default 2)
 *   --sla-timers N                  sla: steps due within the same minute (default 100000)
 *   --sla-clocks N                  sla: open clocks recomputed after a policy change (default 1000000)
 *   --pg-url URL                    PostgreSQL server (default ONEPOINT_TEST_PG_URL or 127.0.0.1:5432)
 *   --keep-db NAME                  PostgreSQL: use and keep this database; a second run with the
 *                                   same name skips loading (customers) or generating (queue, search)
 *                                   and measures again
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { runAuthBench } from './auth.ts';
import { runCustomersBench } from './customers.ts';
import { runServiceRequestsBench, type RequestsSuite } from './service-requests.ts';
import { runSlaBench } from './sla.ts';
import { runWritesBench } from './writes.ts';

const { values } = parseArgs({
  options: {
    suite: { type: 'string', default: 'all' },
    engine: { type: 'string', default: 'both' },
    'auth-requests': { type: 'string', default: '2000' },
    customers: { type: 'string', default: '20000' },
    'pglite-customers': { type: 'string' },
    'import-rows': { type: 'string', default: '10000' },
    lookups: { type: 'string', default: '300' },
    'write-customers': { type: 'string', default: '20000' },
    'write-connections': { type: 'string', default: '10,50' },
    'write-seconds': { type: 'string', default: '30' },
    'write-warmup': { type: 'string', default: '2' },
    'write-run-in': { type: 'string', default: '15' },
    'keep-db': { type: 'string' },
    requests: { type: 'string', default: '20000' },
    'requests-open': { type: 'string', default: '2000' },
    'request-samples': { type: 'string', default: '100' },
    'intake-connections': { type: 'string', default: '10,50' },
    'intake-seconds': { type: 'string', default: '10' },
    'intake-warmup': { type: 'string', default: '2' },
    'sla-timers': { type: 'string', default: '100000' },
    'sla-clocks': { type: 'string', default: '1000000' },
    'pg-url': {
      type: 'string',
      default: process.env.ONEPOINT_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    },
  },
});

const int = (name: string, v: string | undefined) => {
  const n = Number(String(v).replace(/_/g, ''));
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
  return n;
};
const customers = int('customers', values.customers);
const engines =
  values.engine === 'both' ? (['pglite', 'postgres'] as const) : [values.engine as 'pglite' | 'postgres'];
if (!engines.every((e) => e === 'pglite' || e === 'postgres'))
  throw new Error('--engine is pglite, postgres or both');

const suite = values.suite;
const REQUEST_SUITES = ['intake', 'queue', 'search'];
if (!['customers', 'auth', 'writes', 'sla', 'all', ...REQUEST_SUITES].includes(suite!))
  throw new Error('--suite is customers, auth, writes, intake, queue, search, sla or all');
if (suite === 'writes' && !engines.some((e) => e === 'postgres'))
  throw new Error(`--suite ${suite} runs on PostgreSQL: --engine postgres or both`);
const log = (m: string) => process.stderr.write(`${m}\n`);

const started = new Date();
const results = [];
const auth = [];
const writes = [];
const serviceRequests = [];
const sla = [];
for (const engine of engines) {
  if (suite === 'sla')
    sla.push(
      await runSlaBench({
        engine,
        timers: int('sla-timers', values['sla-timers']),
        clocks: int('sla-clocks', values['sla-clocks']),
        pgUrl: values['pg-url']!,
        log,
      }),
    );
  if (suite === 'all' || suite === 'customers')
    results.push(
      await runCustomersBench({
        engine,
        customers:
          engine === 'pglite'
            ? int('pglite-customers', values['pglite-customers'] ?? String(Math.min(customers, 100_000)))
            : customers,
        importRows: int('import-rows', values['import-rows']),
        lookups: int('lookups', values.lookups),
        pgUrl: values['pg-url']!,
        keepDatabase: engine === 'postgres' ? values['keep-db'] : undefined,
        log,
      }),
    );
  if (suite === 'all' || suite === 'auth')
    auth.push(
      await runAuthBench({
        engine,
        requests: int('auth-requests', values['auth-requests']),
        pgUrl: values['pg-url']!,
        log,
      }),
    );
  if ((suite === 'all' || suite === 'writes') && engine === 'postgres')
    writes.push(
      await runWritesBench({
        customers: int('write-customers', values['write-customers']),
        connections: values['write-connections']!.split(',').map((c) => int('write-connections', c)),
        seconds: int('write-seconds', values['write-seconds']),
        warmupSeconds: Number(values['write-warmup']),
        runInSeconds: Number(values['write-run-in']),
        pgUrl: values['pg-url']!,
        log,
      }),
    );
  // Measured on PostgreSQL; `--engine pglite` alone gives a smoke run that shows a suite works.
  if (REQUEST_SUITES.includes(suite!) && (engine === 'postgres' || values.engine === 'pglite'))
    serviceRequests.push(
      await runServiceRequestsBench({
        suite: suite as RequestsSuite,
        engine,
        total: int('requests', values.requests),
        open: int('requests-open', values['requests-open']),
        samples: int('request-samples', values['request-samples']),
        connections: values['intake-connections']!.split(',').map((c) => int('intake-connections', c)),
        seconds: int('intake-seconds', values['intake-seconds']),
        warmupSeconds: Number(values['intake-warmup']),
        pgUrl: values['pg-url']!,
        keepDatabase: values['keep-db'],
        log,
      }),
    );
}

const out = {
  startedAt: started.toISOString(),
  finishedAt: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? null,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: os.loadavg().map((x) => Math.round(x * 10) / 10),
  },
  customers: results,
  auth,
  writes,
  serviceRequests,
  sla,
};
const dir = path.join(path.dirname(new URL(import.meta.url).pathname), 'results');
fs.mkdirSync(dir, { recursive: true });
const file = suite === 'all' ? 'latest.json' : `latest-${suite}.json`;
fs.writeFileSync(path.join(dir, file), `${JSON.stringify(out, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
