/**
 * Recompute after a policy change (the `sla.recompute` worker): only the open clocks the changed
 * rows can move, in chunks of requests (one short transaction each), set-based where the
 * arithmetic is plain, resumable from the last committed chunk.
 *
 * Which requests. A target's row is the most specific matching row that sets it (`resolvePolicy`);
 * changing, adding, deactivating or reactivating row R changes R's own place only, never the order
 * of the other rows between themselves. So a target's row can change only if it was R — its clock
 * names R (`policy_code`, found through the index `sla_clocks_open_policy`) — or is R now — the
 * request matches R's new match (a more specific new row capturing requests a less specific one
 * governed; a target no row set before). Those requests are the candidates; each is resolved in
 * full against the current policies, exactly as the request-by-request pass does, and only the
 * clocks whose row, duration, calendar or counting differ are written. With no codes, every open
 * request is a candidate. This is exact as long as the clocks were computed against the policies
 * before the change — which every earlier change's run ensures.
 *
 * How. Candidates are taken in request-id order, `chunkSize` at a time, merged from one keyset
 * query per source (the changed rows' clocks; the requests matching each changed row). Per chunk,
 * in one transaction: the active rows are read again (runs of two changes in a row serialise on an
 * advisory lock, and the later chunk always sees the later policies); the chunk's fact combinations
 * are resolved once each; one statement compares every clock of the chunk with its resolution,
 * moves the running, unpaused clocks whose new target is on plain 7×24 in hours or minutes
 * (deadline, steps and next step in SQL), records each change and returns the requests left
 * (pauses, working calendars, days, targets added or dropped), which the request-by-request code
 * computes; the run's row (`sla_recompute_runs`) takes the chunk's last request. A crash loses at
 * most the chunk in flight; the same run id resumes after the last committed one. Request ids are
 * uuid v7 (time-ordered), so a chunk's requests and clocks sit close together on disk.
 */
import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import {
  currentStepPercents,
  group,
  invalidateSlaCache,
  loadSnapshot,
  notifyDue,
  openClocksOf,
  policyFacts,
  recomputeClocks,
  type RecomputeResult,
  type Snapshot,
  type StoredFacts,
} from './clocks.service.ts';
import { resolvePolicy, TARGET_TYPES, type PolicyMatch, type PolicyRow } from './domain/policy.ts';
import { activeRows } from './policy.service.ts';
import type { Executor } from './sla.tables.ts';

export interface PolicyRecomputeResult extends RecomputeResult {
  runId: string;
  /** Candidate requests examined. */
  requests: number;
  /** Of `recomputed`, the clocks the set-based UPDATE moved. */
  setBased: number;
  chunks: number;
  /** The run went on from where an earlier attempt stopped. */
  resumed: boolean;
}

export interface PolicyRecomputeOptions {
  /** Candidate requests per chunk (one transaction). */
  chunkSize?: number;
  log?: (msg: string) => void;
  /** Called after each committed chunk (tests stop a run here to resume it). */
  onChunk?: (chunk: { index: number; requests: number; lastRequest: string }) => void | Promise<void>;
}

const DEFAULT_CHUNK = 5_000;
/** Chunks of concurrent runs take turns on this (a run's chunk reads the policies under it). */
const RECOMPUTE_LOCK = 0x5_1a_2ec;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000 };

/**
 * After a policy write: recomputes the open clocks that the rows `policyCodes` (their current
 * version, and the clocks naming them) can affect, recording `<reason> (policies <codes>)` on each
 * changed clock. `runId` (the job's id) makes the run resumable: called again with the same id
 * after a crash, it goes on after the last committed chunk; a finished run returns its totals.
 */
