/**
 * Customers benchmark: bulk load N generated customers, import a CSV file, then time the agent's
 * "find customer" lookups (phone, ID number, account number, circuit, name) and the alarm-impact
 * query against a primary-key lookup measured in the same run (the baseline the ratios use).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import type { DB } from '../src/db.ts';
import {
  insertPrepared,
  nextCustomerNumbers,
  prepareCustomer,
} from '../src/modules/customers/customers.bulk.ts';
import { planDemoCustomers, resolveAreas } from '../src/modules/customers/customers.demo.ts';
import { customersToCsv, importCustomers } from '../src/modules/customers/customers.import.ts';
import {
  affectedInstances,
  listCustomers,
  searchCustomers,
  vaultFor,
  type Caller,
} from '../src/modules/customers/index.ts';
import { indexRangeProblem } from '../src/modules/customers/domain/generator.ts';
import { systemActor } from '../src/modules/audit/index.ts';
import { systemClock } from '../src/platform/clock.ts';
import { scopeFromPath } from '../src/platform/http/caller.ts';
import { openDatabase, type Database } from '../src/platform/db/database.ts';
import { createLogger } from '../src/platform/logger.ts';
import { startPlatform } from '../src/server.ts';
import { ensureDemoData } from '../src/seed/demo.ts';
import { dropDatabase, dropOnSignal } from './pg-database.ts';
import { stats } from './stats.ts';

export interface CustomersBenchOptions {
  engine: 'pglite' | 'postgres';
  customers: number;
  importRows: number;
  lookups: number;
  pgUrl: string;
  /**
   * PostgreSQL only: use this database and keep it afterwards. When it already holds the
   * customers (a previous run with the same name), loading and the import are skipped, so lookups
   * can be re-measured at 1 M without reloading.
   */
  keepDatabase?: string | undefined;
  log: (msg: string) => void;
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

async function timeEach<T>(
  items: T[],
  fn: (x: T) => Promise<unknown>,
  check?: (x: T, r: unknown) => void,
): Promise<number[]> {
  const out: number[] = [];
  for (const x of items) {
    const t = performance.now();
    const r = await fn(x);
    out.push(performance.now() - t);
    check?.(x, r);
  }
  return out;
}

