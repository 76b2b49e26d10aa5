/**
 * Service requests on PostgreSQL (issue 10): a fresh database per run, the demo organisation, and
 *  - intake: creates through the real HTTP server at 10 and 50 connections against raw inserts of
 *    the same rows with their audit row (one transaction each) at the same concurrency, same run;
 *  - queue: the agent's queue pages (newest 50, and the page after) and the capped queue counts
 *    over `total` generated requests of which `open` are open;
 *  - search: newest-50 pages for two-character and longer terms (exactness checked on every page
 *    read), then again with 8 concurrent searchers while intake runs.
 * Latencies of the service functions in ms (one client unless said), against a primary-key
 * lookup measured in the same run (the ratios). Load average recorded before and after each part.
 */
import os from 'node:os';
import { sql, type Kysely } from 'kysely';
import type { ModuleContext } from '../src/context.ts';
import type { DB } from '../src/db.ts';
import { appendAudit } from '../src/modules/audit/index.ts';
import { principalFor } from '../src/modules/identity/index.ts';
import { vaultFor } from '../src/modules/customers/index.ts';
import {
  findRequests,
  queueCounts,
  QUEUES,
  type FindQuery,
} from '../src/modules/service-requests/find-requests.ts';
import { requestSearchVector } from '../src/modules/service-requests/request-search.ts';
import { callerFor, type Caller } from '../src/platform/http/caller.ts';
import { benchDatabase, withBenchServer } from './bench-server.ts';
import { generateTexts } from './request-texts.ts';
import { load } from './http-load.ts';
import { round, stats } from './stats.ts';

export type RequestsSuite = 'intake' | 'queue' | 'search';

export interface RequestsBenchOptions {
  suite: RequestsSuite;
  /** PostgreSQL for the measurements; PGlite only to see that a suite runs (a smoke run). */
  engine: 'postgres' | 'pglite';
  /** Requests generated before the queue and search measurements, and how many are open. */
  total: number;
  open: number;
  /** Samples per measured query kind. */
  samples: number;
  connections: number[];
  seconds: number;
  warmupSeconds: number;
  pgUrl: string;
  log: (msg: string) => void;
  /** queue/search on PostgreSQL: use and keep this database; a later run reuses its requests. */
  keepDatabase?: string | undefined;
}

interface Env {
  ctx: ModuleContext;
  origin: string;
  token: string;
  caller: Caller;
  agentUnit: { id: string; path: string };
}

const loadAverage = () => os.loadavg().map((x) => round(x, 1));
const ms = (t0: number) => performance.now() - t0;

// --- set-up -------------------------------------------------------------------------------------

/** The shared bench server (bench-server.ts) with the agent as a caller of the service functions. */
async function withRequestsServer<T>(opts: RequestsBenchOptions, body: (env: Env) => Promise<T>): Promise<T> {
  // The intake suite always starts from an empty database; queue and search may keep theirs.
  const keep = opts.suite === 'intake' ? undefined : opts.keepDatabase;
  const db = await benchDatabase({ engine: opts.engine, pgUrl: opts.pgUrl, log: opts.log, keep });
  return withBenchServer(db, {}, async ({ ctx, origin, token }) => {
    const agent = await ctx.db
      .selectFrom('users as u')
      .innerJoin('org_units as o', 'o.id', 'u.org_unit_id')
      .select(['u.id', 'o.id as unitId', 'o.path'])
      .where('u.login', '=', 'agent')
      .executeTakeFirstOrThrow();
    const principal = await principalFor(ctx.db, { id: agent.id }, 'session', 'bench');
    const caller = callerFor(principal, ctx.clock);
    return body({ ctx, origin, token, caller, agentUnit: { id: agent.unitId, path: agent.path } });
  });
}

/**
 * `total` requests generated on the server (generate_series) from a pool of generated texts, the
 * newest `open` of them open; units, owners, assignees and skill groups from the demo organisation
 * (the agent among them, so "my items" is not empty). Then ANALYZE.
 */
