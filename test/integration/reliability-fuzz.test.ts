// Bad input, schema-aware (issue 13): every route of the OpenAPI document the server serves
// (/docs/json — ours and TM Forum's), plus any API route the document leaves out, fuzzed with
// fast-check in its path parameters, query and body: values of the declared shape mixed with
// wrong types, missing and unknown fields, oversize and unicode strings, edge numbers. Never a
// 5xx; and a batch whose requests were all refused (4xx) leaves every table as it was (row count
// and md5 of every row, per table). PostgreSQL only (the engine of production; the per-route
// refusals run on both engines in the *-bad-input tests).
//
// The seed is printed with any failure; replay with ONEPOINT_FUZZ_SEED=<seed> (and
// ONEPOINT_FUZZ_RUNS=<n> to change the count, default 10 000).
import { sql } from 'kysely';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createTestServer, type TestServer } from '../harness.ts';

const engine = inject('engine');
const RUNS = Number(process.env.ONEPOINT_FUZZ_RUNS ?? 10_000);
const SEED = Number(process.env.ONEPOINT_FUZZ_SEED ?? Date.now() % 2 ** 31);
const BATCH = 12;
const PARALLEL = 8;

type Schema = {
  type?: string | string[];
  format?: string;
  pattern?: string;
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  items?: Schema;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
};
interface Parameter {
  in: 'query' | 'path' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface Route {
  method: string;
  /** OpenAPI form: /api/v1/customers/{id} */
  path: string;
  params: Parameter[];
  body?: Schema;
}

/** Ids and codes seen in the server's answers, per path parameter name: requests reach real rows. */
const pools = new Map<string, Set<string>>();
const addToPool = (name: string, v: unknown) => {
  if (typeof v !== 'string' || v.length > 200) return;
  if (!pools.has(name)) pools.set(name, new Set());
  pools.get(name)!.add(v);
};
/** Left out of the pools: the fuzzing administrator must not disable, demote or sign out itself. */
const protectedValues = new Set<string>();

// --- arbitraries from JSON Schema -------------------------------------------------------------

const EDGE_STRINGS = [
  '',
  ' ',
  '\t\n',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '9'.repeat(400),
  '-9223372036854775809',
  '2024-02-30',
  '2024-13-01T25:61:61Z',
  '0000-00-00',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '../../etc/passwd',
  "' or 1=1 --",
  '"; drop table users; --',
  '%00',
  '%zz',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '王芳\u202e\u200b',
  '𠀀𠀁𪚥',
  '💩'.repeat(3000),
  'é'.normalize('NFD').repeat(500),
  'ab\u0000cd',
  'ab\ud800cd',
  '\u001b[31m',
  'x'.repeat(70_000),
  '13812345678',
  '110101199003074477',
  'a,b,,c',
  '__proto__',
  'constructor',
];
const EDGE_NUMBERS = [
  0,
  -0,
  -1,
  1,
  0.5,
  -2147483649,
  2147483648,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER - 2,
  1e308,
  -1e308,
  5e-324,
];
const edgeValue = fc.oneof(
  fc.constantFrom<unknown>(...EDGE_STRINGS),
  fc.constantFrom<unknown>(...EDGE_NUMBERS),
  fc.constantFrom<unknown>(null, true, false, {}, [], [[]], [null], { $ne: null }, { __proto__: 1 }),
);
const anyJson = fc.jsonValue({ maxDepth: 3 });
const text = (min = 0, max = 30) =>
  fc.oneof(
    fc.string({ minLength: min, maxLength: max }),
    fc.string({ minLength: min, maxLength: max, unit: 'grapheme' }),
    fc.string({ minLength: min, maxLength: max, unit: 'binary' }),
  );

const typesOf = (s: Schema): string[] =>
  s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];

/** Built once per schema node and name: wild() asks again for every level above it. */
const validMemo = new WeakMap<Schema, Map<string, fc.Arbitrary<unknown>>>();

/** A value of the declared shape (it may still be refused: unknown ids, rules beyond the schema). */
function valid(s: Schema, name: string, depth = 0): fc.Arbitrary<unknown> {
  const memo = validMemo.get(s) ?? new Map<string, fc.Arbitrary<unknown>>();
  validMemo.set(s, memo);
  const key = `${name}@${depth}`;
  let arb = memo.get(key);
  if (!arb) memo.set(key, (arb = buildValid(s, name, depth)));
  return arb;
}

