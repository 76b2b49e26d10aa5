// The recompute after a policy change, on both engines: it visits only the requests the changed row
// can affect (a new, more specific row capturing requests of a less specific one included), it gives
// exactly the clocks and change records of recomputing every open request (fast-check: random
// matrices, requests with pauses, milestones and steps already acted on, one random change of a
// row), and a run stopped between chunks resumes after its last committed chunk.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProducts } from '../../src/modules/products/index.ts';
import {
  invalidateSlaCache,
  planClocks,
  recomputeEveryOpenRequest,
  recomputeForPolicies,
  SlaScheduler,
  slaOnRequestChange,
  TARGET_TYPES,
  type PolicyRow,
  type RequestSlaChange,
} from '../../src/modules/sla/index.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { demoId } from '../../src/seed/demo.ts';
import { createTestServer, type TestServer } from '../harness.ts';

// Monday 2026-12-07 10:00 China time.
const T0 = Date.parse('2026-12-07T02:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const NOW = new Date(T0 + 100 * HOUR);
const NJ = demoId('org', 'CT.JS.NJ');

let s: TestServer;
let products: { code: string; family: string }[] = [];
const db = () => s.ctx.db;

beforeAll(async () => {
  s = await createTestServer({ clock: { now: () => NOW } });
  const all = await listProducts(db(), false);
  // Two products of different families: rows by product and by family both get exercised.
  const first = all[0]!;
  const second = all.find((p) => p.category !== first.category)!;
  products = [first, second].map((p) => ({ code: p.code, family: p.category }));
});
afterAll(async () => {
  await s?.close();
});

interface StoredRow {
  row: PolicyRow;
  position: number;
  active: boolean;
}

interface RequestSpec {
  kind: string;
  tier: string | null;
  product: number | null;
  category: string | null;
  priority: string;
  locationClass: 'urban' | 'rural' | null;
  contractId: string | null;
  inNanjing: boolean;
  createdMin: number;
  /** Minutes after creation: a customer-caused suspension, and how long until resume (none: still suspended). */
  suspend: { at: number; resumeAfter: number | null } | null;
  takenMin: number | null;
  replyMin: number | null;
  resolvedMin: number | null;
}

/** Empties the module's clock tables and puts a matrix in place of the seeded one. */
async function reset(rows: readonly StoredRow[], standIn = false) {
  await sql`delete from sla_clock_changes`.execute(db());
  await sql`delete from sla_clock_steps`.execute(db());
  await sql`delete from sla_clocks`.execute(db());
  await sql`delete from sla_requests`.execute(db());
  await sql`delete from sla_recompute_runs`.execute(db());
  await sql`delete from sla_policies`.execute(db());
  await sql`delete from sla_calendars where code = 'nj-round-the-clock'`.execute(db());
  for (const r of rows) await writeRow(r, 'insert');
  if (standIn)
    await sql`
      insert into sla_calendars (id, code, name, org_unit_id, replaces, zone, days, periods, created_at, updated_at)
      values (${randomUUID()}, 'nj-round-the-clock', '南京 7×24', ${NJ}, '24x7', 'Asia/Shanghai', 'every_day',
        '[]'::jsonb, now(), now())`.execute(db());
  invalidateSlaCache(db());
}

async function writeRow(r: StoredRow, how: 'insert' | 'update') {
  const m = r.row.match;
  const values = sql`${r.row.code}, 'test row', 'test', ${r.position}, ${r.active}, ${m.contractId ?? null},
    ${m.productCode ?? null}, ${m.productFamily ?? null}, ${m.tier ?? null}, ${m.kind ?? null},
    ${m.category ?? null}, ${m.priority ?? null}, ${m.locationClass ?? null},
    ${JSON.stringify(r.row.targets)}::jsonb, now(), now()`;
  if (how === 'update') await sql`delete from sla_policies where code = ${r.row.code}`.execute(db());
  await sql`
    insert into sla_policies (code, name, source, position, active, contract_id, product_code, product_family,
      tier, kind, category, priority, location_class, targets, created_at, updated_at)
    values (${values})`.execute(db());
  invalidateSlaCache(db());
}

/** A request at intake (its clocks from the current matrix), then its events in time order. */
async function addRequest(spec: RequestSpec): Promise<string> {
  const id = randomUUID();
  const createdAt = T0 + spec.createdMin * MIN;
  const product = spec.product === null ? null : products[spec.product]!;
  const plan = await planClocks(db(), {
    requestId: id,
    kind: spec.kind,
    tier: spec.tier,
    productCode: product?.code ?? null,
    category: spec.category,
    priority: spec.priority,
    locationClass: spec.locationClass,
    contractId: spec.contractId,
    orgUnitId: spec.inNanjing ? NJ : null,
    createdAt: new Date(createdAt),
  });
  await db().insertInto('sla_requests').values(plan.request).execute();
  if (plan.clocks.length) await db().insertInto('sla_clocks').values(plan.clocks).execute();
  const events: [number, RequestSlaChange][] = [];
  if (spec.suspend) {
    events.push([createdAt + spec.suspend.at * MIN, { type: 'suspend', cause: 'customer' }]);
    if (spec.suspend.resumeAfter !== null)
      events.push([createdAt + (spec.suspend.at + spec.suspend.resumeAfter) * MIN, { type: 'resume' }]);
  }
  if (spec.takenMin !== null)
    events.push([createdAt + spec.takenMin * MIN, { type: 'milestone', milestone: 'taken' }]);
  if (spec.replyMin !== null)
    events.push([createdAt + spec.replyMin * MIN, { type: 'milestone', milestone: 'reply' }]);
  if (spec.resolvedMin !== null)
    events.push([createdAt + spec.resolvedMin * MIN, { type: 'milestone', milestone: 'resolved' }]);
  events.sort((a, b) => a[0] - b[0]);
  for (const [at, change] of events) await slaOnRequestChange(db(), id, change, new Date(at));
  return id;
}

/** Every clock and every change record, in a stable order. */
async function state() {
  const clocks = await sql`
    select request_id, target, period, policy_code, calendar, calendar_used, duration, counting, start_at,
      deadline, unpaused_deadline, pauses, state, met_at, provisional, steps, next_step, next_step_at,
      recompute_reason, updated_at
    from sla_clocks order by request_id, target`.execute(db());
  const changes = await sql`
    select request_id, target, at, reason, policy_from, policy_to, deadline_from, deadline_to
    from sla_clock_changes order by request_id, target, policy_from, policy_to`.execute(db());
  return { clocks: clocks.rows, changes: changes.rows };
}

// ---------------------------------------------------------------- generators

const KINDS = ['fault', 'complaint', 'business_order'];
const TIERS = ['group', 'localB', 'public'] as const;
// Most targets on 7×24 in hours or minutes (the set-based part), the others on working calendars
// or in days (the calendar code).
const PLAIN = ['15m', '90m', '4h', '12h', '48h', '72h'];
const DURATIONS = [...PLAIN, '1wd', '3wd', '2d', '15d'];
const CALENDARS = ['24x7', 'cn-workdays', 'cn-office'];

const targetArb = fc.oneof(
  { arbitrary: fc.record({ duration: fc.constantFrom(...PLAIN), calendar: fc.constant('24x7') }), weight: 3 },
  {
    arbitrary: fc
      .record({
        duration: fc.constantFrom(...DURATIONS),
        calendar: fc.constantFrom(...CALENDARS),
        civil: fc.boolean(),
      })
      .map(({ duration, calendar, civil }) => ({
        duration,
        calendar,
        ...(civil && /^\d+d$/.test(duration) ? { counting: 'civil-code' as const } : {}),
      })),
    weight: 2,
  },
);

/** `arb` in `percent` % of the cases, else undefined. */
const maybe = <T>(arb: fc.Arbitrary<T>, percent: number) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 100 - percent }, { arbitrary: arb, weight: percent });

