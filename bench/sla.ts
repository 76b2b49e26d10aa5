/**
 * The SLA suite (`--suite sla`): timer lag — N steps due within the same minute, acted on by two
 * schedulers in this process (due → acted, p50/p99; aim ≤ 1 s) — and the time to recompute M open
 * clocks after a policy change (aim < 60 s for 1 000 000 on PostgreSQL): a change every clock
 * follows, a new product row that takes 1 % of them, and as the baseline of the same run the
 * request-by-request pass over every open request. Clocks are generated with set-based SQL (their
 * requests exist for the SLA only: the request-side step actions — timeline entry, priority — find
 * no request row and are not part of the lag measured here). The load average is kept beside
 * every figure (the machine may be shared).
 */
import { sql } from 'kysely';
import { loadConfig } from '../src/config.ts';
import type { DB } from '../src/db.ts';
import { requestSlaPort } from '../src/modules/service-requests/index.ts';
import { recomputeEveryOpenRequest, recomputeForPolicies, SlaScheduler } from '../src/modules/sla/index.ts';
import { systemClock } from '../src/platform/clock.ts';
import { type Database } from '../src/platform/db/database.ts';
import { createLogger } from '../src/platform/logger.ts';
import os from 'node:os';
import { startPlatform } from '../src/server.ts';
import { openBenchDatabase } from './pg-database.ts';
import { round, stats } from './stats.ts';

export interface SlaBenchOptions {
  engine: 'pglite' | 'postgres';
  /** Steps due within the same minute (default 100 000). */
  timers: number;
  /** Open clocks recomputed after a policy change (default 1 000 000). */
  clocks: number;
  pgUrl: string;
  log: (msg: string) => void;
}

/** The 1-, 5- and 15-minute load averages now. */
const load = () => os.loadavg().map((x) => round(x, 1));

/** The product every 100th generated request is for (the narrow change's row names it). */
const NARROW_PRODUCT = 'bench.narrow';

/**
 * `n` open faults of public customers with their one clock (restoration: the regulations' 48 h on
 * 7×24, all the policy gives them), generated in one statement per 100 000; every 100th is for
 * the product `bench.narrow`.
 */
async function generate(
  db: Database<DB>['db'],
  n: number,
  target: 'restoration',
  step: (i: string) => ReturnType<typeof sql>,
) {
  const start = new Date();
  for (let from = 1; from <= n; from += 100_000) {
    const to = Math.min(n, from + 99_999);
    await sql`
      with g as materialized (
        select (substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-7' || substr(u, 16, 3) || '-' || substr(u, 20, 17))::uuid
          as request_id, i
        from generate_series(${from}::int, ${to}::int) i,
          lateral (select lpad(to_hex(${Date.parse('2026-01-01T00:00:00Z')}::bigint + i), 12, '0') as h,
            gen_random_uuid()::text as u) x
      ),
      r as (
        insert into sla_requests (request_id, kind, tier, product_code, priority, open, created_at, updated_at)
        select request_id, 'fault', 'public', case when i % 100 = 0 then ${NARROW_PRODUCT} end, 'normal', true,
          ${start}, ${start} from g
      )
      insert into sla_clocks (request_id, target, policy_code, calendar, calendar_used, duration, start_at,
        deadline, unpaused_deadline, state, provisional, steps, next_step, next_step_at, updated_at)
      select request_id, ${target}, 'reg.fault-repair', '24x7', '24x7', '48h',
        ${start}, ${step('i')}, ${step('i')}, 'running', false,
        jsonb_build_array(jsonb_build_object('percent', 50, 'at', null), jsonb_build_object('percent', 80, 'at', null),
          jsonb_build_object('percent', 100, 'at', to_char(${step('i')} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))),
        2, ${step('i')}, ${start}
      from g`.execute(db);
  }
}

const summary = (r: Awaited<ReturnType<typeof recomputeForPolicies>>) => ({
  requests: r.requests,
  recomputed: r.recomputed,
  setBased: r.setBased,
  chunks: r.chunks,
});

