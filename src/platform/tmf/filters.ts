/**
 * TMF630 attribute filtering in the query string, parsed into conditions a module turns into SQL
 * (this file knows no table): `status=active` (equals), `status=active,suspended` (a comma list:
 * any of them), `creationDate.gte=2024-01-01T00:00:00Z` (operators `.eq .ne .gt .gte .lt .lte
 * .regex`, or `= != > >= < <= *=`), dotted attribute paths (`engagedParty.id`), and `@type`.
 * Separate parameters are all required (AND); a parameter named twice gives two conditions.
 */
import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import { AppError } from '../errors.ts';

export const FILTER_OPERATORS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'regex'] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export type FilterValue = string | number | boolean | Date;

export type FilterFieldSpec =
  | { type: 'string'; operators?: readonly FilterOperator[]; maxLength?: number }
  | { type: 'enum'; values: readonly string[]; operators?: readonly FilterOperator[] }
  | { type: 'dateTime'; operators?: readonly FilterOperator[] }
  | { type: 'number'; operators?: readonly FilterOperator[] }
  | { type: 'boolean'; operators?: readonly FilterOperator[] };

/** The attributes a resource can be filtered on, by their TMF path (`relatedParty.role`). */
export type FilterCatalogue<F extends string = string> = Readonly<Record<F, FilterFieldSpec>>;

export interface FilterCondition<F extends string = string> {
  field: F;
  op: FilterOperator;
  /** Several only for `eq` / `ne` (a comma list: any of / none of them). */
  values: FilterValue[];
}

const ORDERED: readonly FilterOperator[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'];
const DEFAULT_OPERATORS: Record<FilterFieldSpec['type'], readonly FilterOperator[]> = {
  string: ['eq', 'ne'],
  enum: ['eq', 'ne'],
  boolean: ['eq', 'ne'],
  dateTime: ORDERED,
  number: ORDERED,
};

// `a>=b` reaches us as key `a>` and value `b`; `a>b` (no `=`) as key `a>b` and an empty value.
const SYMBOL_WITH_EQUALS: Record<string, FilterOperator> = {
  '>': 'gte',
  '<': 'lte',
  '!': 'ne',
  '*': 'regex',
};
const SYMBOL_ALONE: Record<string, FilterOperator> = { '>': 'gt', '<': 'lt' };

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const MAX_VALUES = 100;

const bad = (message: string) => new AppError('BAD_REQUEST', message);

function splitKey(key: string, rawValue: string): { path: string; op: FilterOperator; value: string } {
  const alone = /^([^<>]+)([<>])([^<>=]+)$/.exec(key);
  if (alone && rawValue === '') return { path: alone[1]!, op: SYMBOL_ALONE[alone[2]!]!, value: alone[3]! };
  const last = key.at(-1)!;
  if (last in SYMBOL_WITH_EQUALS)
    return { path: key.slice(0, -1), op: SYMBOL_WITH_EQUALS[last]!, value: rawValue };
  const dot = key.lastIndexOf('.');
  const suffix = dot > 0 ? key.slice(dot + 1) : '';
  if ((FILTER_OPERATORS as readonly string[]).includes(suffix))
    return { path: key.slice(0, dot), op: suffix as FilterOperator, value: rawValue };
  return { path: key, op: 'eq', value: rawValue };
}

function convert(field: string, spec: FilterFieldSpec, op: FilterOperator, raw: string): FilterValue {
  if (op === 'regex') {
    // Short patterns only: a hub query is matched in memory, per event.
    if (raw.length > 100) throw bad(`Filter ${field}.regex: at most 100 characters`);
    try {
      new RegExp(raw);
    } catch {
      throw bad(`Filter ${field}.regex: not a valid regular expression`);
    }
    return raw;
  }
  switch (spec.type) {
    case 'string':
      if (raw.length > (spec.maxLength ?? 200))
        throw bad(`Filter ${field}: a value is longer than ${spec.maxLength ?? 200} characters`);
      return raw;
    case 'enum':
      if (!spec.values.includes(raw))
        throw bad(`Filter ${field}: each value is one of ${spec.values.join(', ')}`);
      return raw;
    case 'boolean':
      if (raw !== 'true' && raw !== 'false') throw bad(`Filter ${field}: true or false`);
      return raw === 'true';
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw bad(`Filter ${field}: a number`);
      return n;
    }
    case 'dateTime': {
      const d = new Date(raw);
      if (!ISO_DATE_TIME.test(raw) || Number.isNaN(d.getTime()))
        throw bad(`Filter ${field}: a date-time with a time zone, such as 2024-05-01T00:00:00+08:00`);
      return d;
    }
  }
}