const rowArb = (code: string) =>
  fc
    .record({
      contract: maybe(fc.constant('K-1'), 5),
      product: maybe(fc.integer({ min: 0, max: 1 }), 15),
      family: maybe(fc.integer({ min: 0, max: 1 }), 15),
      tier: maybe(fc.constantFrom(...TIERS), 30),
      kind: maybe(fc.constantFrom(...KINDS), 50),
      category: maybe(fc.constant('suspend_resume'), 5),
      priority: maybe(fc.constantFrom('normal', 'high'), 10),
      locationClass: maybe(fc.constantFrom('urban' as const, 'rural' as const), 10),
      targets: fc.dictionary(fc.constantFrom(...TARGET_TYPES), targetArb, { minKeys: 1, maxKeys: 4 }),
      position: fc.integer({ min: 1, max: 4 }).map((p) => p * 10),
      inactive: fc.integer({ min: 0, max: 6 }).map((x) => x === 0),
    })
    .map((g): StoredRow => ({
      row: {
        code,
        name: code,
        source: 'test',
        match: {
          ...(g.contract !== undefined ? { contractId: g.contract } : {}),
          ...(g.product !== undefined ? { productCode: products[g.product]!.code } : {}),
          ...(g.family !== undefined ? { productFamily: products[g.family]!.family } : {}),
          ...(g.tier !== undefined ? { tier: g.tier } : {}),
          ...(g.kind !== undefined ? { kind: g.kind } : {}),
          ...(g.category !== undefined ? { category: g.category } : {}),
          ...(g.priority !== undefined ? { priority: g.priority } : {}),
          ...(g.locationClass !== undefined ? { locationClass: g.locationClass } : {}),
        },
        targets: g.targets,
      },
      position: g.position,
      active: !g.inactive,
    }));