async function openFresh(
  opts: CustomersBenchOptions,
): Promise<{ database: Database<DB>; dispose: () => Promise<void>; reused: boolean }> {
  if (opts.engine === 'pglite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-bench-'));
    const database = await openDatabase<DB>({ dataDir: dir, command: 'bench' });
    return {
      database,
      reused: false,
      dispose: async () => {
        await database.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const keep = opts.keepDatabase;
  if (keep !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(keep))
    throw new Error('--keep-db: a lower-case database name');
  const name = keep ?? `onepoint_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: opts.pgUrl });
  await admin.connect();
  const exists = (await admin.query('select 1 from pg_database where datname = $1', [name])).rowCount! > 0;
  if (!exists) await admin.query(`create database ${name}`);
  await admin.end();
  const undoSignal = keep ? () => {} : dropOnSignal(opts.pgUrl, name, opts.log);
  const u = new URL(opts.pgUrl);
  u.pathname = `/${name}`;
  const database = await openDatabase<DB>({
    databaseUrl: u.toString(),
    dataDir: '',
    command: 'bench',
    poolSize: 4,
  });
  return {
    database,
    reused: exists,
    dispose: async () => {
      await database.close();
      if (keep) return;
      await dropDatabase(opts.pgUrl, name);
      undoSignal();
    },
  };
}

function sample<T>(xs: T[], n: number, seed = 7): T[] {
  let a = seed;
  const out: T[] = [];
  for (let i = 0; i < n && xs.length; i++) {
    a = (a * 1103515245 + 12345) % 2147483648;
    out.push(xs[a % xs.length]!);
  }
  return out;
}

/** Generator indices: the bulk load from 1 M (the demo seed has the first few hundred), then the import. */
const BULK_START = 1_000_000;

export async function runCustomersBench(opts: CustomersBenchOptions) {
  // Said before anything is created or inserted: the generator's number spaces have a size.
  const problem = indexRangeProblem(BULK_START, opts.customers + opts.importRows);
  if (problem) throw new Error(`--customers ${opts.customers} --import-rows ${opts.importRows}: ${problem}`);
  const { database, dispose, reused } = await openFresh(opts);
  const log = (m: string) => opts.log(`[${opts.engine}] ${m}`);
  try {
    const config = loadConfig({ LOG_LEVEL: 'silent' });
    const platform = await startPlatform(config, createLogger('silent'), {
      command: 'bench',
      jobs: false,
      database,
    });
    const { db } = platform.context;
    await ensureDemoData(platform.context);
    const vault = vaultFor(config);
    const areas = await resolveAreas(db);

    const countCustomers = async () =>
      Number(
        (
          await db
            .selectFrom('customers')
            .select((eb) => eb.fn.countAll<string>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    // A kept database that already holds the customers is measured as it is.
    const skipLoad = reused && (await countCustomers()) >= opts.customers;
    if (skipLoad) log('kept database already loaded: measuring lookups only');

    // 1. Bulk load (the generator's path: multi-row inserts, 5 000 customers per transaction).
    const batch = 5000;
    const t0 = performance.now();
    for (let i = 0; !skipLoad && i < opts.customers; i += batch) {
      const n = Math.min(batch, opts.customers - i);
      const tiers = Math.floor(n / 500); // ~1 % enterprises, every tier
      const inputs = planDemoCustomers(areas, {
        consumers: n - tiers * 5,
        enterprisesPerTier: tiers,
        seed: 1000 + i,
        startIndex: BULK_START + i,
      });
      await db.transaction().execute(async (trx) => {
        const numbers = await nextCustomerNumbers(trx, inputs.length);
        await insertPrepared(
          trx,
          inputs.map((c, k) => prepareCustomer(vault, c, numbers[k]!)),
        );
      });
      if ((i / batch) % 20 === 0 || i + batch >= opts.customers)
        log(`loaded ${Math.min(i + batch, opts.customers).toLocaleString('en')} customers`);
    }
    const loadSeconds = (performance.now() - t0) / 1000;
    await sql`analyze`.execute(db);
    const { n: total } = await db
      .selectFrom('customers')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const { n: instances } = await db
      .selectFrom('product_instances')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();

    // 2. Import of a CSV file through the validating, all-or-nothing path.
    const units = new Map(
      (await db.selectFrom('org_units').select(['id', 'code']).execute()).map((u) => [u.id, u.code]),
    );
    const toImport = planDemoCustomers(areas, {
      consumers: opts.importRows,
      enterprisesPerTier: 0,
      seed: 99,
      startIndex: BULK_START + opts.customers,
    });
    const csv = customersToCsv(
      toImport.map((c, i) => ({ ...c, customerNo: `B${i}` })),
      (id) => units.get(id)!,
    );
    const fileRows = csv.trimEnd().split('\n').length - 1;
    const report = skipLoad
      ? undefined
      : await importCustomers(Buffer.from(csv), { db, vault, actor: systemActor('bench') });
    if (report && !report.ok)
      throw new Error(`bench import failed: ${JSON.stringify(report.errors.slice(0, 3))}`);
    if (report) log(`imported ${report.customers} customers (${fileRows} rows) in ${report.ms} ms`);
    await sql`analyze`.execute(db);

    // 3. Lookups, as a Jiangsu agent (the scope filter applies) through the service functions.
    const agent = await db
      .selectFrom('users as u')
      .innerJoin('org_units as o', 'o.id', 'u.org_unit_id')
      .select(['u.id', 'u.org_unit_id'])
      .where('u.login', '=', 'agent')
      .executeTakeFirstOrThrow();
    const js = await db
      .selectFrom('org_units')
      .select('path')
      .where('code', '=', 'CT.JS')
      .executeTakeFirstOrThrow();
    const caller: Caller = {
      principal: {
        userId: agent.id,
        login: 'agent',
        displayName: 'bench',
        orgUnitId: agent.org_unit_id,
        roles: ['agent'],
        permissions: new Set(['customer.read']),
        scopePath: js.path,
        via: 'session',
        credentialId: 'bench',
      },
      actor: { actorId: agent.id, actorLogin: 'agent', actorKind: 'user', ip: null, requestId: null },
      scope: scopeFromPath(js.path),
      now: new Date(),
    };
    const deps = { db, vault, clock: systemClock };
    const picked = await db
      .selectFrom('customers as c')
      .innerJoin('org_units as o', 'o.id', 'c.org_unit_id')
      .select(['c.id', 'c.phone', 'c.name', 'c.id_number_enc'])
      .where('c.kind', '=', 'individual')
      .where('o.path', 'like', `${js.path}%`)
      .orderBy(sql`random()`)
      .limit(opts.lookups)
      .execute();
    const people = picked;
    const accounts = sample(
      await db
        .selectFrom('product_instances')
        .select(['account_no', 'customer_id'])
        .where('product_code', 'like', 'broadband.%')
        .limit(5000)
        .execute(),
      opts.lookups,
    );
    const circuits = sample(
      await db
        .selectFrom('product_instances')
        .select(['circuit_id', 'customer_id'])
        .where('circuit_id', 'is not', null)
        .limit(5000)
        .execute(),
      opts.lookups,
    );
    const ports = sample(
      await db
        .selectFrom('product_instances')
        .select(['device_id', 'device_port'])
        .where('device_type', '=', 'olt')
        .limit(5000)
        .execute(),
      opts.lookups,
    );
    const expectHit = (id: string) => (_x: unknown, r: unknown) => {
      if (!(r as Array<{ id: string }>).some((c) => c.id === id))
        throw new Error('lookup missed an existing customer');
    };
    // Warm up caches and plans.
    for (const p of people.slice(0, 20)) await searchCustomers(deps, caller, p.phone!, 20);

    const pk = await timeEach(people, (p) =>
      db.selectFrom('customers').selectAll().where('id', '=', p.id).executeTakeFirst(),
    );
    const baseline = stats(pk);
    const run = async (name: string, samples: Promise<number[]>) => {
      const s = stats(await samples, baseline);
      log(`${name}: p50 ${s.p50} ms, p95 ${s.p95} ms (×${s.ratioP95} of the primary-key lookup)`);
      return s;
    };
    const lookups = {
      primaryKey: baseline,
      phone: await run(
        'phone',
        timeEach(people, async (p) => {
          const r = await searchCustomers(deps, caller, p.phone!, 20);
          expectHit(p.id)(p, r);
        }),
      ),
      idNumber: await run(
        'ID number',
        timeEach(people, async (p) => {
          const idNumber = vault.decrypt(p.id_number_enc!, `customers.id_number:${p.id}`);
          const r = await searchCustomers(deps, caller, idNumber, 20);
          expectHit(p.id)(p, r);
        }),
      ),
      accountNo: await run(
        'account number',
        timeEach(accounts, (a) => searchCustomers(deps, caller, a.account_no, 20)),
      ),
      circuitId: await run(
        'circuit id',
        timeEach(circuits, (c) => searchCustomers(deps, caller, c.circuit_id!, 20)),
      ),
      name: await run(
        'name',
        timeEach(people, (p) => searchCustomers(deps, caller, p.name, 20)),
      ),
      name2chars: await run(
        '2-character name',
        timeEach(people, (p) => searchCustomers(deps, caller, p.name.slice(0, 2), 20)),
      ),
      listPage: await run(
        'list page of 50',
        timeEach(people, (p) => listCustomers(deps, caller, { limit: 50, after: p.id })),
      ),
      oltPort: await run(
        'instances on an OLT port',
        timeEach(ports, (p) =>
          affectedInstances(deps, caller, { deviceId: p.device_id!, devicePort: p.device_port! }, 500),
        ),
      ),
    };
    await platform.close();
    return {
      engine: opts.engine,
      customers: Number(total),
      instances: Number(instances),
      bulkLoad: skipLoad
        ? null
        : {
            customers: opts.customers,
            seconds: round(loadSeconds, 1),
            customersPerSecond: Math.round(opts.customers / loadSeconds),
          },
      import: report
        ? {
            fileRows,
            customers: report.customers,
            instances: report.instances,
            ms: report.ms,
            rowsPerSecond: Math.round((fileRows / report.ms) * 1000),
            customersPerSecond: Math.round((report.customers / report.ms) * 1000),
          }
        : null,
      lookups,
      note: 'times in ms per call, one client, warm; service functions (scope filter and access log included)',
    };
  } finally {
    await dispose();
  }
}
