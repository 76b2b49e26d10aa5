/**
 * Concurrent writes: customer PATCHes through the real HTTP server on PostgreSQL at 10 and 50
 * connections, against a ceiling measured in the same run — the same requests through the same
 * server to a bench-only route that makes the same change without the audit entry and the outbox
 * event. The ratio audited ÷ ceiling is what the audit design costs a write.
 */
import os from 'node:os';
import { sql, type Kysely } from 'kysely';
import { z } from 'zod';
import type { ModuleContext } from '../src/context.ts';
import type { DB } from '../src/db.ts';
import {
  insertPrepared,
  nextCustomerNumbers,
  prepareCustomer,
} from '../src/modules/customers/customers.bulk.ts';
import { planDemoCustomers, resolveAreas } from '../src/modules/customers/customers.demo.ts';
import { logAccess } from '../src/modules/customers/access-log.service.ts';
import { loadInScope } from '../src/modules/customers/customer-checks.ts';
import { customerViews } from '../src/modules/customers/customer-read.ts';
import { customerDeps } from '../src/modules/customers/caller.ts';
import { callerOf } from '../src/platform/http/caller.ts';
import { customerPatch } from '../src/modules/customers/customers.schemas.ts';
import { checkPatch, columnsFor, updateCustomerRow } from '../src/modules/customers/customer.service.ts';
import { vaultFor } from '../src/modules/customers/index.ts';
import { AppError } from '../src/platform/errors.ts';
import type { App } from '../src/platform/http/app.ts';
import { benchDatabase, withBenchServer } from './bench-server.ts';
import { load, type LoadResult } from './http-load.ts';
import { round } from './stats.ts';

export interface WritesBenchOptions {
  /** Customers loaded before the run (the PATCHes spread over those in the caller's scope). */
  customers: number;
  connections: number[];
  /** Measured seconds per point, after `warmupSeconds` not measured. */
  seconds: number;
  warmupSeconds: number;
  /** Seconds each kind runs, unmeasured, once before the first point (a cold server). */
  runInSeconds: number;
  pgUrl: string;
  log: (msg: string) => void;
}

const CEILING_PREFIX = '/api/v1/bench-ceiling/customers/';
const AUDITED_PREFIX = '/api/v1/customers/';
const loadAverage = () => os.loadavg().map((x) => round(x, 1));

/**
 * The ceiling: what `PATCH /customers/{id}` does for a `notes` change, minus the audit entry and
 * the outbox event — the same authentication and permission check (route config), the same body
 * validation (the API's own schema), the same scoped read and version check, the same UPDATE in
 * a transaction, and the same answer (the customer view, with its access-log row).
 */
function ceilingRoute(app: App, ctx: Parameters<typeof customerDeps>[0]) {
  const deps = customerDeps(ctx);
  app.patch(
    `${CEILING_PREFIX}:id`,
    {
      schema: { hide: true, params: z.object({ id: z.uuid() }), body: customerPatch },
      config: { access: { permission: 'customer.manage' } },
    },
    async (request) => {
      const caller = callerOf(request, ctx.clock);
      const { id } = request.params;
      const body = request.body;
      if (Object.keys(body).some((k) => k !== 'notes' && k !== 'version'))
        throw new AppError('VALIDATION_FAILED', 'the ceiling route changes notes only');
      // updateCustomer's steps, in its order, without appendAudit and recordCustomerEvent.
      const row = await loadInScope(deps.db, caller, id);
      await checkPatch(deps, caller, row, body);
      const set = await columnsFor(deps, row, body);
      let view: Awaited<ReturnType<typeof customerViews>>[number] | undefined;
      await ctx.db.transaction().execute(async (trx) => {
        const updated = await updateCustomerRow(trx, row, set, caller.now);
        [view] = await customerViews(trx, [updated]);
        await logAccess(trx, caller.actor, [id], 'view');
      });
      return view!;
    },
  );
}