/** `arb` in `percent` % of the cases, else null. */
const sometimes = <T>(arb: fc.Arbitrary<T>, percent: number) =>
  fc.oneof({ arbitrary: fc.constant(null), weight: 100 - percent }, { arbitrary: arb, weight: percent });

const requestArb: fc.Arbitrary<RequestSpec> = fc.record({
  kind: fc.constantFrom(...KINDS),
  tier: fc.constantFrom(...TIERS, null),
  product: sometimes(fc.constantFrom(0, 1), 40),
  category: sometimes(fc.constant('suspend_resume'), 15),
  priority: fc.constantFrom('normal', 'high'),
  locationClass: sometimes(fc.constantFrom('urban' as const, 'rural' as const), 40),
  contractId: sometimes(fc.constant('K-1'), 15),
  inNanjing: fc.boolean(),
  createdMin: fc.integer({ min: 0, max: 48 * 60 }),
  suspend: sometimes(
    fc.record({
      at: fc.integer({ min: 0, max: 24 * 60 }),
      resumeAfter: sometimes(fc.integer({ min: 1, max: 24 * 60 }), 60),
    }),
    25,
  ),
  takenMin: sometimes(fc.integer({ min: 1, max: 12 * 60 }), 30),
  replyMin: sometimes(fc.integer({ min: 1, max: 24 * 60 }), 20),
  resolvedMin: sometimes(fc.integer({ min: 1, max: 48 * 60 }), 10),
});

type Change =
  | { type: 'create'; row: StoredRow }
  | { type: 'update'; index: number; row: StoredRow; keep: 'match' | 'targets' | 'nothing' }
  | { type: 'deactivate' | 'reactivate'; index: number };

/** A broad row under the others (as the regulations' rows are): every target set, so most requests have clocks. */
const baseRowArb = fc.tuple(...TARGET_TYPES.map(() => targetArb)).map((targets): StoredRow => ({
  row: {
    code: 'base',
    name: 'base',
    source: 'test',
    match: {},
    targets: Object.fromEntries(TARGET_TYPES.map((t, i) => [t, targets[i]!])),
  },
  position: 1000,
  active: true,
}));

const scenarioArb = fc.record({
  base: sometimes(baseRowArb, 75),
  rows: fc
    .integer({ min: 2, max: 5 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => rowArb(`p${i}`)))),
  change: fc.oneof(
    rowArb('p-new').map((row): Change => ({ type: 'create', row })),
    fc
      .record({ index: fc.nat(), row: rowArb(''), keep: fc.constantFrom('match', 'targets', 'nothing') })
      .map(({ index, row, keep }): Change => ({ type: 'update', index, row, keep })),
    fc.record({ type: fc.constantFrom('deactivate' as const, 'reactivate' as const), index: fc.nat() }),
  ),
  requests: fc.array(requestArb, { minLength: 5, maxLength: 30 }),
  schedulerAtMin: fc.integer({ min: 0, max: 30 * 60 }),
  chunkSize: fc.integer({ min: 1, max: 12 }),
  standIn: fc.integer({ min: 0, max: 5 }).map((x) => x === 0),
});

/** Applies the change to the stored matrix; returns the changed row's code. */
async function applyChange(rows: readonly StoredRow[], change: Change): Promise<string> {
  if (change.type === 'create') {
    await writeRow(change.row, 'insert');
    return change.row.row.code;
  }
  const old = rows[change.index % rows.length]!;
  const code = old.row.code;
  if (change.type === 'update') {
    // An administrator's edit: new targets (most often), a new match, or both, maybe a new position.
    const next = change.row.row;
    const row = {
      ...next,
      code,
      match: change.keep === 'match' ? old.row.match : next.match,
      targets: change.keep === 'targets' ? old.row.targets : next.targets,
    };
    await writeRow({ row, position: change.row.position, active: old.active }, 'update');
  } else await writeRow({ ...old, active: change.type === 'reactivate' }, 'update');
  return code;
}

