// Generators of bad input and the one check of the error answer, shared by the *-bad-input
// integration tests: every refused request gets a 4xx with a stable code and a human message
// (our error body or the TMF Error shape) and, where a field is to blame, names it.
import type { InjectOptions } from 'fastify';
import type { App } from '../src/platform/http/app.ts';

export type Kind =
  'string' | 'password' | 'number' | 'boolean' | 'array' | 'object' | 'uuid' | 'enum' | 'datetime' | 'date';

export interface Field {
  name: string;
  kind: Kind;
  required?: boolean;
  /** Longest accepted length, for strings. */
  max?: number;
  /** Most items, for arrays. */
  maxItems?: number;
  /** Bounds, for numbers. */
  minimum?: number;
  maximum?: number;
}

export interface BodyRoute {
  method: 'POST' | 'PATCH' | 'PUT';
  url: string;
  anonymous?: boolean;
  valid: Record<string, unknown>;
  fields: Field[];
}

export interface Case {
  what: string;
  req: InjectOptions;
  /** The status wanted; a list when several answers are right. */
  status: number | number[];
  code: string | string[];
  /** The field the error must name (exactly, or a part of it such as body.tags.3). */
  field?: string;
}

export const WRONG_TYPE: Record<Kind, unknown> = {
  string: 12345,
  password: 12345,
  number: 'abc',
  boolean: 'yes',
  array: 'not-a-list',
  object: 'not-an-object',
  uuid: 'not-a-uuid',
  enum: 'bogus',
  datetime: 'next tuesday',
  date: '2024-02-30',
};

/** Characters PostgreSQL cannot store or that no name, address or note means. */
export const UNSTORABLE_STRINGS: Array<[string, string]> = [
  ['a NUL byte', 'ab\u0000cd'],
  ['a bell character', 'ab\u0007cd'],
  ['an escape sequence', 'ab\u001b[31mcd'],
  ['a lone UTF-16 surrogate', 'ab\ud800cd'],
];

type JsonSchema = {
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  maxLength?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

function kindOf(name: string, s: JsonSchema): Field {
  const variant = s.anyOf?.find((v) => v.type !== 'null') ?? s;
  const type = [variant.type ?? 'string'].flat().find((t) => t !== 'null') ?? 'string';
  const field: Field = { name, kind: 'string' };
  if (type === 'string') {
    field.kind = variant.enum
      ? 'enum'
      : variant.format === 'uuid'
        ? 'uuid'
        : variant.format === 'date-time'
          ? 'datetime'
          : variant.format === 'date'
            ? 'date'
            : /password/i.test(name)
              ? 'password'
              : 'string';
    if (variant.maxLength !== undefined) field.max = variant.maxLength;
  } else if (type === 'number' || type === 'integer') {
    field.kind = 'number';
    if (variant.minimum !== undefined) field.minimum = variant.minimum;
    if (variant.exclusiveMinimum !== undefined) field.minimum = variant.exclusiveMinimum + 1;
    if (variant.maximum !== undefined) field.maximum = variant.maximum;
  } else if (type === 'boolean') field.kind = 'boolean';
  else if (type === 'array') {
    field.kind = 'array';
    if (variant.maxItems !== undefined) field.maxItems = variant.maxItems;
  } else if (type === 'object') field.kind = 'object';
  return field;
}

/** The top-level fields of a route's JSON request body, read from the server's OpenAPI document. */
export function fieldsFromOpenApi(doc: unknown, method: string, path: string): Field[] {
  const op = (doc as { paths: Record<string, Record<string, unknown>> }).paths[path]?.[
    method.toLowerCase()
  ] as { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } } | undefined;
  const schema = op?.requestBody?.content?.['application/json']?.schema;
  if (!schema?.properties) throw new Error(`no JSON body schema for ${method} ${path}`);
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, s]) => ({
    ...kindOf(name, s),
    ...(required.has(name) ? { required: true } : {}),
  }));
}