export async function recomputeForPolicies(
  callerDb: AnyExecutor,
  input: { reason: string; policyCodes: readonly string[]; runId?: string },
  now: Date,
  opts: PolicyRecomputeOptions = {},
): Promise<PolicyRecomputeResult> {
  const db = callerDb as Executor;
  const chunkSize = Math.max(1, opts.chunkSize ?? DEFAULT_CHUNK);
  const codes = [...new Set(input.policyCodes)];
  const runId = input.runId ?? randomUUID();
  let run = await db.selectFrom('sla_recompute_runs').selectAll().where('id', '=', runId).executeTakeFirst();
  const total = {
    runId,
    recomputed: run?.recomputed ?? 0,
    added: run?.added ?? 0,
    removed: run?.removed ?? 0,
    requests: run?.requests ?? 0,
    setBased: run?.set_based ?? 0,
    chunks: run?.chunks ?? 0,
    resumed: run !== undefined,
  };
  if (run?.finished_at) return total;
  if (!run) {
    const reason = codes.length ? `${input.reason} (policies ${codes.join(', ')})` : input.reason;
    run = await db
      .insertInto('sla_recompute_runs')
      .values({
        id: runId,
        reason,
        policy_codes: JSON.stringify(codes),
        started_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  const reason = run.reason;
  invalidateSlaCache(db);
  const base = await loadSnapshot(db);
  // A unit's stand-in for 7×24 changes what 7×24 means there: then every clock goes the calendar way.
  const standIn = await db
    .selectFrom('sla_calendars')
    .select('code')
    .where('replaces', '=', '24x7')
    .executeTakeFirst();
  const changed = (await activeRows(db)).filter((r) => codes.includes(r.row.code)).map((r) => r.row);
  const sources = candidateSources(codes, changed);
  let after = run.after_request;
  const started = Date.now();
  for (;;) {
    const ids = await nextCandidates(db, sources, after, chunkSize);
    if (!ids.length) break;
    const last = ids.at(-1)!;
    const r = await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${RECOMPUTE_LOCK})`.execute(trx);
      const rows = (await activeRows(trx)).map((x) => x.row);
      const out = await recomputeChunk(trx, { ...base, rows }, ids, reason, now, !standIn);
      await trx
        .updateTable('sla_recompute_runs')
        .set((eb) => ({
          after_request: last,
          chunks: eb('chunks', '+', 1),
          requests: eb('requests', '+', ids.length),
          recomputed: eb('recomputed', '+', out.recomputed),
          added: eb('added', '+', out.added),
          removed: eb('removed', '+', out.removed),
          set_based: eb('set_based', '+', out.setBased),
          updated_at: now,
        }))
        .where('id', '=', runId)
        .execute();
      return out;
    });
    after = last;
    total.chunks += 1;
    total.requests += ids.length;
    total.recomputed += r.recomputed;
    total.added += r.added;
    total.removed += r.removed;
    total.setBased += r.setBased;
    opts.log?.(
      `chunk ${total.chunks}: ${ids.length} requests, ${r.recomputed} clocks (${r.setBased} set-based), ${Date.now() - started} ms from the start`,
    );
    await opts.onChunk?.({ index: total.chunks, requests: ids.length, lastRequest: last });
  }
  await db
    .updateTable('sla_recompute_runs')
    .set({ finished_at: now, updated_at: now })
    .where('id', '=', runId)
    .execute();
  return total;
}

// ---------------------------------------------------------------- candidates

/** A keyset source of candidate request ids (ascending), with what it returned last. */
interface Source {
  label: string;
  fetch: (db: Executor, after: string | null, limit: number) => Promise<string[]>;
  buffer: string[];
  /** It returned fewer than asked: `buffer` holds every id it has left. */
  exhausted: boolean;
}

const MATCH_COLUMNS: Record<keyof PolicyMatch, string> = {
  contractId: 'contract_id',
  productCode: 'product_code',
  productFamily: 'product_family',
  tier: 'tier',
  kind: 'kind',
  category: 'category',
  priority: 'priority',
  locationClass: 'location_class',
};

const afterClause = (after: string | null) => (after ? sql`and request_id > ${after}::uuid` : sql``);

function candidateSources(codes: readonly string[], changed: readonly PolicyRow[]): Source[] {
  const source = (label: string, fetch: Source['fetch']): Source => ({
    label,
    fetch,
    buffer: [],
    exhausted: false,
  });
  if (!codes.length)
    return [
      source('every open request', async (db, after, limit) =>
        (
          await sql<{ request_id: string }>`
            select request_id from sla_requests where open ${afterClause(after)}
            order by request_id limit ${limit}`.execute(db)
        ).rows.map((r) => r.request_id),
      ),
    ];
  return [
    // The clocks a changed row governs now (an ordered range of sla_clocks_open_policy per code).
    ...codes.map((code) =>
      source(`clocks of ${code}`, async (db, after, limit) =>
        (
          await sql<{ request_id: string }>`
            select request_id from sla_clocks
            where policy_code = ${code} and state in ('running', 'paused') ${afterClause(after)}
            order by request_id limit ${limit}`.execute(db)
        ).rows.map((r) => r.request_id),
      ),
    ),
    // The open requests a changed row's new match takes in (it may win some of their targets now).
    ...changed.map((row) => {
      const conditions = (Object.keys(MATCH_COLUMNS) as (keyof PolicyMatch)[])
        .filter((f) => row.match[f] !== undefined)
        .map((f) => sql`and ${sql.ref(MATCH_COLUMNS[f])} = ${row.match[f]!}`);
      return source(`requests matching ${row.code}`, async (db, after, limit) =>
        (
          await sql<{ request_id: string }>`
            select request_id from sla_requests where open ${sql.join(conditions, sql` `)} ${afterClause(after)}
            order by request_id limit ${limit}`.execute(db)
        ).rows.map((r) => r.request_id),
      );
    }),
  ];
}

/**
 * The next `limit` candidates after `after`, ascending and distinct: every source that may have
 * more is asked for `limit` ids; ids up to the smallest "last id" of those sources are complete.
 */
async function nextCandidates(
  db: Executor,
  sources: Source[],
  after: string | null,
  limit: number,
): Promise<string[]> {
  let cutoff: string | undefined;
  for (const s of sources) {
    if (s.exhausted) {
      s.buffer = after ? s.buffer.filter((id) => id > after) : s.buffer;
      continue;
    }
    const ids = await s.fetch(db, after, limit);
    s.buffer = ids;
    if (ids.length < limit) s.exhausted = true;
    else if (cutoff === undefined || ids.at(-1)! < cutoff) cutoff = ids.at(-1)!;
  }
  const all = new Set<string>();
  for (const s of sources) for (const id of s.buffer) if (cutoff === undefined || id <= cutoff) all.add(id);
  // uuids in PostgreSQL's order (bytewise): their lower-case text sorts the same way.
  return [...all].sort().slice(0, limit);
}

// ---------------------------------------------------------------- one chunk

/** Per fact combination of the chunk and target: the resolved row (null: no row sets it). */
interface Resolved {
  k: unknown[];
  target: string;
  code: string | null;
  duration: string | null;
  calendar: string | null;
  counting: string | null;
  /** Plain 7×24 in hours or minutes: the duration in ms (the set-based UPDATE's part). */
  ms: number | null;
}

const FACT_COLUMNS = [
  'kind',
  'tier',
  'product_code',
  'product_family',
  'category',
  'priority',
  'location_class',
  'contract_id',
] as const;
const factKey = (f: StoredFacts) => FACT_COLUMNS.map((c) => f[c]);
const factKeySql = sql`jsonb_build_array(${sql.join(FACT_COLUMNS.map((c) => sql.ref(`r.${c}`)))})`;

async function recomputeChunk(
  trx: Executor,
  snap: Snapshot,
  ids: readonly string[],
  reason: string,
  now: Date,
  setBasedAllowed: boolean,
): Promise<RecomputeResult & { setBased: number }> {
  const inChunk = sql`r.request_id = any(${ids}::uuid[]) and r.open`;
  const combos = await sql<StoredFacts>`
    select distinct ${sql.join(FACT_COLUMNS.map((c) => sql.ref(`r.${c}`)))}
    from sla_requests r where ${inChunk}`.execute(trx);
  if (!combos.rows.length) return { recomputed: 0, added: 0, removed: 0, setBased: 0 };
  const resolved: Resolved[] = [];
  for (const f of combos.rows) {
    const resolution = resolvePolicy(snap.rows, policyFacts(f));
    for (const type of TARGET_TYPES) {
      const t = resolution.targets[type];
      const plain = t && t.calendar === '24x7' && !t.counting ? /^(\d+)(h|m)$/.exec(t.duration) : null;
      resolved.push({
        k: factKey(f),
        target: type,
        code: t?.row ?? null,
        duration: t?.duration ?? null,
        calendar: t?.calendar ?? null,
        counting: t?.counting ?? null,
        ms: plain && setBasedAllowed ? Number(plain[1]) * UNIT_MS[plain[2]!]! : null,
      });
    }
  }
  const { moved, left } = await diffAndMove(trx, resolved, inChunk, reason, now);
  const out = { recomputed: moved, added: 0, removed: 0, setBased: moved };
  for (let i = 0; i < left.length; i += 2000) {
    const part = left.slice(i, i + 2000);
    const r = await recomputeClocks(trx, snap, group(await openClocksOf(trx, part)), reason, now);
    out.recomputed += r.recomputed;
    out.added += r.added;
    out.removed += r.removed;
  }
  return out;
}

/**
 * One statement per chunk. `diff`: every clock the resolution disagrees with — its row, duration,
 * calendar or counting differs, a target the resolution gives has no clock, an open clock's target
 * no row sets now. Of those, the running, unpaused clocks on plain 7×24 whose new target is on
 * plain 7×24 in hours or minutes are moved here: deadline = start + duration, step i at start +
 * duration × its percentage, the next step (warnings already past skipped, a past breach due now)
 * — what the calendar code computes for them — and each change recorded. Returns how many it
 * moved and the requests left to the calendar code.
 */
async function diffAndMove(
  trx: Executor,
  resolved: readonly Resolved[],
  inChunk: RawBuilder<unknown>,
  reason: string,
  now: Date,
): Promise<{ moved: number; left: string[] }> {
  const percents = currentStepPercents();
  const n = percents.length;
  const at = (p: number) => sql`(h.start_at + ((h.ms * ${p}::int) / 100) * interval '1 millisecond')`;
  const iso = (t: RawBuilder<unknown>) =>
    sql`to_char(${t} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  // Steps due by now; the next step is the later of the one the clock was at and the first not
  // yet due, the breach at most (a breach is never skipped).
  const past = sql.join(
    percents.map((p) => sql`(case when ${at(p)} <= ${now} then 1 else 0 end)`),
    sql` + `,
  );
  const next = sql`greatest(coalesce(h.next_step, 0), least(${past}, ${n - 1}))`;
  const plain = sql`d.ms is not null and d.state = 'running' and d.pauses = '[]'::jsonb and d.calendar_used = '24x7'`;
  const result = await sql<{ moved: number; left: string[] | null }>`
    with v as materialized (
      select * from jsonb_to_recordset(${JSON.stringify(resolved)}::jsonb)
        as v(k jsonb, target text, code text, duration text, calendar text, counting text, ms bigint)
    ),
    r as materialized (select r.request_id, ${factKeySql} as k from sla_requests r where ${inChunk}),
    -- The chunk's clocks (one index lookup per request), then beside their resolution.
    rc as materialized (
      select r.request_id, r.k, c.target, c.state, c.pauses, c.calendar_used, c.policy_code,
        c.duration as was_duration, c.calendar as was_calendar, c.counting as was_counting, c.deadline,
        c.next_step, c.start_at
      from r join sla_clocks c on c.request_id = r.request_id
    ),
    j as materialized (
      select rc.*, v.code, v.duration, v.calendar, v.counting, v.ms
      from rc join v on v.k = rc.k and v.target = rc.target
    ),
    diff as materialized (
      select request_id, target, code, duration, ms, state, pauses, calendar_used, policy_code as policy_from,
        deadline as deadline_from, next_step, start_at
      from j
      where state in ('running', 'paused') and (code is null
        or (policy_code, was_duration, was_calendar, coalesce(was_counting, ''))
          is distinct from (code, duration, calendar, coalesce(counting, '')))
    ),
    -- Targets the resolution gives that have no clock (added by the calendar code).
    missing as (
      select r.request_id from r join v on v.k = r.k and v.code is not null
      where not exists (select 1 from j where j.request_id = r.request_id and j.target = v.target)
    ),
    moved as (
      update sla_clocks c set policy_code = h.code, duration = h.duration, calendar = '24x7',
        calendar_used = '24x7', counting = null, provisional = false,
        deadline = ${at(100)}, unpaused_deadline = ${at(100)},
        steps = jsonb_build_array(${sql.join(percents.map((p) => sql`jsonb_build_object('percent', ${p}::int, 'at', ${iso(at(p))})`))}),
        next_step = ${next},
        next_step_at = case ${next} ${sql.join(
          percents.map((p, i) => sql`when ${i}::int then ${at(p)}`),
          sql` `,
        )} else null end,
        recompute_reason = ${reason}, updated_at = ${now}
      from diff h where c.request_id = h.request_id and c.target = h.target
        and h.ms is not null and h.state = 'running' and h.pauses = '[]'::jsonb and h.calendar_used = '24x7'
      returning c.request_id, c.target, c.deadline, h.policy_from, h.code, h.deadline_from
    ),
    logged as (
      insert into sla_clock_changes (request_id, target, at, reason, policy_from, policy_to, deadline_from, deadline_to)
      select m.request_id, m.target, ${now}, ${reason}, m.policy_from, m.code, m.deadline_from, m.deadline
      from moved m
    )
    select (select count(*) from moved)::int as moved,
      (select json_agg(distinct x.request_id) from (
        select d.request_id from diff d where not coalesce(${plain}, false)
        union all select m.request_id from missing m
        -- facts changed since the chunk's combinations were read: the calendar code resolves them
        union all select r.request_id from r where not exists (select 1 from v where v.k = r.k)) x) as left`.execute(
    trx,
  );
  const row = result.rows[0];
  const moved = Number(row?.moved ?? 0);
  if (moved) notifyDue([now]);
  return { moved, left: row?.left ?? [] };
}

/**
 * Every open request's clocks against the current policies, request by request (the calendar
 * code for every clock, no set-based part): the reference the targeted run is checked against,
 * and a repair for clocks that drifted (e.g. computed from a policy cache older than a change).
 */
export async function recomputeEveryOpenRequest(
  callerDb: AnyExecutor,
  reason: string,
  now: Date,
  batchSize = 2000,
): Promise<RecomputeResult & { requests: number }> {
  const db = callerDb as Executor;
  invalidateSlaCache(db);
  const snap = await loadSnapshot(db);
  const total = { recomputed: 0, added: 0, removed: 0, requests: 0 };
  let after: string | null = null;
  for (;;) {
    const ids: string[] = (
      await sql<{ request_id: string }>`
        select request_id from sla_requests where open ${afterClause(after)}
        order by request_id limit ${batchSize}`.execute(db)
    ).rows.map((r) => r.request_id);
    if (!ids.length) break;
    after = ids.at(-1)!;
    total.requests += ids.length;
    const r = await db
      .transaction()
      .execute(async (trx) => recomputeClocks(trx, snap, group(await openClocksOf(trx, ids)), reason, now));
    total.recomputed += r.recomputed;
    total.added += r.added;
    total.removed += r.removed;
    if (ids.length < batchSize) break;
  }
  return total;
}