function buildValid(s: Schema, name: string, depth: number): fc.Arbitrary<unknown> {
  if (s.anyOf?.length) return fc.oneof(...s.anyOf.map((v) => valid(v, name, depth)));
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  const types = typesOf(s);
  if (types.length > 1) return fc.oneof(...types.map((t) => valid({ ...s, type: t }, name, depth)));
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const min = s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : (s.minimum ?? -1e6);
      const max = s.maximum ?? Math.max(min + 1e6, 1e6);
      return types[0] === 'integer' || Number.isInteger(min)
        ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) })
        : fc.double({ min, max, noNaN: true });
    }
    case 'array':
      if (depth > 4) return fc.constant([]);
      return fc.array(valid(s.items ?? {}, name, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 4, 4)),
      });
    case 'object': {
      if (depth > 4 || !s.properties) return fc.constant({});
      const model = Object.fromEntries(
        Object.entries(s.properties).map(([k, v]) => [k, valid(v, k, depth + 1)]),
      );
      return fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in model) });
    }
    default:
      return validString(s, name);
  }
}

let knownIds: Array<fc.Arbitrary<string>> | undefined;
const anyKnownId = () => {
  const ids = [...(pools.get('*uuid') ?? [])];
  return (knownIds ??= ids.length ? [fc.constantFrom(...ids)] : []);
};

function validString(s: Schema, name: string): fc.Arbitrary<string> {
  const pool = [...(pools.get(name) ?? [])];
  const fromPool = pool.length ? [fc.constantFrom(...pool)] : [];
  if (s.format === 'uuid') return fc.oneof(...fromPool, ...anyKnownId(), fc.uuid());
  if (s.format === 'date-time')
    return fc
      .date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString());
  if (s.format === 'date')
    return fc
      .date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
  const min = s.minLength ?? 0;
  const max = Math.max(min, Math.min(s.maxLength ?? 40, 40));
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    return fc.oneof(
      ...fromPool,
      // Cut to the longest allowed (a filter would throw most away: patterns with * run long).
      fc.stringMatching(re).map((v) => v.slice(0, s.maxLength ?? 200)),
    );
  }
  return fc.oneof(...fromPool, text(min, max));
}

/** A value of the declared shape most of the time, else a wrong, oversize or odd one. */
function wild(s: Schema, name: string, depth = 0): fc.Arbitrary<unknown> {
  const wrong: Array<fc.WeightedArbitrary<unknown>> = [
    { weight: 2, arbitrary: edgeValue },
    { weight: 1, arbitrary: anyJson },
  ];
  const types = typesOf(s);
  if (types.includes('string') && s.maxLength !== undefined)
    wrong.push({
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: 40 }).map((n) => '字'.repeat(s.maxLength! + n)),
    });
  if ((types.includes('integer') || types.includes('number')) && s.maximum !== undefined)
    wrong.push({
      weight: 1,
      arbitrary: fc.constantFrom(s.maximum + 1, s.maximum + 0.5, s.maximum * 1000 + 1),
    });
  if (types.includes('array') && depth <= 4)
    wrong.push({
      weight: 1,
      arbitrary: fc.array(wild(s.items ?? {}, name, depth + 1), { maxLength: (s.maxItems ?? 3) + 2 }),
    });
  if (types.includes('object') && s.properties && depth <= 4) {
    // Each field wild, required ones sometimes missing, sometimes an unknown one more.
    const model = Object.fromEntries(
      Object.entries(s.properties).map(([k, v]) => [k, wild(v, k, depth + 1)]),
    );
    wrong.push({
      weight: 3,
      arbitrary: fc
        .tuple(fc.record(model, { requiredKeys: [] }), fc.option(fc.tuple(text(1, 12), anyJson)))
        .map(([o, extra]) => (extra ? { ...o, [extra[0]]: extra[1] } : o)),
    });
  }
  return fc.oneof({ weight: 5, arbitrary: valid(s, name, depth) }, ...wrong);
}

// --- requests ---------------------------------------------------------------------------------

interface FuzzRequest {
  method: string;
  url: string;
  route: string;
  headers: Record<string, string>;
  payload?: string;
}

/** Percent-encoded; a lone surrogate goes out as the bytes of one (not UTF-8: the server must refuse it). */
const enc = (v: string): string => {
  try {
    return encodeURIComponent(v);
  } catch {
    return encodeURIComponent(v.replace(/[\ud800-\udfff]/g, '')) + '%ED%A0%80';
  }
};

const asQueryValue = (v: unknown): string =>
  typeof v === 'string' ? v : v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v);