/**
 * Before each measured kind: the tables the PATCHes write vacuumed and a checkpoint taken, so that
 * both kinds start from the same state — the same dead rows to skip (the PostgreSQL this runs on
 * may have autovacuum off, as the project's CI machine has) and a fresh checkpoint, so that no
 * timed checkpoint and its burst of full-page writes falls in one kind's window but not the other's.
 */
async function settle(db: Kysely<DB>) {
  await sql`vacuum (analyze) customers, customer_access_log, audit_log, audit_pending, audit_seal, outbox_events`.execute(
    db,
  );
  await sql`checkpoint`.execute(db);
}

function summarise(r: LoadResult) {
  const s = [...r.latencies].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? round(s[Math.min(s.length - 1, Math.floor(p * s.length))]!, 2) : null);
  return {
    requestsPerSecond: Math.round(r.ok / r.seconds),
    ok: r.ok,
    conflicts409: r.conflicts,
    errors: r.errors,
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
    max: q(1),
  };
}

export async function runWritesBench(opts: WritesBenchOptions) {
  const log = (m: string) => opts.log(`[postgres writes] ${m}`);
  const db = await benchDatabase({ engine: 'postgres', pgUrl: opts.pgUrl, log: opts.log });
  // Customers to change, loaded through the generator's bulk path, before the server starts.
  const prepare = async (ctx: ModuleContext) => {
    const areas = await resolveAreas(ctx.db);
    const vault = vaultFor(ctx.config);
    for (let i = 0; i < opts.customers; i += 5000) {
      const n = Math.min(5000, opts.customers - i);
      const inputs = planDemoCustomers(areas, {
        consumers: n - Math.floor(n / 500) * 5,
        enterprisesPerTier: Math.floor(n / 500),
        seed: 3000 + i,
        startIndex: 1_000_000 + i,
      });
      await ctx.db.transaction().execute(async (trx) => {
        const numbers = await nextCustomerNumbers(trx, inputs.length);
        await insertPrepared(
          trx,
          inputs.map((c, k) => prepareCustomer(vault, c, numbers[k]!)),
        );
      });
    }
    await sql`analyze`.execute(ctx.db);
  };
  return withBenchServer(db, { prepare, routes: ceilingRoute }, async ({ ctx, origin, token }) => {
    const config = ctx.config;
    const agent = await ctx.db
      .selectFrom('users as u')
      .innerJoin('org_units as o', 'o.id', 'u.org_unit_id')
      .select('o.path')
      .where('u.login', '=', 'agent')
      .executeTakeFirstOrThrow();
    const js = await ctx.db
      .selectFrom('org_units')
      .select('path')
      .where('code', '=', 'CT.JS')
      .executeTakeFirstOrThrow();
    let targets: Array<[string, number]> = (
      await ctx.db
        .selectFrom('customers as c')
        .innerJoin('org_units as o', 'o.id', 'c.org_unit_id')
        .select(['c.id', 'c.version'])
        .where('o.path', 'like', `${js.path}%`)
        .execute()
    ).map((r) => [r.id, r.version]);
    log(
      `${targets.length} customers in the agent's scope (${agent.path}); ` +
        `${opts.seconds} s per point after ${opts.warmupSeconds} s of warm-up`,
    );

    // What each kind wrote besides the customer: proof that the ceiling skips exactly audit and outbox.
    const count = async (table: 'audit_log' | 'outbox_events' | 'audit_pending') =>
      Number(
        (await sql<{ n: string }>`select count(*)::text as n from ${sql.table(table)}`.execute(ctx.db))
          .rows[0]!.n,
      );
    const points = [];
    let seed = 1;
    // In one run the first window was slow whichever kind ran in it (audited 101 req/s first,
    // 157 in a later window; the ceiling 146, then 162), charging the kind that went first. Both
    // kinds run in first, unmeasured, so that neither meets a cold server and database.
    if (opts.runInSeconds > 0)
      for (const pathPrefix of [AUDITED_PREFIX, CEILING_PREFIX]) {
        const r = await load({
          kind: 'patch',
          origin,
          path: pathPrefix,
          token,
          targets,
          connections: Math.max(...opts.connections),
          warmupSeconds: 0,
          seconds: opts.runInSeconds,
          seed: seed++,
        });
        targets = r.targets;
        if (r.errors) throw new Error(`run-in: ${r.errors} errors, first: ${r.firstError}`);
      }
    for (const connections of opts.connections) {
      const point: Record<string, unknown> = { connections };
      // Alternating which goes first, so neither always runs on the warmer (or more bloated) table.
      const order =
        points.length % 2 === 0 ? (['audited', 'ceiling'] as const) : (['ceiling', 'audited'] as const);
      for (const kind of order) {
        await settle(ctx.db);
        const before = loadAverage();
        const [audit0, outbox0] = [await count('audit_log'), await count('outbox_events')];
        const r = await load({
          kind: 'patch',
          origin,
          path: kind === 'audited' ? AUDITED_PREFIX : CEILING_PREFIX,
          token,
          targets,
          connections,
          warmupSeconds: opts.warmupSeconds,
          seconds: opts.seconds,
          seed: seed++,
        });
        targets = r.targets;
        if (r.errors)
          throw new Error(
            `${kind} at ${connections} connections: ${r.errors} errors, first: ${r.firstError}`,
          );
        const s = {
          ...summarise(r),
          loadAverageBefore: before,
          loadAverageAfter: loadAverage(),
          // Entries not yet sealed when the load stopped: whether the sealer kept pace.
          auditUnsealedAtEnd: await count('audit_pending'),
          // Warm-up requests included: every successful audited PATCH adds one of each.
          auditRowsAdded: (await count('audit_log')) - audit0,
          outboxEventsAdded: (await count('outbox_events')) - outbox0,
        };
        if (kind === 'ceiling' && s.auditRowsAdded + s.outboxEventsAdded > 0)
          throw new Error('the ceiling route wrote audit or outbox rows: it no longer measures the ceiling');
        log(
          `${kind} at ${connections} connections: ${s.requestsPerSecond} requests/s, p50 ${s.p50} ms, ` +
            `p95 ${s.p95} ms, p99 ${s.p99} ms, ${s.conflicts409} × 409, ${s.auditUnsealedAtEnd} unsealed ` +
            `(load ${s.loadAverageBefore[0]} → ${s.loadAverageAfter[0]})`,
        );
        point[kind] = s;
      }
      const a = point.audited as ReturnType<typeof summarise>;
      const c = point.ceiling as ReturnType<typeof summarise>;
      point.ratio = round(a.requestsPerSecond / c.requestsPerSecond, 2);
      log(`audited ÷ ceiling at ${connections} connections: ${point.ratio}`);
      points.push(point);
    }
    const setting = async (name: string) =>
      (await sql<{ setting: string }>`select current_setting(${name}) as setting`.execute(ctx.db)).rows[0]!
        .setting;
    return {
      engine: 'postgres' as const,
      server: {
        version: await setting('server_version'),
        autovacuum: await setting('autovacuum'),
        sharedBuffers: await setting('shared_buffers'),
        synchronousCommit: await setting('synchronous_commit'),
      },
      auditSealIntervalMs: config.auditSealIntervalMs,
      customers: opts.customers,
      customersInScope: targets.length,
      poolSize: config.dbPoolSize,
      secondsPerPoint: opts.seconds,
      warmupSeconds: opts.warmupSeconds,
      runInSeconds: opts.runInSeconds,
      points,
      note:
        'PATCH /api/v1/customers/{id} {version, notes} over keep-alive HTTP from a worker thread, closed loop; ' +
        'ceiling: the same request and change without audit entry and outbox event (bench-only route); ' +
        'latencies in ms of the successful requests; 409s counted apart; load average [1, 5, 15 min]; ' +
        'before each kind: the written tables vacuumed and a checkpoint taken',
    };
  });
}