async function generateRequests(env: Env, total: number, open: number, log: (m: string) => void) {
  const db = env.ctx.db;
  // A kept database (--keep-db) remembers what was generated in it; the same sizes are reused.
  await sql`create table if not exists bench_generated (total int, open int, seconds float8, texts int)`.execute(
    db,
  );
  const done = (
    await sql<{
      total: number;
      open: number;
      seconds: number;
      texts: number;
    }>`select * from bench_generated`.execute(db)
  ).rows[0];
  if (done && done.total === total && done.open === open) {
    log(
      `reusing ${total.toLocaleString('en')} requests generated earlier in this database (${done.seconds} s then)`,
    );
    return { generateSeconds: done.seconds, texts: done.texts, reused: true };
  }
  if (done)
    throw new Error(
      `the kept database holds ${done.total} requests (${done.open} open): use another --keep-db`,
    );
  const poolSize = Math.min(total, 20_000);
  // An interrupted earlier generation in a kept database: start it again from nothing.
  await sql`drop table if exists bench_texts, bench_units, bench_users, bench_groups`.execute(db);
  await sql`delete from service_requests where number like 'BN%'`.execute(db);
  const texts = generateTexts(poolSize, 11).map((t, i) => ({
    i,
    kind: t.kind,
    title: t.title,
    description: t.description,
    sv: requestSearchVector(t.title, t.description),
  }));
  await sql`create table bench_texts (i int primary key, kind text, title text, description text, sv tsvector)`.execute(
    db,
  );
  for (let i = 0; i < texts.length; i += 2000)
    await sql`insert into bench_texts select i, kind, title, description, sv::tsvector
      from jsonb_to_recordset(${JSON.stringify(texts.slice(i, i + 2000))}::jsonb)
        as x(i int, kind text, title text, description text, sv text)`.execute(db);
  await sql`create table bench_units as
    select (row_number() over (order by o.path)) - 1 as i, o.id, o.path from org_units o
    where o.code like 'CT.JS%' or o.code like 'CT.ZJ%'`.execute(db);
  await sql`create table bench_users as
    select (row_number() over (order by u.id)) - 1 as i, u.id from users u where u.status = 'active'`.execute(
    db,
  );
  await sql`create table bench_groups as
    select (row_number() over (order by g.id)) - 1 as i, g.id from skill_groups g`.execute(db);
  const count = async (t: string) =>
    Number(
      (await sql<{ n: string }>`select count(*)::text as n from ${sql.table(t)}`.execute(db)).rows[0]!.n,
    );
  const [units, users, groups] = [
    await count('bench_units'),
    await count('bench_users'),
    await count('bench_groups'),
  ];
  // Two years of requests, the newest last; 20 open states weighted as a real queue is.
  const stepMs = (2 * 365 * 86_400_000) / total;
  const openStates = `{accepted,accepted,accepted,dispatched,dispatched,dispatched,dispatched,taken,taken,
    in_progress,in_progress,in_progress,in_progress,in_progress,in_progress,in_progress,suspended,escalated,resolved,callback}`;
  const batch = 200_000;
  const t0 = performance.now();
  for (let a = 1; a <= total; a += batch) {
    const b = Math.min(total, a + batch - 1);
    await sql`
      insert into service_requests (id, number, kind, channel, intake_unit_id, handling_unit_id,
        handling_unit_path, owner_user_id, owner_unit_id, owner_unit_path, skill_group_id, assignee_id,
        status, priority, urge_count, escalation_level, title, description, search_vector, created_at, updated_at)
      select gen_random_uuid(), 'BN' || lpad(g::text, 14, '0'), x.kind,
        (array['hotline','hotline','hotline','web','app','walk_in','monitoring'])[1 + g % 7],
        ow.id, hu.id, hu.path, us.id, ow.id, ow.path,
        case when g % 3 <> 0 and ${groups} > 0 then gr.id end,
        case when g > ${total - open} and g % 10 < 3 then null
          when g % 50 = 1 then ${env.caller.principal.userId}::uuid else asg.id end,
        case when g > ${total - open} then (${openStates}::text[])[1 + (g * 13) % 20] else 'closed' end,
        (array['urgent','high','normal','normal','normal','normal','low'])[1 + (g * 7) % 7],
        case when g % 40 = 0 then 1 + g % 3 else 0 end,
        case when g % 60 = 0 then 1 else 0 end,
        x.title, x.description, x.sv,
        date_trunc('milliseconds',
          timestamptz '2026-12-01T00:00:00Z' - ((${total} - g) * ${stepMs}::float8) * interval '1 millisecond'),
        timestamptz '2026-12-01T00:00:00Z'
      from generate_series(${a}::int, ${b}::int) g
      join bench_texts x on x.i = (g::bigint * 7919) % ${poolSize}
      join bench_units hu on hu.i = (g * 31) % ${units}
      join bench_units ow on ow.i = case when g % 7 < 3 then (g * 17) % ${units} else (g * 31) % ${units} end
      join bench_users us on us.i = (g / 3) % ${users}
      join bench_users asg on asg.i = (g * 11) % ${users}
      left join bench_groups gr on gr.i = g % greatest(${groups}, 1)`.execute(db);
    log(`generated ${b.toLocaleString('en')} requests (${Math.round(ms(t0) / 1000)} s)`);
  }
  await sql`vacuum analyze service_requests`.execute(db);
  const seconds = round(ms(t0) / 1000, 1);
  await sql`insert into bench_generated values (${total}, ${open}, ${seconds}, ${poolSize})`.execute(db);
  return { generateSeconds: seconds, texts: poolSize, reused: false };
}