// ---------------------------------------------------------------- tests

const H24 = '24x7';

describe(`SLA recompute after a policy change (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('visits only the requests a changed row can affect; a new, more specific row captures its requests', async () => {
    const rows: StoredRow[] = [
      {
        row: {
          code: 'kind.fault',
          name: '',
          source: '',
          match: { kind: 'fault' },
          targets: { restoration: { duration: '48h', calendar: H24 } },
        },
        position: 10,
        active: true,
      },
      {
        row: {
          code: 'kind.complaint',
          name: '',
          source: '',
          match: { kind: 'complaint' },
          targets: { resolution: { duration: '15d', calendar: 'cn-workdays', counting: 'civil-code' } },
        },
        position: 20,
        active: true,
      },
    ];
    await reset(rows);
    const base = {
      tier: 'public',
      category: null,
      priority: 'normal',
      locationClass: null,
      contractId: null,
      inNanjing: false,
      createdMin: 0,
      suspend: null,
      takenMin: null,
      replyMin: null,
      resolvedMin: null,
    } as const;
    const complaints = [];
    for (let i = 0; i < 6; i++)
      complaints.push(await addRequest({ ...base, kind: 'complaint', product: null }));
    const faults = [];
    for (let i = 0; i < 5; i++) faults.push(await addRequest({ ...base, kind: 'fault', product: null }));
    const productFaults = [];
    for (let i = 0; i < 3; i++) productFaults.push(await addRequest({ ...base, kind: 'fault', product: 0 }));

    // The complaint row's limit changes: its six requests are the only ones looked at.
    await writeRow(
      {
        ...rows[1]!,
        row: {
          ...rows[1]!.row,
          targets: { resolution: { duration: '10d', calendar: 'cn-workdays', counting: 'civil-code' } },
        },
      },
      'update',
    );
    const r1 = await recomputeForPolicies(
      db(),
      { reason: 'complaint limit 15d → 10d', policyCodes: ['kind.complaint'] },
      NOW,
      { chunkSize: 4 },
    );
    expect(r1).toMatchObject({ requests: 6, recomputed: 6, chunks: 2 });

    // A product row, more specific than the fault row: it takes the product's faults, and only
    // those are looked at.
    await writeRow(
      {
        row: {
          code: 'product.fault',
          name: '',
          source: '',
          match: { kind: 'fault', productCode: products[0]!.code },
          targets: { restoration: { duration: '8h', calendar: H24 } },
        },
        position: 30,
        active: true,
      },
      'insert',
    );
    const r2 = await recomputeForPolicies(
      db(),
      { reason: 'product row added', policyCodes: ['product.fault'] },
      NOW,
    );
    expect(r2).toMatchObject({ requests: 3, recomputed: 3, setBased: 3 });
    const captured = await db()
      .selectFrom('sla_clocks')
      .select(['request_id', 'policy_code', 'deadline', 'recompute_reason'])
      .where('target', '=', 'restoration')
      .where('request_id', 'in', productFaults)
      .execute();
    expect(captured).toHaveLength(3);
    for (const c of captured) {
      expect(c.policy_code).toBe('product.fault');
      expect(new Date(c.deadline!).getTime()).toBe(T0 + 8 * HOUR);
      expect(c.recompute_reason).toBe('product row added (policies product.fault)');
    }
    // Deactivated again: the clocks that name it go back to the fault row, nothing else is looked at.
    await sql`update sla_policies set active = false where code = 'product.fault'`.execute(db());
    const r3 = await recomputeForPolicies(
      db(),
      { reason: 'product row deactivated', policyCodes: ['product.fault'] },
      NOW,
    );
    expect(r3).toMatchObject({ requests: 3, recomputed: 3 });
    // Everything is as recomputing every open request would leave it.
    expect((await recomputeEveryOpenRequest(db(), 'check', NOW)).recomputed).toBe(0);
  });

  it('gives exactly the clocks and change records of recomputing every open request', async () => {
    const logger = createLogger('silent');
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (sc) => {
        const rows = [...(sc.base ? [sc.base] : []), ...sc.rows];
        // A row to deactivate is active before, one to reactivate inactive.
        if (sc.change.type === 'deactivate' || sc.change.type === 'reactivate') {
          const i = sc.change.index % rows.length;
          rows[i] = { ...rows[i]!, active: sc.change.type === 'deactivate' };
        }
        await reset(rows, sc.standIn);
        for (const spec of sc.requests) await addRequest(spec);
        // Some steps already acted on (warnings, breaches: missed clocks).
        const at = new Date(T0 + sc.schedulerAtMin * MIN);
        await new SlaScheduler({ db: db(), clock: { now: () => at }, logger }).drain();
        const code = await applyChange(rows, sc.change);
        await sql`drop table if exists t_saved_clocks`.execute(db());
        await sql`create table t_saved_clocks as select * from sla_clocks`.execute(db());
        await sql`delete from sla_clock_changes`.execute(db());

        const reason = 'policy changed';
        const fast = await recomputeForPolicies(db(), { reason, policyCodes: [code] }, NOW, {
          chunkSize: sc.chunkSize,
        });
        const targeted = await state();

        await sql`delete from sla_clock_changes`.execute(db());
        await sql`delete from sla_clocks`.execute(db());
        await sql`insert into sla_clocks select * from t_saved_clocks`.execute(db());
        const full = await recomputeEveryOpenRequest(db(), `${reason} (policies ${code})`, NOW);
        const everything = await state();

        expect(targeted).toEqual(everything);
        expect(fast.recomputed + fast.added + fast.removed).toBe(full.recomputed + full.added + full.removed);
        expect(fast.requests).toBeLessThanOrEqual(full.requests);
      }),
      { numRuns: 25 },
    );
    await sql`drop table if exists t_saved_clocks`.execute(db());
  });

  it('a run stopped between chunks resumes after its last committed chunk', async () => {
    const row: StoredRow = {
      row: {
        code: 'kind.fault',
        name: '',
        source: '',
        match: { kind: 'fault' },
        targets: { restoration: { duration: '48h', calendar: H24 } },
      },
      position: 10,
      active: true,
    };
    await reset([row]);
    const ids = [];
    for (let i = 0; i < 25; i++)
      ids.push(
        await addRequest({
          kind: 'fault',
          tier: 'public',
          product: null,
          category: null,
          priority: 'normal',
          locationClass: null,
          contractId: null,
          inNanjing: false,
          createdMin: i,
          // Some go the calendar way (a pause), the others set-based.
          suspend: i % 3 === 0 ? { at: 30, resumeAfter: 60 } : null,
          takenMin: null,
          replyMin: null,
          resolvedMin: null,
        }),
      );
    await writeRow(
      { ...row, row: { ...row.row, targets: { restoration: { duration: '36h', calendar: H24 } } } },
      'update',
    );
    const input = { reason: 'repair 48h → 36h', policyCodes: ['kind.fault'], runId: 'job:test-resume' };
    await expect(
      recomputeForPolicies(db(), input, NOW, {
        chunkSize: 10,
        onChunk: ({ index }) => {
          if (index === 2) throw new Error('worker killed');
        },
      }),
    ).rejects.toThrow('worker killed');
    const stopped = await db()
      .selectFrom('sla_recompute_runs')
      .selectAll()
      .where('id', '=', input.runId)
      .executeTakeFirstOrThrow();
    expect(stopped).toMatchObject({ chunks: 2, requests: 20, finished_at: null });
    expect(stopped.after_request).toBe([...ids].sort()[19]);

    const resumed = await recomputeForPolicies(db(), input, NOW, { chunkSize: 10 });
    expect(resumed).toMatchObject({ resumed: true, chunks: 3, requests: 25, recomputed: 25 });
    // Each clock changed once: the committed chunks were not done again.
    const changes = await db()
      .selectFrom('sla_clock_changes')
      .select(['request_id', 'reason'])
      .where('target', '=', 'restoration')
      .execute();
    expect(changes).toHaveLength(25);
    expect(new Set(changes.map((c) => c.request_id)).size).toBe(25);
    expect(changes[0]!.reason).toBe('repair 48h → 36h (policies kind.fault)');
    const durations = await db()
      .selectFrom('sla_clocks')
      .select('duration')
      .where('target', '=', 'restoration')
      .execute();
    expect(durations.map((d) => d.duration)).toEqual(Array(25).fill('36h'));
    // A finished run asked again (a job delivered twice) does nothing more.
    const again = await recomputeForPolicies(db(), input, NOW, { chunkSize: 10 });
    expect(again).toMatchObject({ resumed: true, chunks: 3, requests: 25 });
    expect(
      await db()
        .selectFrom('sla_clock_changes')
        .select('request_id')
        .where('target', '=', 'restoration')
        .execute(),
    ).toHaveLength(25);
  });
});
