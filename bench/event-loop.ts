/**
 * How long heavy work stalls the event loop: `node --import tsx bench/event-loop.ts [--customers N]
 * [--engine pglite|postgres] [--label before|after]`. Loads N generated customers, then runs a CSV
 * export, an XLSX export and a customer import (CSV, 2 000 rows) through HTTP while a
 * `perf_hooks.monitorEventLoopDelay` histogram records the loop's delay and a second client asks
 * `/healthz` over and over (in this process: it waits for the same loop, so the loop's delay is
 * the figure to read). Prints and writes bench/results/event-loop-<label>.json.
 * On the embedded engine every query runs on Node's main thread, so this is where stalls show.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config.ts';
import {
  insertPrepared,
  nextCustomerNumbers,
  prepareCustomer,
} from '../src/modules/customers/customers.bulk.ts';
import { planDemoCustomers, resolveAreas } from '../src/modules/customers/customers.demo.ts';
import { customersToCsv } from '../src/modules/customers/customers.import.ts';
import { vaultFor } from '../src/modules/customers/index.ts';
import { benchDatabase, withBenchServer } from './bench-server.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '5000' },
    'import-rows': { type: 'string', default: '2000' },
    engine: { type: 'string', default: 'pglite' },
    label: { type: 'string', default: 'latest' },
    'pg-url': {
      type: 'string',
      default: process.env.ONEPOINT_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    },
  },
});
const customers = Number(values.customers);
const importRows = Number(values['import-rows']);
const engine = values.engine === 'postgres' ? 'postgres' : 'pglite';
const log = (msg: string) => process.stderr.write(`${msg}\n`);

interface Phase {
  phase: string;
  ms: number;
  status: number;
  loopMaxMs: number;
  loopP99Ms: number;
  healthChecks: number;
  healthMaxMs: number;
}

const db = await benchDatabase({ engine, pgUrl: values['pg-url'], log });
const result = await withBenchServer(
  db,
  {
    prepare: async (ctx) => {
      const areas = await resolveAreas(ctx.db);
      const inputs = planDemoCustomers(areas, {
        consumers: customers,
        enterprisesPerTier: 0,
        seed: 7,
        startIndex: 3_000_000,
      });
      const vault = vaultFor(ctx.config);
      for (let i = 0; i < inputs.length; i += 1000) {
        const part = inputs.slice(i, i + 1000);
        await ctx.db.transaction().execute(async (trx) => {
          const numbers = await nextCustomerNumbers(trx, part.length);
          await insertPrepared(
            trx,
            part.map((c, k) => prepareCustomer(vault, c, numbers[k]!)),
          );
        });
      }
      log(`loaded ${inputs.length} customers`);
    },
  },
  async ({ ctx, origin }) => {
    // The administrator sees every customer (the agent only its own area's).
    const login = await fetch(`${origin}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'admin', password: 'bench-pass-1' }),
    });
    const { token } = (await login.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };
    const areas = await resolveAreas(ctx.db);
    const codes = new Map(
      (await ctx.db.selectFrom('org_units').select(['id', 'code']).execute()).map((u) => [u.id, u.code]),
    );
    const plan = { consumers: importRows, enterprisesPerTier: 0, seed: 9, startIndex: 4_000_000 };
    const csv = customersToCsv(
      planDemoCustomers(areas, plan).map((c, i) => ({ ...c, customerNo: `EL${i}` })),
      (id) => codes.get(id) ?? id,
    );

    const phases: Phase[] = [];
    const measure = async (phase: string, work: () => Promise<Response>) => {
      const h = monitorEventLoopDelay({ resolution: 10 });
      let running = true;
      const health: number[] = [];
      const prober = (async () => {
        while (running) {
          const t = performance.now();
          await (await fetch(`${origin}/healthz`)).text();
          health.push(performance.now() - t);
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      h.enable();
      const t0 = performance.now();
      const res = await work();
      await res.arrayBuffer();
      const ms = performance.now() - t0;
      h.disable();
      running = false;
      await prober;
      const p: Phase = {
        phase,
        ms: Math.round(ms),
        status: res.status,
        loopMaxMs: Math.round(h.max / 1e6),
        loopP99Ms: Math.round(h.percentile(99) / 1e6),
        healthChecks: health.length,
        healthMaxMs: Math.round(Math.max(0, ...health)),
      };
      log(JSON.stringify(p));
      phases.push(p);
    };
    // The second XLSX export shows the steady state: ExcelJS (and its worker) already loaded.
    for (const [phase, format] of [
      ['export csv', 'csv'],
      ['export xlsx', 'xlsx'],
      ['export xlsx (2nd)', 'xlsx'],
    ] as const)
      await measure(phase, () =>
        fetch(`${origin}/api/v1/customers/export?format=${format}`, { headers: auth }),
      );
    await measure(`import ${importRows} rows (CSV)`, () =>
      fetch(`${origin}/api/v1/customers/imports`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'text/csv; charset=utf-8' },
        body: csv,
      }),
    );
    return phases;
  },
);

const out = {
  when: new Date().toISOString(),
  engine,
  customers,
  node: process.version,
  cpus: os.cpus().length,
  loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  config: { poolSize: loadConfig({}).dbPoolSize },
  phases: result,
};
const file = path.join(import.meta.dirname, 'results', `event-loop-${values.label}.json`);
fs.writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(out, null, 2)}\nwritten to ${file}\n`);