// --- intake -------------------------------------------------------------------------------------

interface IntakeLoad {
  ok: number;
  errors: number;
  firstError: string | null;
  seconds: number;
  latencies: Float64Array | number[];
}

/** POSTs of the intake bodies through the benchmarks' load worker (bench/load-worker.mjs). */
function httpLoad(job: {
  origin: string;
  token: string;
  bodies: string[];
  connections: number;
  warmupSeconds: number;
  seconds: number;
  seed: number;
  path?: string;
}): Promise<IntakeLoad> {
  return load({ ...job, kind: 'create', path: job.path ?? '/api/v1/service-requests' });
}

/** TMF621: the same intake use case through `POST /troubleTicket` (an OSS opening faults). */
const TROUBLE_TICKETS = '/tmf-api/troubleTicket/v5/troubleTicket';
const troubleTicketBodies = () =>
  intakeTexts().map((t) =>
    JSON.stringify({
      '@type': 'TroubleTicket',
      name: t.title,
      description: t.description,
      severity: 'Major',
      ticketType: t.kind === 'complaint' ? 'complaint' : 'fault',
    }),
  );

function summarise(r: IntakeLoad) {
  const s = [...r.latencies].sort((a, b) => a - b);
  const q = (p: number) => (s.length ? round(s[Math.min(s.length - 1, Math.floor(p * s.length))]!, 2) : null);
  return {
    perSecond: Math.round(r.ok / r.seconds),
    ok: r.ok,
    errors: r.errors,
    p50: q(0.5),
    p95: q(0.95),
    p99: q(0.99),
  };
}

const intakeTexts = () =>
  generateTexts(2000, 23).map((t) => ({ kind: t.kind, title: t.title, description: t.description }));

/** What the HTTP create receives: a hotline request as an agent takes it. */
const intakeBodies = () =>
  intakeTexts().map((t) => JSON.stringify({ ...t, channel: 'hotline', accessNumber: '10000' }));

/**
 * The raw ceiling: the same rows inserted directly — the request row (its number from the same
 * sequence, its search vector computed) and its audit row — one transaction each, `connections`
 * loops on the server's own pool, closed loop like the HTTP clients.
 */
