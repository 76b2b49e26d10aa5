import { describe, expect, it } from 'vitest';
import { withContact, withoutContact, type ContactRef } from './contacts.ts';

const ref = (id: string, at: string, primary = false): ContactRef => ({
  id,
  name: id,
  role: 'other',
  primary,
  at: `2026-12-01T08:00:${at}Z`,
});

describe('contacts in shown order', () => {
  const list = [ref('a', '01', true), ref('b', '02'), ref('c', '03')];

  it('adds a contact after the older ones', () => {
    expect(withContact(list, ref('d', '04')).map((k) => k.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('puts a new primary contact first and the previous one back by age', () => {
    const next = withContact(list, ref('d', '04', true));
    expect(next.map((k) => `${k.id}${k.primary ? '*' : ''}`)).toEqual(['d*', 'a', 'b', 'c']);
  });

  it('replaces a changed contact in place and removes a deleted one', () => {
    const renamed = withContact(list, { ...ref('b', '02'), name: 'B' });
    expect(renamed.map((k) => k.name)).toEqual(['a', 'B', 'c']);
    expect(withoutContact(list, 'b').map((k) => k.id)).toEqual(['a', 'c']);
  });

  it('orders contacts created together by id', () => {
    expect(withContact([ref('m', '05')], ref('k', '05')).map((k) => k.id)).toEqual(['k', 'm']);
  });
});
