import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { invalidTmfInput, tmfErrorBody } from './error.ts';
import { selectFields } from './fields.ts';
import { checkPublicUrl, publicBaseUrl, resourceHref } from './href.ts';
import { applyMergePatch } from './merge-patch.ts';
import { tmfListQuery } from './paging.ts';

describe('TMF Error body', () => {
  it('has code and status as strings, our code as reason', () => {
    expect(tmfErrorBody(new AppError('NOT_FOUND', 'customer not found'))).toEqual({
      '@type': 'Error',
      code: 'ERR404',
      status: '404',
      reason: 'NOT_FOUND',
      message: 'customer not found',
    });
  });

  it('names the first bad attribute by its TMF path', () => {
    const r = z.object({ phone: z.string() }).safeParse({ phone: 1 });
    const e = invalidTmfInput(r.error!, (f) => (f === 'phone' ? 'contactMedium.phoneNumber' : f));
    expect(e.status).toBe(400);
    expect(e.message).toMatch(/^Invalid input — contactMedium\.phoneNumber: /);
  });
});

describe('fields= selection', () => {
  const c = { id: '1', href: 'http://h/c/1', '@type': 'Customer', name: 'n', status: 'active', note: 'x' };
  it('keeps id, href and @type whatever is selected; dotted names select their first level', () => {
    expect(selectFields(c, 'status')).toEqual({
      id: '1',
      href: 'http://h/c/1',
      '@type': 'Customer',
      status: 'active',
    });
    expect(Object.keys(selectFields(c, 'name.first, note'))).toEqual(['id', 'href', '@type', 'name', 'note']);
    expect(selectFields(c, 'nothingKnown')).toEqual({ id: '1', href: 'http://h/c/1', '@type': 'Customer' });
    expect(selectFields(c, undefined)).toBe(c);
    expect(selectFields(c, '')).toBe(c);
  });
});

describe('offset/limit', () => {
  const q = z.object(tmfListQuery({ defaultLimit: 20, maxLimit: 100 }));
  it('caps a limit above the maximum instead of refusing it', () => {
    expect(q.parse({ limit: '5000' })).toMatchObject({ offset: 0, limit: 100 });
    expect(q.parse({})).toMatchObject({ offset: 0, limit: 20 });
    expect(q.parse({ limit: '1', offset: '7' })).toMatchObject({ offset: 7, limit: 1 });
    expect(q.safeParse({ limit: '0' }).success).toBe(false);
    expect(q.safeParse({ offset: 'x' }).success).toBe(false);
  });
});

describe('JSON Merge Patch (RFC 7386)', () => {
  it('follows the RFC examples', () => {
    // RFC 7386 appendix A, one row each.
    const cases: Array<[unknown, unknown, unknown]> = [
      [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
      [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
      [{ a: 'b' }, { a: null }, {}],
      [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
      [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
      [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
      [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
      [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
      [
        ['a', 'b'],
        ['c', 'd'],
        ['c', 'd'],
      ],
      [{ a: 'b' }, ['c'], ['c']],
      [{ a: 'foo' }, null, null],
      [{ a: 'foo' }, 'bar', 'bar'],
      [{ e: null }, { a: 1 }, { e: null, a: 1 }],
      [[1, 2], { a: 'b', c: null }, { a: 'b' }],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [target, patch, result] of cases) expect(applyMergePatch(target, patch)).toEqual(result);
  });

  it('changes neither argument and never sets a prototype', () => {
    const target = { a: { b: 1 } };
    const patch = JSON.parse('{"a":{"c":2},"__proto__":{"polluted":true}}') as unknown;
    const out = applyMergePatch(target, patch) as Record<string, unknown>;
    expect(target).toEqual({ a: { b: 1 } });
    expect(out.a).toEqual({ b: 1, c: 2 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });
});

describe('absolute href', () => {
  it('uses the configured public URL, else the request scheme and host', () => {
    expect(publicBaseUrl('https://crm.example.cn/onepoint', { protocol: 'http', host: 'x:1' })).toBe(
      'https://crm.example.cn/onepoint',
    );
    expect(publicBaseUrl(undefined, { protocol: 'http', host: '10.0.0.5:8080' })).toBe(
      'http://10.0.0.5:8080',
    );
    expect(publicBaseUrl(undefined, { protocol: 'http', host: 'evil.example/x?' })).toBe('http://localhost');
    expect(resourceHref('http://h', '/tmf-api/customer/v5/customer', 'a b')).toBe(
      'http://h/tmf-api/customer/v5/customer/a%20b',
    );
  });

  it('checks a configured URL', () => {
    expect(checkPublicUrl('https://crm.example.cn/onepoint/')).toEqual({
      url: 'https://crm.example.cn/onepoint',
    });
    expect(checkPublicUrl('https://crm.example.cn')).toEqual({ url: 'https://crm.example.cn' });
    expect(checkPublicUrl('ftp://x')).toHaveProperty('problem');
    expect(checkPublicUrl('crm.example.cn')).toHaveProperty('problem');
    expect(checkPublicUrl('https://u:p@crm.example.cn')).toHaveProperty('problem');
  });
});