function requestArbitrary(r: Route): fc.Arbitrary<FuzzRequest> {
  const pathParams = r.params.filter((p) => p.in === 'path');
  const query = r.params.filter((p) => p.in === 'query');
  const pathArb = fc.tuple(
    ...pathParams.map((p) =>
      fc.oneof(
        { weight: 6, arbitrary: valid(p.schema ?? { type: 'string' }, p.name) },
        { weight: 1, arbitrary: edgeValue.map(asQueryValue) },
        // Sent as written: broken %-escapes, slashes and dots reach the router.
        { weight: 1, arbitrary: fc.constantFrom('%', '%E4%B8', '..', 'a/b', '%2F', '%00', ' ') },
      ),
    ),
  );
  const namedQuery = query.map((p) =>
    wild(p.schema ?? { type: 'string' }, p.name).map((v) => [p.name, v] as const),
  );
  const queryArb = fc.array(fc.oneof(...namedQuery, fc.tuple(text(1, 8), edgeValue)), { maxLength: 4 });
  const bodyArb: fc.Arbitrary<string | undefined> = r.body
    ? fc.oneof(
        { weight: 12, arbitrary: wild(r.body, 'body').map((b) => JSON.stringify(b) ?? 'null') },
        { weight: 1, arbitrary: fc.constantFrom(undefined, '', '{', '{"a":', 'null', '[]', '"x"') },
      )
    : fc.oneof(
        { weight: 8, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: anyJson.map((b) => JSON.stringify(b)) },
      );
  return fc
    .record({
      path: pathArb,
      query: queryArb,
      body: bodyArb,
      ifMatch: fc.option(
        fc.oneof(
          fc.nat(5).map((n) => `"${n}"`),
          edgeValue.map(asQueryValue),
        ),
        {
          freq: 4,
        },
      ),
      idempotencyKey: fc.option(fc.oneof(fc.uuid(), text(0, 300)), { freq: 3 }),
    })
    .map(({ path, query: q, body, ifMatch, idempotencyKey }) => {
      let i = 0;
      const url = r.path.replace(/\{(\w+)\}/g, () => {
        const v = path[i++] as string;
        return /^%|^\.\.$|\/|^ $/.test(v) ? v : enc(v);
      });
      const qs = q
        .map(([k, v]) =>
          Array.isArray(v)
            ? v.map((x) => `${enc(k)}=${enc(asQueryValue(x))}`).join('&')
            : `${enc(k)}=${enc(asQueryValue(v))}`,
        )
        .filter(Boolean)
        .join('&');
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      // Header values must be printable ASCII, or Node refuses to send them at all.
      const header = (v: string) => v.replace(/[^\x20-\x7e]/g, '?');
      if (ifMatch !== null) headers['if-match'] = header(ifMatch);
      if (idempotencyKey !== null) headers['idempotency-key'] = header(idempotencyKey);
      return {
        method: r.method,
        route: `${r.method} ${r.path}`,
        url: qs ? `${url}?${qs}` : url,
        headers,
        ...(body !== undefined ? { payload: body } : {}),
      };
    });
}

// --- the database before and after -------------------------------------------------------------

/** Row count and md5 of all rows, per table of the public schema. */
async function snapshot(s: TestServer): Promise<Map<string, string>> {
  const tables = await sql<{ name: string }>`
    select table_name as name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`.execute(s.ctx.db);
  const parts = tables.rows.map(
    (t) =>
      `select '${t.name}' as t, count(*) || ':' || coalesce(max(xmin::text::bigint), 0) as h from public."${t.name}" x`,
  );
  const res = await sql<{ t: string; h: string }>`${sql.raw(parts.join(' union all '))}`.execute(s.ctx.db);
  return new Map(res.rows.map((r) => [r.t, r.h]));
}

/**
 * Refused requests that write by design — failed sign-ins, password changes and second-factor codes
 * are audited and counted for the lockout (等保 asks for both); a session's last use is written at
 * most once a minute whatever the answer.
 */
const WRITES_WHEN_REFUSED = [/^POST \/api\/v1\/auth\/(login|password|mfa)/];
const TABLES_TOUCHED_BY_ANY_REQUEST = new Set(['sessions']);

// --- the test ---------------------------------------------------------------------------------

let s: TestServer;
let auth: { authorization: string };

