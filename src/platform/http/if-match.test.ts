import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { expectedVersion, IF_MATCH, ifMatch, type IfMatchRule, withEtag } from './if-match.ts';

const request = (ifMatchHeader?: string) =>
  ({ headers: ifMatchHeader === undefined ? {} : { 'if-match': ifMatchHeader } }) as FastifyRequest;

/** The field a refusal names, or the version read. */
function read(header: string | undefined, body?: number, rule?: IfMatchRule): number | string | undefined {
  try {
    return expectedVersion(request(header), body, rule);
  } catch (err) {
    return (err as { details: { fields: Array<{ field: string }> } }).details.fields[0]!.field;
  }
}

const quoted: IfMatchRule = {
  ...IF_MATCH,
  malformed: ['If-Match', 'must be the ETag'],
  differs: ['version', 'differs'],
  form: 'quoted',
  least: 0,
};
const starred: IfMatchRule = { ...IF_MATCH, least: 0, star: true };

describe('If-Match', () => {
  it('reads "3", W/"3", a bare 3 and spaces around; none: the body version', () => {
    for (const h of ['"3"', 'W/"3"', '3', ' "3" ', 'W/3']) expect(read(h)).toBe(3);
    expect(read(undefined, 4)).toBe(4);
    expect(read(undefined)).toBeUndefined();
    expect(read('"3"', 3)).toBe(3);
  });

  it('refuses what names no version, version 0, and a body version that differs', () => {
    for (const h of ['yesterday', '"abc"', '*', '"0"', '"1234567890"', 'W/ "3"'])
      expect(read(h)).toBe('headers.if-match');
    expect(read('"3"', 4)).toBe('body.version');
  });

  it('a quoted-only rule refuses a bare number and takes version 0, with its own field names', () => {
    expect(read('3', undefined, quoted)).toBe('If-Match');
    expect(read('"3', undefined, quoted)).toBe('If-Match');
    expect(read(' W/"0" ', undefined, quoted)).toBe(0);
    expect(read('"3"', 4, quoted)).toBe('version');
  });

  it('a starred rule takes * as no header', () => {
    expect(read('*', 5, starred)).toBe(5);
    expect(ifMatch(request('*'), starred)).toBeUndefined();
    expect(read('"0"', undefined, starred)).toBe(0);
  });
});

describe('ETag', () => {
  it('is set from the version, not for a view without one', () => {
    const set: Array<[string, string]> = [];
    const reply = { header: (k: string, v: string) => set.push([k, v]) };
    expect(withEtag(reply, { version: 7, x: 1 })).toEqual({ version: 7, x: 1 });
    withEtag(reply, { version: null });
    expect(set).toEqual([['etag', '"7"']]);
  });
});