async function rawLoad(
  env: Env,
  connections: number,
  warmupSeconds: number,
  seconds: number,
): Promise<IntakeLoad> {
  const db = env.ctx.db as unknown as Kysely<DB>;
  const texts = intakeTexts();
  const actor = env.caller.actor;
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let firstError: string | null = null;
  let n = 0;
  const start = performance.now();
  const measureFrom = start + warmupSeconds * 1000;
  const end = measureFrom + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const t = texts[n++ % texts.length]!;
      const t0 = performance.now();
      try {
        await db.transaction().execute(async (trx) => {
          const id = crypto.randomUUID();
          const now = new Date();
          await sql`insert into service_requests (id, number, kind, channel, access_number, intake_unit_id,
              handling_unit_id, handling_unit_path, owner_user_id, owner_unit_id, owner_unit_path, status,
              priority, title, description, search_vector, created_at, updated_at)
            values (${id}, 'RAW' || lpad(nextval('service_request_number_seq')::text, 14, '0'), ${t.kind},
              'hotline', '10000', ${env.agentUnit.id}, ${env.agentUnit.id}, ${env.agentUnit.path},
              ${env.caller.principal.userId}, ${env.agentUnit.id}, ${env.agentUnit.path}, 'accepted', 'normal',
              ${t.title}, ${t.description}, ${requestSearchVector(t.title, t.description)}::tsvector, ${now}, ${now})`.execute(
            trx,
          );
          await appendAudit(trx, actor, {
            action: 'service_request.create',
            entityType: 'service_request',
            entityId: id,
            orgUnitId: env.agentUnit.id,
            details: { kind: t.kind, channel: 'hotline' },
          });
        });
        const t1 = performance.now();
        if (t1 >= measureFrom && t1 <= end) {
          ok++;
          latencies.push(t1 - t0);
        }
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  return { ok, errors, firstError, seconds, latencies };
}

async function settle(db: ModuleContext['db']) {
  await sql`vacuum (analyze) service_requests, service_request_timeline, audit_log, audit_pending, outbox_events`.execute(
    db,
  );
  await sql`checkpoint`.execute(db);
}

async function intakeSuite(env: Env, opts: RequestsBenchOptions) {
  const log = (m: string) => opts.log(`[${opts.engine} intake] ${m}`);
  const bodies = intakeBodies();
  const tickets = troubleTicketBodies();
  const points = [];
  let seed = 1;
  for (const connections of opts.connections) {
    const point: Record<string, unknown> = { connections };
    // Alternating which goes first, so neither always meets the warmer (or more bloated) table.
    const order =
      points.length % 2 === 0 ? (['http', 'raw', 'tmf621'] as const) : (['tmf621', 'raw', 'http'] as const);
    for (const kind of order) {
      await settle(env.ctx.db);
      const before = loadAverage();
      const r =
        kind === 'raw'
          ? await rawLoad(env, connections, opts.warmupSeconds, opts.seconds)
          : await httpLoad({
              origin: env.origin,
              token: env.token,
              bodies: kind === 'http' ? bodies : tickets,
              connections,
              warmupSeconds: opts.warmupSeconds,
              seconds: opts.seconds,
              seed: seed++,
              ...(kind === 'tmf621' ? { path: TROUBLE_TICKETS } : {}),
            });
      if (r.errors) throw new Error(`${kind} at ${connections}: ${r.errors} errors, first: ${r.firstError}`);
      const s = { ...summarise(r), loadAverageBefore: before, loadAverageAfter: loadAverage() };
      log(`${kind} at ${connections} connections: ${s.perSecond}/s, p50 ${s.p50} ms, p99 ${s.p99} ms`);
      point[kind] = s;
    }
    const h = point.http as ReturnType<typeof summarise>;
    const w = point.raw as ReturnType<typeof summarise>;
    point.ratio = round(h.perSecond / w.perSecond, 2);
    point.p99Ratio = h.p99 && w.p99 ? round(h.p99 / w.p99, 2) : null;
    const m = point.tmf621 as ReturnType<typeof summarise>;
    point.tmf621Ratio = round(m.perSecond / w.perSecond, 2);
    point.tmf621P99Ratio = m.p99 && w.p99 ? round(m.p99 / w.p99, 2) : null;
    log(`HTTP ÷ raw at ${connections}: ${point.ratio} (p99 × ${point.p99Ratio})`);
    log(`TMF621 ÷ raw at ${connections}: ${point.tmf621Ratio} (p99 × ${point.tmf621P99Ratio})`);
    points.push(point);
  }
  return {
    points,
    aims: 'at 50 connections: ratio ≥ 0.65, p99 ≤ 1.5 × the raw p99',
    note:
      'HTTP: POST /api/v1/service-requests (hotline, routing, timeline, audit, outbox, idempotency key) over ' +
      'keep-alive HTTP from a worker thread, closed loop; tmf621: POST /tmf-api/troubleTicket/v5/troubleTicket ' +
      '(fault or complaint, the same use case plus the ticket row and the TroubleTicket event) the same way; ' +
      'raw: the request row and its audit row in one ' +
      'transaction on the server pool; before each: vacuum (analyze) and checkpoint',
  };
}

// --- queue and search ---------------------------------------------------------------------------

async function timeN(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    out.push(ms(t0));
  }
  return out;
}