/**
 * Every query parameter that is not `reserved` (paging, `fields`) is a filter on an attribute of
 * the catalogue; anything else is refused (400) naming what is supported, never ignored.
 */
export function parseFilters<F extends string>(
  query: Readonly<Record<string, unknown>>,
  catalogue: FilterCatalogue<F>,
  reserved: readonly string[] = ['fields', 'offset', 'limit'],
): FilterCondition<F>[] {
  const conditions: FilterCondition<F>[] = [];
  for (const [key, given] of Object.entries(query)) {
    if (reserved.includes(key) || given === undefined) continue;
    for (const one of Array.isArray(given) ? given : [given]) {
      if (typeof one !== 'string') throw bad(`Filter ${key}: give it as text`);
      const { path, op, value } = splitKey(key, one);
      if (!Object.hasOwn(catalogue, path))
        throw bad(`Filtering on "${path}" is not supported; filter on ${Object.keys(catalogue).join(', ')}`);
      const field = path as F;
      const spec = catalogue[field];
      const allowed = spec.operators ?? DEFAULT_OPERATORS[spec.type];
      if (!allowed.includes(op))
        throw bad(`Filter ${path}: the operator ${op} is not supported; use ${allowed.join(', ')}`);
      const parts = op === 'regex' ? [value] : value.split(',').map((v) => v.trim());
      if (parts.some((p) => p === '')) throw bad(`Filter ${path}: give a value`);
      if (parts.length > 1 && op !== 'eq' && op !== 'ne')
        throw bad(`Filter ${path}.${op}: takes one value (a comma list is for equals / not equals)`);
      if (parts.length > MAX_VALUES) throw bad(`Filter ${path}: at most ${MAX_VALUES} values`);
      conditions.push({ field, op, values: parts.map((p) => convert(path, spec, op, p)) });
    }
  }
  return conditions;
}

/** Every condition on one attribute, e.g. to handle `relatedParty.*` together. */
export const conditionsOn = <F extends string>(conditions: readonly FilterCondition<F>[], ...fields: F[]) =>
  conditions.filter((c) => fields.includes(c.field));

/**
 * A condition as SQL on one column or expression. Comparisons run in SQL, so a module gives the
 * column holding the attribute's value in the type the condition carries (text, timestamptz …).
 */
export function sqlCondition(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any table: the platform knows none
  eb: ExpressionBuilder<any, any>,
  column: Expression<unknown> | string,
  condition: Pick<FilterCondition, 'op' | 'values'>,
): Expression<SqlBool> {
  const ref = typeof column === 'string' ? eb.ref(column) : column;
  const { op, values } = condition;
  switch (op) {
    case 'eq':
      return values.length === 1 ? eb(ref, '=', values[0]) : eb(ref, 'in', values);
    case 'ne':
      // TMF: "not equal" keeps resources without the attribute too.
      return eb.or([
        eb(ref, 'is', null),
        values.length === 1 ? eb(ref, '<>', values[0]) : eb(ref, 'not in', values),
      ]);
    case 'gt':
      return eb(ref, '>', values[0]);
    case 'gte':
      return eb(ref, '>=', values[0]);
    case 'lt':
      return eb(ref, '<', values[0]);
    case 'lte':
      return eb(ref, '<=', values[0]);
    case 'regex':
      return sql<SqlBool>`${ref} ~ ${String(values[0])}`;
  }
}

/** A condition checked on a value in memory (the same meaning as `sqlCondition`). */
export function matchesCondition(
  value: FilterValue | null | undefined,
  condition: Pick<FilterCondition, 'op' | 'values'>,
): boolean {
  const { op, values } = condition;
  const key = (v: FilterValue) => (v instanceof Date ? v.getTime() : v);
  if (value === null || value === undefined) return op === 'ne';
  const v = key(value);
  switch (op) {
    case 'eq':
      return values.some((x) => key(x) === v);
    case 'ne':
      return values.every((x) => key(x) !== v);
    case 'gt':
      return v > key(values[0]!);
    case 'gte':
      return v >= key(values[0]!);
    case 'lt':
      return v < key(values[0]!);
    case 'lte':
      return v <= key(values[0]!);
    case 'regex':
      return new RegExp(String(values[0])).test(String(value));
  }
}