describe.runIf(engine === 'postgres')(
  'bad input fuzzing of every route from the OpenAPI document (PostgreSQL)',
  { timeout: 400_000 },
  () => {
    beforeAll(async () => {
      s = await createTestServer({
        env: {
          ONEPOINT_SEARCH_SLOWDOWN_STEP_MS: '0',
          ONEPOINT_SEARCH_SLOWDOWN_MAX_MS: '0',
          ONEPOINT_REVEAL_DAILY_CAP: '100000',
        },
      });
      auth = await s.as('admin');
    });
    afterAll(async () => {
      await s?.close();
    });

    it(`answers ${RUNS} fuzzed requests without a 5xx; refused ones change no table (seed ${SEED})`, async () => {
      const phase = { harvest: Date.now(), generate: 0, reads: 0, writes: 0, snapshots: 0 };
      const docRes = await s.app.inject({ method: 'GET', url: '/docs/json' });
      expect(docRes.statusCode).toBe(200);
      const doc = docRes.json() as { paths: Record<string, Record<string, Operation>> };
      const routes: Route[] = [];
      for (const [p, ops] of Object.entries(doc.paths))
        for (const [m, op] of Object.entries(ops))
          routes.push({
            method: m.toUpperCase(),
            path: p,
            params: op.parameters ?? [],
            ...(op.requestBody?.content?.['application/json']?.schema
              ? { body: op.requestBody.content['application/json'].schema }
              : {}),
          });
      // API routes the document does not list are fuzzed too, their path parameters as strings.
      const listed = new Set(routes.map((r) => `${r.method} ${r.path}`));
      for (const r of s.app.routeAccess) {
        const p = r.url.replace(/:(\w+)/g, '{$1}');
        if (listed.has(`${r.method} ${p}`) || r.method === 'HEAD') continue;
        listed.add(`${r.method} ${p}`);
        routes.push({
          method: r.method,
          path: p,
          params: [...p.matchAll(/\{(\w+)\}/g)].map((m) => ({
            in: 'path' as const,
            name: m[1]!,
            required: true,
            schema: { type: 'string' },
          })),
          ...(['POST', 'PUT', 'PATCH'].includes(r.method) ? { body: {} } : {}),
        });
      }
      expect(routes.some((r) => r.path.startsWith('/tmf-api/'))).toBe(true);
      expect(routes.length).toBeGreaterThan(150);

      // Real ids and codes from the lists, so that fuzzed requests reach existing rows.
      const me = (await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: auth })).json() as {
        id: string;
        orgUnitId: string;
        roles: string[];
      };
      for (const v of [me.id, me.orgUnitId, ...me.roles]) protectedValues.add(v);
      const harvest = (node: unknown, listName: string, depth = 0) => {
        if (depth > 6 || node === null || typeof node !== 'object') return;
        if (Array.isArray(node)) return node.forEach((n) => harvest(n, listName, depth + 1));
        for (const [k, v] of Object.entries(node)) {
          if (typeof v === 'string' && !protectedValues.has(v)) {
            if (/^[0-9a-f]{8}-[0-9a-f]{4}-/.test(v)) addToPool('*uuid', v);
            if (k === 'id') addToPool(`${listName}:id`, v);
            if (['code', 'kind', 'year', 'address', 'event', 'lang'].includes(k)) addToPool(k, v);
            if (/Id$/.test(k)) addToPool(k, v);
          } else harvest(v, listName, depth + 1);
        }
      };
      for (const r of routes)
        if (r.method === 'GET' && !r.path.includes('{')) {
          const res = await s.app.inject({ method: 'GET', url: r.path, headers: auth });
          if (res.headers['content-type']?.toString().startsWith('application/json'))
            harvest(res.json(), r.path);
        }
      // {id} of /x/{id} comes from the list at /x.
      for (const r of routes)
        for (const m of r.path.matchAll(/\/([^/{}]+)\/\{(\w+)\}/g)) {
          const list = r.path.slice(0, r.path.indexOf(`/{${m[2]}}`));
          for (const v of pools.get(`${list}:id`) ?? []) addToPool(m[2]!, v);
        }

      // Public routes check their own credentials (a gateway's signature, a sign-in's password): a
      // 401 there refuses the request, it does not mean the fuzzing session ended.
      const ownCredentials = new Set(
        s.app.routeAccess
          .filter((r) => 'public' in r.access)
          .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`),
      );
      // Never fuzzed: signing the fuzzing session out.
      const fuzzed = routes.filter((r) => !(r.method === 'POST' && r.path === '/api/v1/auth/logout'));
      phase.harvest = Date.now() - phase.harvest;
      phase.generate = Date.now();
      // One arbitrary per route, built once (chain would build it again for every request).
      const perRoute = fuzzed.map(requestArbitrary);
      const requests = fc.sample(fc.oneof(...perRoute), { seed: SEED, numRuns: RUNS });

      const serverErrors: string[] = [];
      const changedByRefused: string[] = [];
      let checked = 0;
      const byStatus = new Map<string, number>();
      const send = async (req: FuzzRequest, index: number): Promise<number> => {
        const res = await s.app.inject({
          method: req.method as 'GET',
          url: req.url,
          headers: { ...auth, ...req.headers },
          ...(req.payload !== undefined ? { payload: req.payload } : {}),
        });
        const key = `${req.method === 'GET' ? 'GET' : 'write'} ${res.statusCode}`;
        byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
        if (res.statusCode >= 500)
          serverErrors.push(
            `#${index} ${req.method} ${req.url.slice(0, 300)} ${JSON.stringify(req.headers)} ` +
              `${(req.payload ?? '').slice(0, 500)} → ${res.statusCode} ${res.body.slice(0, 300)}`,
          );
        // 401 is right for a wrong password given to the auth routes, and for a public route's own
        // check; elsewhere the session ended.
        if (res.statusCode === 401 && !req.url.startsWith('/api/v1/auth/') && !ownCredentials.has(req.route))
          throw new Error(`the fuzzing session was signed out at #${index} ${req.route} (seed ${SEED})`);
        return res.statusCode;
      };
      phase.generate = Date.now() - phase.generate;
      const indexed = requests.map((req, index) => ({ req, index }));
      const started = Date.now();
      const cpu = process.cpuUsage();
      // Reads: only never a 5xx (a read that succeeds may write, e.g. the customers' access log).
      // (and refused sign-ins, password changes and codes, which write by design: above)
      const writesWhenRefused = (r: FuzzRequest) =>
        WRITES_WHEN_REFUSED.some((re) => re.test(`${r.method} ${r.url}`));
      const reads = indexed.filter((r) => r.req.method === 'GET' || writesWhenRefused(r.req));
      phase.reads = Date.now();
      for (let i = 0; i < reads.length && serverErrors.length < 20; i += PARALLEL)
        await Promise.all(reads.slice(i, i + PARALLEL).map((r) => send(r.req, r.index)));
      // Writes, in small batches: a batch that was refused whole must leave every table as it was.
      phase.reads = Date.now() - phase.reads;
      phase.writes = Date.now();
      const writes = indexed.filter((r) => r.req.method !== 'GET' && !writesWhenRefused(r.req));
      const timedSnapshot = async () => {
        const t0 = Date.now();
        const snap = await snapshot(s);
        phase.snapshots += Date.now() - t0;
        return snap;
      };
      let before = await timedSnapshot();
      for (let i = 0; i < writes.length && serverErrors.length < 20; i += BATCH) {
        const batch = writes.slice(i, i + BATCH);
        const statuses: number[] = [];
        for (let j = 0; j < batch.length; j += PARALLEL)
          await Promise.all(
            batch.slice(j, j + PARALLEL).map(async (r, k) => (statuses[j + k] = await send(r.req, r.index))),
          );
        const after = await timedSnapshot();
        const refused = statuses.every((st) => st >= 400 && st < 500);
        if (refused) {
          const changed = [...after].filter(
            ([t, h]) => before.get(t) !== h && !TABLES_TOUCHED_BY_ANY_REQUEST.has(t),
          );
          if (changed.length)
            changedByRefused.push(
              `requests ${batch.map((r) => `#${r.index}`).join(',')} changed ${changed.map(([t]) => t).join(', ')}: ` +
                batch.map((r, k) => `${statuses[k]} ${r.req.route}`).join('; '),
            );
          else checked += batch.length;
        }
        before = after;
      }
      phase.writes = Date.now() - phase.writes;
      const seconds = (Date.now() - started) / 1000;
      const used = process.cpuUsage(cpu);
      const cpuSeconds = (used.user + used.system) / 1e6;
      console.log(
        `fuzz seed ${SEED}: ${requests.length} requests in ${seconds.toFixed(1)} s (${cpuSeconds.toFixed(1)} s of CPU in this process) over ${fuzzed.length} routes; ` +
          `${checked} refused ones checked against every table; statuses ${JSON.stringify(Object.fromEntries(byStatus))}; ms ${JSON.stringify(phase)}`,
      );
      const replay = `(replay: ONEPOINT_FUZZ_SEED=${SEED} ONEPOINT_TEST_ENGINE=postgres npx vitest run test/integration/reliability-fuzz.test.ts)`;
      expect(serverErrors, `5xx answers ${replay}`).toEqual([]);
      expect(changedByRefused, `refused requests that changed tables ${replay}`).toEqual([]);
      // Most requests are refused, so most are checked against every table.
      expect(checked).toBeGreaterThan(RUNS / 5);
    });
  },
);