async function baselineOf(env: Env, samples: number) {
  const ids = (
    await sql<{
      id: string;
    }>`select id from service_requests order by created_at desc limit ${samples}`.execute(env.ctx.db)
  ).rows;
  return stats(
    await timeN(samples, (i) =>
      env.ctx.db
        .selectFrom('service_requests')
        .selectAll()
        .where('id', '=', ids[i % ids.length]!.id)
        .execute(),
    ),
  );
}

async function queueSuite(env: Env, opts: RequestsBenchOptions) {
  const log = (m: string) => opts.log(`[${opts.engine} queue] ${m}`);
  const deps = { db: env.ctx.db, vault: vaultFor(env.ctx.config) };
  const baseline = await baselineOf(env, opts.samples);
  const views: Array<[string, Omit<FindQuery, 'limit'>]> = [
    ...QUEUES.map((q): [string, Omit<FindQuery, 'limit'>] => [q, { queue: q }]),
    ['open, fault', { queue: 'open', kind: 'fault' }],
    ['open, urgent', { queue: 'open', priority: 'urgent' }],
    ['unassigned, complaint', { queue: 'unassigned', kind: 'complaint' }],
  ];
  const out: Record<string, unknown> = { primaryKey: baseline };
  for (const [name, q] of views) {
    const before = loadAverage();
    const first = stats(
      await timeN(opts.samples, () => findRequests(deps, env.caller, { ...q, limit: 50 })),
      baseline,
    );
    const p1 = await findRequests(deps, env.caller, { ...q, limit: 50 });
    const last = p1.rows.at(-1);
    const after = last ? { createdAt: new Date(last.created_at), id: last.id } : undefined;
    const next = stats(
      await timeN(opts.samples, () => findRequests(deps, env.caller, { ...q, after, limit: 50 })),
      baseline,
    );
    out[name] = {
      firstPage: first,
      nextPage: next,
      rowsOnFirstPage: p1.rows.length,
      loadAverageBefore: before,
    };
    log(`${name}: first page p50 ${first.p50} ms p95 ${first.p95} ms; next page p95 ${next.p95} ms`);
  }
  const counts = stats(
    await timeN(Math.max(5, Math.floor(opts.samples / 10)), () => queueCounts(env.ctx.db, env.caller)),
  );
  out.counts = { all8Queues: counts, values: await queueCounts(env.ctx.db, env.caller) };
  log(`counts of all queues: p50 ${counts.p50} ms p95 ${counts.p95} ms`);

  // Through HTTP, as the console asks: the request page of open requests in the agent's queue
  // (view, timeline, links, names), and the boards' overview (capped counts per state/priority).
  const get = async (path: string) => {
    const res = await fetch(`${env.origin}${path}`, { headers: { authorization: `Bearer ${env.token}` } });
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<unknown>;
  };
  const open = (await findRequests(deps, env.caller, { queue: 'open', limit: 100 })).rows.map((r) => r.id);
  const page = stats(
    await timeN(opts.samples, (i) => get(`/api/v1/service-requests/${open[i % open.length]}`)),
    baseline,
  );
  const overview = stats(
    await timeN(Math.max(5, Math.floor(opts.samples / 10)), () => get('/api/v1/service-requests/overview')),
  );
  out.http = { requestPage: page, overview };
  log(
    `request page (HTTP): p50 ${page.p50} ms p95 ${page.p95} ms; overview p50 ${overview.p50} ms p95 ${overview.p95} ms`,
  );
  return out;
}

const TWO_CHAR_TERMS = ['宽带', '光猫', '掉线', '卡顿', '资费', '专线', '杂音', '退费', '发票', '移机'];
const LONGER_TERMS = [
  '无法上网',
  '频繁掉线',
  '千兆宽带',
  '重启光猫',
  '光猫重启',
  'IPTV 卡顿',
  '光猫 ZXHN',
  '呼叫中心解决方案',
  '交换机端口',
];

/** Every row on a page holds the term (CJK-only terms: in the title or description as stored). */
function checkExact(term: string, rows: Array<{ title: string; description: string }>) {
  if (!/^[\u3400-\u9fff]+$/u.test(term)) return;
  for (const r of rows)
    if (!`${r.title}\u0000${r.description}`.includes(term))
      throw new Error(`search for ${term} returned a row without it`);
}

