import { describe, expect, it } from 'vitest';
import { limitFor, rankCandidates, type Candidate, type GroupSettings } from './assignment.ts';

const c = (userId: string, over: Partial<Candidate> = {}): Candidate => ({
  userId,
  login: userId,
  proficiency: 3,
  active: true,
  presence: 'available',
  load: 0,
  lastTurn: null,
  ...over,
});
const rank = (
  settings: GroupSettings,
  candidates: Candidate[],
  priorityCustomer = false,
  requiredSkills: string[] = [],
) =>
  rankCandidates({
    settings,
    candidates,
    priorityCustomer,
    groupSkills: ['fault', 'broadband'],
    requiredSkills,
  });
const ids = (r: { ranked: Candidate[] }) => r.ranked.map((x) => x.userId);

describe('assignment strategies', () => {
  it('round-robin: never assigned first, then the least recently assigned', () => {
    const rr: GroupSettings = { strategy: 'round_robin', capacity: null, reservedSlots: 0 };
    expect(ids(rank(rr, [c('a', { lastTurn: 7 }), c('b', { lastTurn: 3 }), c('c')]))).toEqual([
      'c',
      'b',
      'a',
    ]);
  });

  it('skips disabled, away and offline members and says so', () => {
    const rr: GroupSettings = { strategy: 'round_robin', capacity: null, reservedSlots: 0 };
    const r = rank(rr, [
      c('a', { presence: 'away' }),
      c('b', { presence: 'offline' }),
      c('d', { active: false }),
      c('e'),
    ]);
    expect(ids(r)).toEqual(['e']);
    expect(r.explanation).toContain('a (away)');
    expect(r.explanation).toContain('b (offline)');
    expect(r.explanation).toContain('d (disabled)');
  });

  it('least-loaded: fewest open items first, members at capacity skipped', () => {
    const ll: GroupSettings = { strategy: 'least_loaded', capacity: 5, reservedSlots: 0 };
    const r = rank(ll, [
      c('a', { load: 4 }),
      c('b', { load: 5 }),
      c('c', { load: 1 }),
      c('d', { load: 1, lastTurn: 2 }),
    ]);
    expect(ids(r)).toEqual(['c', 'd', 'a']);
    expect(r.explanation).toContain('b (at capacity 5/5)');
  });

  it('keeps reserved slots for enterprise and high-value customers', () => {
    const ll: GroupSettings = { strategy: 'least_loaded', capacity: 5, reservedSlots: 2 };
    expect(limitFor(ll, false)).toBe(3);
    expect(limitFor(ll, true)).toBe(5);
    const team = [c('a', { load: 3 }), c('b', { load: 4, proficiency: 5 })];
    expect(ids(rank(ll, team))).toEqual([]);
    expect(rank(ll, team).explanation).toContain('nobody available');
    // Enterprise: the reserve is open, and the most proficient comes first.
    expect(ids(rank(ll, team, true))).toEqual(['b', 'a']);
  });

  it('by skill: highest proficiency first, then load; a group without the required skills assigns nobody', () => {
    const sk: GroupSettings = { strategy: 'skill', capacity: null, reservedSlots: 0 };
    const team = [
      c('a', { proficiency: 2 }),
      c('b', { proficiency: 5, load: 3 }),
      c('c', { proficiency: 5, load: 1 }),
    ];
    expect(ids(rank(sk, team, false, ['broadband']))).toEqual(['c', 'b', 'a']);
    const r = rank(sk, team, false, ['iptv']);
    expect(ids(r)).toEqual([]);
    expect(r.explanation).toContain('lacks the skills iptv');
  });

  it('other strategies note missing skills but still assign', () => {
    const rr: GroupSettings = { strategy: 'round_robin', capacity: null, reservedSlots: 0 };
    const r = rank(rr, [c('a')], false, ['iptv']);
    expect(ids(r)).toEqual(['a']);
    expect(r.explanation).toContain('required skills not in the group: iptv');
  });
});
