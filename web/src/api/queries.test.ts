import { describe, expect, it } from 'vitest';
import { countBy } from './queries.ts';

describe('countBy (supervisor charts)', () => {
  it('counts every key of every item, largest first, ties by key', () => {
    const users = [
      { roles: ['agent'] },
      { roles: ['agent', 'supervisor'] },
      { roles: ['technician'] },
      { roles: [] },
    ];
    expect(countBy(users, (u) => u.roles)).toEqual([
      ['agent', 2],
      ['supervisor', 1],
      ['technician', 1],
    ]);
  });
});