async function searchTimes(env: Env, terms: string[], samples: number) {
  const deps = { db: env.ctx.db, vault: vaultFor(env.ctx.config) };
  const hits: Record<string, number> = {};
  const perTerm: Record<string, number[]> = {};
  const times = await timeN(samples, async (i) => {
    const term = terms[i % terms.length]!;
    const t0 = performance.now();
    const r = await findRequests(deps, env.caller, { q: term, limit: 50 });
    (perTerm[term] ??= []).push(ms(t0));
    checkExact(term, r.rows);
    hits[term] = r.rows.length;
  });
  // Which term is slow: each term's p50 and its slowest call.
  const byTerm = Object.fromEntries(
    Object.entries(perTerm).map(([t, v]) => [t, { p50: stats(v).p50, max: stats(v).max }]),
  );
  return { times, hits, byTerm };
}

async function searchSuite(env: Env, opts: RequestsBenchOptions) {
  const log = (m: string) => opts.log(`[${opts.engine} search] ${m}`);
  const baseline = await baselineOf(env, opts.samples);
  const two = await searchTimes(env, TWO_CHAR_TERMS, opts.samples);
  const longer = await searchTimes(env, LONGER_TERMS, opts.samples);
  const out: Record<string, unknown> = {
    primaryKey: baseline,
    twoCharacters: { ...stats(two.times, baseline), rowsOnPage: two.hits, byTerm: two.byTerm },
    longer: { ...stats(longer.times, baseline), rowsOnPage: longer.hits, byTerm: longer.byTerm },
  };
  log(`two characters: p50 ${stats(two.times).p50} ms p95 ${stats(two.times).p95} ms`);
  log(`longer: p50 ${stats(longer.times).p50} ms p95 ${stats(longer.times).p95} ms`);

  // 8 searchers side by side while intake runs through HTTP at the first connection count.
  const connections = opts.connections[0] ?? 10;
  const before = loadAverage();
  const intake = httpLoad({
    origin: env.origin,
    token: env.token,
    bodies: intakeBodies(),
    connections,
    warmupSeconds: 0,
    seconds: opts.seconds,
    seed: 99,
  });
  const deadline = performance.now() + opts.seconds * 1000;
  const terms = [...TWO_CHAR_TERMS, ...LONGER_TERMS];
  const deps = { db: env.ctx.db, vault: vaultFor(env.ctx.config) };
  const during: number[] = [];
  await Promise.all(
    Array.from({ length: 8 }, async (_, k) => {
      for (let i = k; performance.now() < deadline; i += 8) {
        const t0 = performance.now();
        const term = terms[i % terms.length]!;
        const r = await findRequests(deps, env.caller, { q: term, limit: 50 });
        during.push(ms(t0));
        checkExact(term, r.rows);
      }
    }),
  );
  const load = await intake;
  out.concurrent = {
    searchers: 8,
    search: stats(during, baseline),
    intake: { connections, ...summarise(load) },
    loadAverageBefore: before,
    loadAverageAfter: loadAverage(),
  };
  log(`8 searchers during intake: p50 ${stats(during).p50} ms p95 ${stats(during).p95} ms`);
  return out;
}

export async function runServiceRequestsBench(opts: RequestsBenchOptions) {
  if (opts.open > opts.total) throw new Error('--requests-open cannot exceed --requests');
  return withRequestsServer(opts, async (env) => {
    const setting = async (name: string) =>
      (await sql<{ setting: string }>`select current_setting(${name}) as setting`.execute(env.ctx.db))
        .rows[0]!.setting;
    const server = {
      version: await setting('server_version'),
      sharedBuffers: await setting('shared_buffers'),
    };
    const started = loadAverage();
    if (opts.suite === 'intake')
      return {
        suite: 'intake',
        engine: opts.engine,
        server,
        loadAverageAtStart: started,
        ...(await intakeSuite(env, opts)),
      };
    const generated = await generateRequests(env, opts.total, opts.open, (m) =>
      opts.log(`[${opts.engine} ${opts.suite}] ${m}`),
    );
    const result = opts.suite === 'queue' ? await queueSuite(env, opts) : await searchSuite(env, opts);
    return {
      suite: opts.suite,
      engine: opts.engine,
      server,
      requests: opts.total,
      open: opts.open,
      ...generated,
      loadAverageAtStart: started,
      ...result,
      note: 'ms per call of the service function (scope applied, page of 50 loaded), one client unless said; ratios against a primary-key lookup in the same run',
    };
  });
}