export async function runSlaBench(opts: SlaBenchOptions) {
  const { database, dispose } = await openBenchDatabase(opts, 'sla');
  const log = (m: string) => opts.log(`[${opts.engine} sla] ${m}`);
  try {
    const config = loadConfig({ LOG_LEVEL: 'silent', ONEPOINT_DEMO_PASSWORD: 'bench-pass-1' });
    const platform = await startPlatform(config, createLogger('silent'), {
      command: 'bench',
      jobs: false,
      database,
    });
    const db = platform.context.db;
    try {
      // 1. Timer lag: `timers` breaches due over one minute from 15 s from now.
      log(`generating ${opts.timers} timers due within one minute`);
      const t0 = Date.now() + 15_000;
      const n = opts.timers;
      await generate(
        db,
        n,
        'restoration',
        (i) =>
          sql`(${new Date(t0)}::timestamptz + ((${sql.raw(i)} - 1) * 60000.0 / ${n}) * interval '1 millisecond')`,
      );
      await sql`analyze sla_clocks`.execute(db);
      const logger = createLogger('silent');
      const schedulers = [0, 1].map(
        () =>
          new SlaScheduler({
            db,
            clock: systemClock,
            logger,
            port: requestSlaPort,
            maxIdleMs: 1000,
          }),
      );
      const lagLoad = { before: load(), after: [] as number[] };
      for (const s of schedulers) s.start();
      const deadline = t0 + 60_000 + 10 * 60_000;
      let acted = 0;
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 1000));
        const c = await sql<{ n: string }>`select count(*) as n from sla_clock_steps`.execute(db);
        acted = Number(c.rows[0]!.n);
        if (acted >= n) break;
      }
      await Promise.all(schedulers.map((s) => s.stop()));
      lagLoad.after = load();
      const lags = (
        await sql<{ ms: number }>`
          select extract(epoch from (acted_at - due_at)) * 1000 as ms from sla_clock_steps`.execute(db)
      ).rows.map((r) => Number(r.ms));
      // No baseline for a lag: the ratios stats() adds would read as facts.
      const { ratioP50: _r50, ratioP95: _r95, ...lag } = stats(lags);
      log(
        `timer lag over ${acted}/${n}: p50 ${lag.p50} ms, p99 ${lag.p99} ms, max ${lag.max} ms (load ${lagLoad.before.join(' ')} → ${lagLoad.after.join(' ')})`,
      );
      await sql`delete from sla_clock_steps`.execute(db);
      await sql`delete from sla_clocks`.execute(db);
      await sql`delete from sla_requests`.execute(db);

      // 2. Recompute: `clocks` open restoration clocks (1 % of them for the narrow product).
      log(`generating ${opts.clocks} open clocks`);
      const far = Date.now() + 3 * 3600_000;
      await generate(db, opts.clocks, 'restoration', () => sql`${new Date(far)}::timestamptz`);
      await sql`analyze sla_clocks`.execute(db);
      await sql`analyze sla_requests`.execute(db);
      const measure = async <T>(label: string, run: () => Promise<T>) => {
        const before = load();
        const r0 = performance.now();
        const result = await run();
        const seconds = round((performance.now() - r0) / 1000, 2);
        const after = load();
        log(
          `${label}: ${JSON.stringify(result)} in ${seconds} s (load ${before.join(' ')} → ${after.join(' ')})`,
        );
        return { seconds, load: { before, after }, result };
      };
      const restoration = (duration: string) =>
        sql`update sla_policies set targets = jsonb_set(targets, '{restoration,duration}', ${JSON.stringify(duration)}::jsonb)
          where code = 'reg.fault-repair'`.execute(db);
      // a. Every clock follows: the regulations' 48 h → 36 h.
      await restoration('36h');
      const broad = await measure('targeted, every clock affected', () =>
        recomputeForPolicies(
          db,
          { reason: 'bench: restoration 48h → 36h', policyCodes: ['reg.fault-repair'] },
          new Date(),
          { log: (m) => log(`  ${m}`) },
        ),
      );
      // b. A new product row, more specific: it takes that product's 1 %.
      await sql`
        insert into sla_policies (code, name, source, position, product_code, kind, targets, created_at, updated_at)
        values ('bench.narrow.fault', 'bench', 'bench', 5, ${NARROW_PRODUCT}, 'fault',
          '{"restoration": {"duration": "8h", "calendar": "24x7"}}'::jsonb, now(), now())`.execute(db);
      const narrow = await measure('targeted, a product row taking 1 %', () =>
        recomputeForPolicies(
          db,
          { reason: 'bench: product row added', policyCodes: ['bench.narrow.fault'] },
          new Date(),
        ),
      );
      // c. Baseline: request by request over every open request (the calendar code for each clock).
      await restoration('30h');
      const baseline = await measure('baseline, every open request one by one', () =>
        recomputeEveryOpenRequest(db, 'bench: restoration 36h → 30h', new Date()),
      );
      const ratio = (x: number) => round(x / baseline.seconds, 3);
      return {
        engine: opts.engine,
        timers: n,
        acted,
        lagMs: lag,
        lagLoad,
        clocks: opts.clocks,
        recompute: {
          every: {
            ...summary(broad.result),
            seconds: broad.seconds,
            load: broad.load,
            ratio: ratio(broad.seconds),
          },
          narrow: {
            ...summary(narrow.result),
            seconds: narrow.seconds,
            load: narrow.load,
            ratio: ratio(narrow.seconds),
          },
          baseline: { ...baseline.result, seconds: baseline.seconds, load: baseline.load },
        },
        recomputed: broad.result.recomputed,
        recomputeSeconds: broad.seconds,
      };
    } finally {
      await platform.close();
    }
  } finally {
    await dispose();
  }
}