/** The valid body with GBK bytes in its first string field (or in an extra one). */
function notUtf8(r: BodyRoute): Buffer {
  const field = r.fields.find((f) => f.kind === 'string' && typeof r.valid[f.name] === 'string')?.name ?? 'x';
  const [head, tail] = JSON.stringify({ ...r.valid, [field]: '@GBK@' }).split('@GBK@') as [string, string];
  return Buffer.concat([Buffer.from(head), Buffer.from([0xcd, 0xf5, 0xb7, 0xbc]), Buffer.from(tail)]);
}

/**
 * For each field: missing (when required), the wrong type, an object in its place, one character
 * too long, items or numbers out of bounds, unstorable characters; for the body: unknown fields,
 * an array, nothing, an empty object, broken JSON, other media types and an oversize body.
 */
export function bodyCases(r: BodyRoute): Case[] {
  const base = { method: r.method, url: r.url };
  const cases: Case[] = [];
  const invalid = (what: string, payload: unknown, field?: string): Case => ({
    what,
    req: { ...base, payload: payload as InjectOptions['payload'] },
    status: 400,
    code: 'VALIDATION_FAILED',
    ...(field !== undefined ? { field } : {}),
  });
  const with_ = (patch: Record<string, unknown>, drop?: string) => {
    const body: Record<string, unknown> = { ...r.valid, ...patch };
    if (drop) delete body[drop];
    return body;
  };
  for (const f of r.fields) {
    const field = `body.${f.name}`;
    if (f.required) cases.push(invalid(`missing ${f.name}`, with_({}, f.name), field));
    cases.push(invalid(`${f.name} of the wrong type`, with_({ [f.name]: WRONG_TYPE[f.kind] }), field));
    if (f.kind !== 'object')
      cases.push(invalid(`${f.name} as an object`, with_({ [f.name]: { $ne: null } }), field));
    if (f.max !== undefined)
      cases.push(
        invalid(`${f.name} one character too long`, with_({ [f.name]: 'a'.repeat(f.max + 1) }), field),
      );
    if (f.maxItems !== undefined) {
      const sample = Array.isArray(r.valid[f.name]) ? (r.valid[f.name] as unknown[])[0] : undefined;
      cases.push(
        invalid(
          `${f.name} with one item too many`,
          with_({ [f.name]: Array.from({ length: f.maxItems + 1 }, () => sample ?? 'x') }),
          field,
        ),
      );
    }
    if (f.maximum !== undefined)
      cases.push(invalid(`${f.name} above its maximum`, with_({ [f.name]: f.maximum + 1 }), field));
    if (f.minimum !== undefined)
      cases.push(invalid(`${f.name} below its minimum`, with_({ [f.name]: f.minimum - 1 }), field));
    if (f.kind === 'string' || f.kind === 'password')
      for (const [what, value] of UNSTORABLE_STRINGS)
        cases.push(invalid(`${f.name} with ${what}`, with_({ [f.name]: value }), field));
  }
  const anyRequired = r.fields.some((f) => f.required);
  cases.push(
    invalid('an unknown field', { ...r.valid, isAdmin: true }, 'body'),
    invalid('a JSON array', [r.valid], 'body'),
    invalid('no body at all', undefined, 'body'),
    // A PATCH of nothing says so rather than writing a new version; a POST misses its fields.
    invalid('an empty object', {}, anyRequired ? undefined : 'body'),
    {
      what: 'broken JSON',
      req: { ...base, headers: { 'content-type': 'application/json' }, payload: '{"name": "x",' },
      status: 400,
      code: 'BAD_REQUEST',
    },
    {
      // Prototype pollution through JSON: refused by the parser, never merged into objects.
      what: 'a __proto__ key',
      req: {
        ...base,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(r.valid).replace(/^\{/, '{"__proto__":{"isAdmin":true},'),
      },
      status: 400,
      code: ['BAD_REQUEST', 'VALIDATION_FAILED'],
    },
    {
      what: 'a constructor.prototype key',
      req: {
        ...base,
        headers: { 'content-type': 'application/json' },
        payload: JSON.stringify(r.valid).replace(/^\{/, '{"constructor":{"prototype":{"isAdmin":true}},'),
      },
      status: 400,
      code: ['BAD_REQUEST', 'VALIDATION_FAILED'],
    },
    {
      // GBK bytes of 王芳 as a string field's value: read as UTF-8 they became U+FFFD, stored.
      what: 'a body that is not UTF-8',
      req: { ...base, headers: { 'content-type': 'application/json' }, payload: notUtf8(r) },
      status: 400,
      code: 'BAD_REQUEST',
    },
    {
      what: 'a charset other than UTF-8',
      req: {
        ...base,
        headers: { 'content-type': 'application/json; charset=gbk' },
        payload: JSON.stringify(r.valid),
      },
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      what: 'a text/plain body',
      req: { ...base, headers: { 'content-type': 'text/plain' }, payload: JSON.stringify(r.valid) },
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      what: 'a form-encoded body',
      req: { ...base, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=x' },
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    },
    {
      what: 'a body over the size limit',
      req: { ...base, payload: { ...r.valid, padding: 'x'.repeat(1024 * 1024 + 10) } },
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
  );
  return cases;
}

/** A GET with a bad query or path, refused with a validation error naming `field`. */
export const badQuery = (url: string, field: string): Case => ({
  what: url,
  req: { method: 'GET', url },
  status: 400,
  code: 'VALIDATION_FAILED',
  field,
});

interface ErrorShape {
  code?: unknown;
  message?: unknown;
  reason?: unknown;
  status?: unknown;
  '@type'?: unknown;
  details?: { fields?: Array<{ field: string }>; field?: string };
}

/** What is wrong with the answer to a case, or undefined when it is right. */
export function problemWith(
  c: Case,
  res: { statusCode: number; body: string; headers: Record<string, unknown> },
): string | undefined {
  const label = `${c.req.method} ${String(c.req.url).slice(0, 160)} — ${c.what}`;
  const statuses = [c.status].flat();
  if (!statuses.includes(res.statusCode))
    return `${label}: want ${statuses.join('|')}, got ${res.statusCode} ${res.body.slice(0, 300)}`;
  if (!String(res.headers['content-type'] ?? '').startsWith('application/json'))
    return `${label}: not JSON (${String(res.headers['content-type'])})`;
  let body: ErrorShape;
  try {
    body = JSON.parse(res.body) as ErrorShape;
  } catch {
    return `${label}: body is not JSON`;
  }
  // TM Forum's Error: code ERRnnn, our stable code in reason.
  const tmf = body['@type'] === 'Error';
  if (tmf && (body.code !== `ERR${res.statusCode}` || body.status !== String(res.statusCode)))
    return `${label}: TMF Error shape wrong: ${res.body.slice(0, 200)}`;
  const code = tmf ? body.reason : body.code;
  if (![c.code].flat().includes(code as string))
    return `${label}: want code ${String(c.code)}, got ${String(code)}`;
  if (typeof body.message !== 'string' || body.message.trim().length < 5) return `${label}: no message`;
  if (c.field !== undefined) {
    const names = [...(body.details?.fields?.map((f) => f.field) ?? []), body.details?.field].filter(
      (f): f is string => typeof f === 'string',
    );
    const named = (f: string) => f === c.field || f.startsWith(`${c.field}.`);
    if (!tmf && !names.some(named))
      return `${label}: field ${c.field} not named in ${JSON.stringify(names)} (${body.message})`;
    const short = c.field.replace(/^body\./, '');
    if (!body.message.includes(c.field) && !body.message.includes(short))
      return `${label}: message does not name ${c.field}: ${body.message}`;
  }
  return undefined;
}

/** Sends every case (a few at a time) and returns what was wrong with the answers. */
export async function runCases(
  app: App,
  cases: Case[],
  headers: (c: Case) => Record<string, string>,
  concurrency = 6,
): Promise<{ problems: string[]; bodies: string[] }> {
  const problems: string[] = [];
  const bodies: string[] = [];
  for (let i = 0; i < cases.length; i += concurrency) {
    await Promise.all(
      cases.slice(i, i + concurrency).map(async (c) => {
        const res = await app.inject({
          ...c.req,
          headers: { ...headers(c), ...((c.req.headers as Record<string, string>) ?? {}) },
        });
        bodies.push(res.body);
        const p = problemWith(c, res);
        if (p) problems.push(p);
      }),
    );
  }
  return { problems, bodies };
}
