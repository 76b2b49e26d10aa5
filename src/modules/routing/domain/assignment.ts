/**
 * Assignment within a skill group: who, of the group's members, takes the next request. Pure: the
 * service gathers the members, their presence, load and last turn, and claims the pick.
 */

export const STRATEGIES = ['round_robin', 'least_loaded', 'skill'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** A group's stored settings; a group without them is round-robin with no capacity limit. */
export interface GroupSettings {
  strategy: Strategy;
  /** Open items a person may hold; null: no limit. */
  capacity: number | null;
  /** Of the capacity, slots kept for enterprise and high-value customers (预留). */
  reservedSlots: number;
}

export const DEFAULT_SETTINGS: GroupSettings = { strategy: 'round_robin', capacity: null, reservedSlots: 0 };

export interface Candidate {
  userId: string;
  login: string;
  proficiency: number;
  active: boolean;
  presence: 'available' | 'away' | 'offline';
  /** Open items now (0 when the strategy does not need it and there is no capacity). */
  load: number;
  /** The group's turn counter when the member last got a request here; null: never. */
  lastTurn: number | null;
}

export interface RankInput {
  settings: GroupSettings;
  candidates: readonly Candidate[];
  /** Enterprise or high-value customer: may use the reserved slots, most proficient first. */
  priorityCustomer: boolean;
  groupSkills: readonly string[];
  requiredSkills: readonly string[];
}

export interface Ranking {
  /** Eligible members, best first (the service claims the first one not being assigned right now). */
  ranked: Candidate[];
  /** Why each left-out member was left out, and the order used, in words. */
  explanation: string;
}

/** The limit a request counts against: the full capacity for priority customers, less the reserve otherwise. */
export function limitFor(settings: GroupSettings, priorityCustomer: boolean): number {
  if (settings.capacity === null) return Infinity;
  return priorityCustomer ? settings.capacity : Math.max(0, settings.capacity - settings.reservedSlots);
}

const byTurn = (a: Candidate, b: Candidate) =>
  (a.lastTurn ?? -1) - (b.lastTurn ?? -1) || a.userId.localeCompare(b.userId);

const ORDER: Record<Strategy, { sort: (a: Candidate, b: Candidate) => number; words: string }> = {
  round_robin: { sort: byTurn, words: 'least recently assigned first' },
  least_loaded: { sort: (a, b) => a.load - b.load || byTurn(a, b), words: 'fewest open items first' },
  skill: {
    sort: (a, b) => b.proficiency - a.proficiency || a.load - b.load || byTurn(a, b),
    words: 'highest proficiency first, then fewest open items',
  },
};

export function rankCandidates(input: RankInput): Ranking {
  const { settings, priorityCustomer } = input;
  const missing = input.requiredSkills.filter((s) => !input.groupSkills.includes(s));
  if (settings.strategy === 'skill' && missing.length > 0)
    return {
      ranked: [],
      explanation: `the group lacks the skills ${missing.join(', ')}: left for the dispatcher`,
    };
  const limit = limitFor(settings, priorityCustomer);
  const skipped: string[] = [];
  const eligible = input.candidates.filter((c) => {
    if (!c.active) skipped.push(`${c.login} (disabled)`);
    else if (c.presence !== 'available') skipped.push(`${c.login} (${c.presence})`);
    else if (c.load >= limit) skipped.push(`${c.login} (at capacity ${c.load}/${limit})`);
    else return true;
    return false;
  });
  const order = ORDER[settings.strategy];
  // Enterprise and high-value customers first: the most proficient members, then the strategy.
  const ranked = [...eligible].sort((a, b) =>
    priorityCustomer ? b.proficiency - a.proficiency || order.sort(a, b) : order.sort(a, b),
  );
  const parts = [
    `${settings.strategy}: ${priorityCustomer ? 'enterprise/high-value, most proficient first, then ' : ''}${order.words}`,
  ];
  if (settings.capacity !== null)
    parts.push(
      `capacity ${settings.capacity}${settings.reservedSlots ? `, ${settings.reservedSlots} reserved for enterprise/high-value` : ''}`,
    );
  if (skipped.length) parts.push(`skipped ${skipped.join(', ')}`);
  if (missing.length) parts.push(`required skills not in the group: ${missing.join(', ')}`);
  if (ranked.length === 0) parts.push('nobody available: left for the dispatcher');
  return { ranked, explanation: parts.join('; ') };
}
