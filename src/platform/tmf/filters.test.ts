import { Kysely, PostgresDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { matchesCondition, parseFilters, sqlCondition, type FilterCatalogue } from './filters.ts';

const catalogue = {
  id: { type: 'string' },
  '@type': { type: 'enum', values: ['Customer'] },
  status: { type: 'enum', values: ['active', 'suspended', 'closed'] },
  name: { type: 'string', operators: ['eq', 'ne', 'regex'] },
  'engagedParty.id': { type: 'string' },
  'relatedParty.role': { type: 'string' },
  'validFor.startDateTime': { type: 'dateTime' },
  score: { type: 'number' },
  vip: { type: 'boolean' },
} satisfies FilterCatalogue;

const parse = (q: Record<string, unknown>) => parseFilters(q, catalogue);
const refused = (q: Record<string, unknown>) => {
  try {
    parse(q);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).status).toBe(400);
    return (e as AppError).message;
  }
  throw new Error('not refused');
};

describe('TMF attribute filters', () => {
  it('reads equals, comma OR lists, dotted paths and @type; paging and fields are not filters', () => {
    expect(
      parse({
        id: 'a,b',
        status: 'active,suspended',
        'engagedParty.id': 'p1',
        '@type': 'Customer',
        fields: 'name',
        offset: '0',
        limit: '5',
      }),
    ).toEqual([
      { field: 'id', op: 'eq', values: ['a', 'b'] },
      { field: 'status', op: 'eq', values: ['active', 'suspended'] },
      { field: 'engagedParty.id', op: 'eq', values: ['p1'] },
      { field: '@type', op: 'eq', values: ['Customer'] },
    ]);
  });

  it('reads the dotted operators and their symbol forms, typed', () => {
    const t = '2024-05-01T00:00:00+08:00';
    expect(parse({ 'validFor.startDateTime.gte': t })).toEqual([
      { field: 'validFor.startDateTime', op: 'gte', values: [new Date(t)] },
    ]);
    expect(parse({ 'score.gt': '3', 'score.lte': '9.5', 'status.ne': 'closed', 'vip.eq': 'true' })).toEqual([
      { field: 'score', op: 'gt', values: [3] },
      { field: 'score', op: 'lte', values: [9.5] },
      { field: 'status', op: 'ne', values: ['closed'] },
      { field: 'vip', op: 'eq', values: [true] },
    ]);
    // score>=3 arrives as key "score>" value "3"; score<3 as key "score<3" with no value.
    expect(parse({ 'score>': '3', 'score<9': '', 'status!': 'closed', 'name*': '^王' })).toEqual([
      { field: 'score', op: 'gte', values: [3] },
      { field: 'score', op: 'lt', values: [9] },
      { field: 'status', op: 'ne', values: ['closed'] },
      { field: 'name', op: 'regex', values: ['^王'] },
    ]);
  });

  it('a parameter given twice is two conditions (both must hold)', () => {
    expect(parse({ 'relatedParty.role': ['owner', 'accountManager'] })).toEqual([
      { field: 'relatedParty.role', op: 'eq', values: ['owner'] },
      { field: 'relatedParty.role', op: 'eq', values: ['accountManager'] },
    ]);
  });

  it('refuses, naming the attribute, what it cannot honour (never ignores it)', () => {
    expect(refused({ favouriteColour: 'blue' })).toMatch(
      /"favouriteColour" is not supported; filter on id, @type/,
    );
    expect(refused({ status: 'gone' })).toMatch(/status: each value is one of active, suspended, closed/);
    expect(refused({ 'status.gt': 'active' })).toMatch(
      /status: the operator gt is not supported; use eq, ne/,
    );
    expect(refused({ 'name.regex': '(' })).toMatch(/not a valid regular expression/);
    expect(refused({ 'score.gt': '1,2' })).toMatch(/takes one value/);
    expect(refused({ 'score.gt': 'x' })).toMatch(/score: a number/);
    expect(refused({ 'validFor.startDateTime.lt': '2024-05-01T00:00:00' })).toMatch(/with a time zone/);
    expect(refused({ 'validFor.startDateTime.lt': '2024-13-45T00:00:00Z' })).toMatch(/with a time zone/);
    expect(refused({ status: 'active,' })).toMatch(/status: give a value/);
    expect(refused({ vip: 'yes' })).toMatch(/true or false/);
  });

  it('checks a condition in memory the same way', () => {
    const [eq] = parse({ status: 'active,suspended' });
    expect(matchesCondition('suspended', eq!)).toBe(true);
    expect(matchesCondition('closed', eq!)).toBe(false);
    const [ne] = parse({ 'status.ne': 'closed' });
    expect(matchesCondition(undefined, ne!)).toBe(true);
    expect(matchesCondition('closed', ne!)).toBe(false);
    const [after] = parse({ 'validFor.startDateTime.gt': '2024-05-01T00:00:00Z' });
    expect(matchesCondition(new Date('2024-05-01T00:00:01Z'), after!)).toBe(true);
    expect(matchesCondition(new Date('2024-05-01T00:00:00Z'), after!)).toBe(false);
    const [re] = parse({ 'name.regex': '^王' });
    expect(matchesCondition('王芳', re!)).toBe(true);
  });

  it('turns a condition into SQL on the column the module names', () => {
    const db = new Kysely<{ t: { a: string; d: Date } }>({
      dialect: new PostgresDialect({ pool: {} as never }),
    });
    const compile = (q: Record<string, unknown>, column: string) =>
      db
        .selectFrom('t')
        .selectAll()
        .where((eb) => eb.and(parse(q).map((c) => sqlCondition(eb, column, c))))
        .compile();
    const list = compile({ status: 'active,suspended' }, 'a');
    expect(list.sql).toBe('select * from "t" where "a" in ($1, $2)');
    expect(list.parameters).toEqual(['active', 'suspended']);
    expect(compile({ 'status.ne': 'closed' }, 'a').sql).toBe(
      'select * from "t" where ("a" is null or "a" <> $1)',
    );
    expect(compile({ 'validFor.startDateTime.gte': '2024-05-01T00:00:00Z' }, 'd').sql).toBe(
      'select * from "t" where "d" >= $1',
    );
    expect(compile({ 'name.regex': '^a' }, 'a').sql).toBe('select * from "t" where "a" ~ $1');
  });
});
