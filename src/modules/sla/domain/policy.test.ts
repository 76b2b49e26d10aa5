import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOCATION_CLASSES as SITE_CLASSES, TIERS } from '../../customers/domain/catalogue.ts';
import { PRODUCT_SEEDS } from '../../products/domain/catalogue.ts';
import { CATEGORY_SEEDS, KINDS } from '../../service-requests/domain/catalogue.ts';
import { packageYears } from '../chinese-days.ts';
import { builtinCalendar } from './builtins.ts';
import { formatInZone, WorkCalendar, type NationalSchedule } from './calendar.ts';
import { computeDeadlines, deadlineOf, type PauseInterval } from './deadlines.ts';
import { DEFAULT_POLICIES } from './matrix.ts';
import {
  LOCATION_CLASSES,
  resolvePolicy,
  rowProblems,
  type PolicyFacts,
  type PolicyRow,
  type TargetType,
} from './policy.ts';

const years = packageYears();
const schedule: NationalSchedule = {
  years: new Set(years.map((y) => y.year)),
  days: new Map(years.flatMap((y) => y.days.map((d) => [d.date, d.kind] as const))),
};
const calendarOf = (code: string) => new WorkCalendar(builtinCalendar(code)!, schedule);
const local = (d: Date | undefined) => (d ? formatInZone(d, 'Asia/Shanghai') : undefined);

const FRIDAY_EVENING = '2025-10-17T19:00:00+08:00';
const LOGISTICS = { productCode: 'app.logistics_et', productFamily: 'industry_app' };
const resolve = (facts: Partial<PolicyFacts>, rows: readonly PolicyRow[] = DEFAULT_POLICIES) =>
  resolvePolicy(rows, { kind: 'fault', tier: 'public', ...facts });
const target = (facts: Partial<PolicyFacts>, type: TargetType, rows?: readonly PolicyRow[]) => {
  const t = resolve(facts, rows).targets[type];
  return t && { row: t.row, duration: t.duration, calendar: t.calendar };
};
/** The deadline of one target for a request started at `start`, as local ISO. */
const due = (facts: Partial<PolicyFacts>, type: TargetType, start: string, pauses: PauseInterval[] = []) => {
  const t = resolve(facts).targets[type]!;
  return deadlineOf(t, new Date(start), calendarOf(t.calendar), pauses);
};

describe('the seeded matrix', () => {
  it('is well formed and names only tiers, kinds, categories and products that exist', () => {
    expect(DEFAULT_POLICIES.flatMap(rowProblems)).toEqual([]);
    const codes = new Set(PRODUCT_SEEDS.map((p) => p.code));
    const families = new Set(PRODUCT_SEEDS.map((p) => p.category));
    for (const { match: m } of DEFAULT_POLICIES) {
      if (m.productCode) expect(codes).toContain(m.productCode);
      if (m.productFamily) expect(families).toContain(m.productFamily);
      if (m.tier && m.tier !== 'public') expect(TIERS).toContain(m.tier);
      if (m.kind) expect(KINDS).toContain(m.kind);
      if (m.category)
        expect(CATEGORY_SEEDS.map((c) => `${c.kind}:${c.code}`)).toContain(`${m.kind}:${m.category}`);
    }
    expect(new Set(DEFAULT_POLICIES.map((r) => r.code)).size).toBe(DEFAULT_POLICIES.length);
  });

  it('makes enterprise tiers progressively tighter', () => {
    const hours = (tier: PolicyFacts['tier']) => {
      const d = target({ tier }, 'restoration')!.duration;
      return Number(d.slice(0, -1));
    };
    const order = (['group', 'province', 'localA', 'localB', 'localC', 'public'] as const).map(hours);
    expect(order).toEqual([4, 6, 8, 12, 24, 48]);
  });
});

describe('precedence: contract > product > family > tier > kind, whatever the limit', () => {
  const contract: PolicyRow = {
    code: 'contract.C-001',
    name: '某集团 SLA',
    source: 'contract C-001',
    match: { contractId: 'C-001', kind: 'fault' },
    targets: { restoration: { duration: '2h', calendar: '24x7' } },
  };
  const family: PolicyRow = {
    code: 'family.industry_app',
    name: '行业应用',
    source: 'test',
    match: { productFamily: 'industry_app' },
    targets: {
      restoration: { duration: '5wd', calendar: 'cn-workdays' },
      arrival: { duration: '1wd', calendar: 'cn-office' },
    },
  };
  const rows = [...DEFAULT_POLICIES, family, contract];

  it('the contract row beats the product, the product the family, the family the tier', () => {
    const facts = { tier: 'group' as const, ...LOGISTICS };
    expect(target({ ...facts, contractId: 'C-001' }, 'restoration', rows)).toEqual({
      row: 'contract.C-001',
      duration: '2h',
      calendar: '24x7',
    });
    expect(target(facts, 'restoration', rows)?.row).toBe('seed.logistics-et');
    expect(
      target({ tier: 'group', productCode: 'app.ptt', productFamily: 'industry_app' }, 'restoration', rows)
        ?.row,
    ).toBe('family.industry_app');
    expect(
      target({ tier: 'group', productCode: 'mobile', productFamily: 'mobile' }, 'restoration', rows)?.row,
    ).toBe('tier.group.fault');
    // Another contract's row does not apply.
    expect(target({ ...facts, contractId: 'C-002' }, 'restoration', rows)?.row).toBe('seed.logistics-et');
  });

  it('takes each target from the most specific row that sets it, and explains', () => {
    const r = resolve({ tier: 'group', ...LOGISTICS, contractId: 'C-001' }, rows);
    expect(r.targets.restoration?.row).toBe('contract.C-001');
    expect(r.targets.feedback?.row).toBe('seed.logistics-et');
    expect(r.targets.arrival?.row).toBe('family.industry_app');
    expect(r.targets.response?.row).toBe('tier.group.fault');
    expect(r.targets.resolution).toBeUndefined();
    expect(r.rows.map((x) => x.level)).toEqual(['contract', 'product', 'family', 'tier', 'kind']);
    expect(r.explanation.find((e) => e.startsWith('restoration'))).toContain(
      'row contract.C-001, the most specific (contract)',
    );
    expect(r.explanation.find((e) => e.startsWith('restoration'))).toContain(
      'overrides seed.logistics-et 3wd',
    );
  });

  it('applies the seed 物流E通 row although the group tier default is tighter', () => {
    expect(target({ tier: 'group', ...LOGISTICS }, 'restoration')).toEqual({
      row: 'seed.logistics-et',
      duration: '3wd',
      calendar: 'cn-workdays',
    });
    expect(target({ tier: 'group', ...LOGISTICS }, 'feedback')?.duration).toBe('1wd');
    const why = resolve({ tier: 'group', ...LOGISTICS }).explanation.find((e) => e.startsWith('restoration'));
    expect(why).toContain('overrides tier.group.fault 4h, reg.fault-repair 48h');
    // Not for a complaint about it: the row is for faults.
    expect(target({ kind: 'complaint', tier: 'group', ...LOGISTICS }, 'restoration')).toBeUndefined();
  });

  it('breaks a tie within a level by the order of the rows and says so', () => {
    const a: PolicyRow = {
      code: 'a',
      name: 'a',
      source: 't',
      match: { tier: 'localB' },
      targets: { feedback: { duration: '1h', calendar: '24x7' } },
    };
    const b: PolicyRow = { ...a, code: 'b', targets: { feedback: { duration: '2h', calendar: '24x7' } } };
    const r = resolvePolicy([b, a], { kind: 'consultation', tier: 'localB' });
    expect(r.targets.feedback?.row).toBe('b');
    expect(r.explanation.at(-1)).toContain('tied with a');
  });
});

describe('location class narrows a row', () => {
  it('repairs a public fault in 48 h urban (or county, or unknown) and 72 h rural', () => {
    expect(target({ locationClass: 'urban' }, 'restoration')?.duration).toBe('48h');
    expect(target({ locationClass: 'county' }, 'restoration')?.duration).toBe('48h');
    expect(target({}, 'restoration')?.duration).toBe('48h');
    expect(target({ locationClass: 'rural' }, 'restoration')).toEqual({
      row: 'reg.fault-repair-rural',
      duration: '72h',
      calendar: '24x7',
    });
  });
  it('gives a group customer on-site arrival in 2 h in the city, 4 h in a county or village; restoration stays 4 h', () => {
    expect(target({ tier: 'group', locationClass: 'urban' }, 'arrival')?.duration).toBe('2h');
    expect(target({ tier: 'group', locationClass: 'county' }, 'arrival')?.row).toBe(
      'tier.group.fault.county',
    );
    expect(target({ tier: 'group', locationClass: 'rural' }, 'arrival')?.duration).toBe('4h');
    // The tier row beats the rural kind default.
    expect(target({ tier: 'group', locationClass: 'rural' }, 'restoration')?.duration).toBe('4h');
  });
});

describe('facts from the customers module', () => {
  it('matches rows on the location classes service instances record', () => {
    expect([...LOCATION_CLASSES]).toEqual([...SITE_CLASSES]);
  });

  it("puts a signed contract's row over the tier's and the regulations', rural or not, on 7×24", () => {
    const contract: PolicyRow = {
      code: 'contract.JS-SLA-1',
      name: '集团专线 SLA',
      source: 'contract JS-SLA-1',
      match: { contractId: 'JS-SLA-1', kind: 'fault' },
      targets: {
        arrival: { duration: '1h', calendar: '24x7' },
        restoration: { duration: '3h', calendar: '24x7' },
      },
    };
    const rows = [...DEFAULT_POLICIES, contract];
    const facts = { tier: 'group' as const, locationClass: 'rural' as const };
    expect(target({ ...facts, contractId: 'JS-SLA-1' }, 'arrival', rows)?.row).toBe('contract.JS-SLA-1');
    expect(target({ ...facts, contractId: 'JS-SLA-1' }, 'restoration', rows)?.duration).toBe('3h');
    // Without the contract (or another one): the tier's rural arrival row and its restoration.
    expect(target({ ...facts, contractId: 'JS-SLA-2' }, 'arrival', rows)?.row).toBe('tier.group.fault.rural');
    expect(target(facts, 'restoration', rows)?.row).toBe('tier.group.fault');
    // The response the contract leaves out comes from the tier row.
    expect(target({ ...facts, contractId: 'JS-SLA-1' }, 'response', rows)?.row).toBe('tier.group.fault');
    // Friday evening 19:00: repaired by 22:00 the same evening, not on Monday.
    const t = resolvePolicy(rows, { kind: 'fault', ...facts, contractId: 'JS-SLA-1' }).targets.restoration!;
    expect(local(deadlineOf(t, new Date(FRIDAY_EVENING), calendarOf(t.calendar), []).at)).toBe(
      '2025-10-17T22:00:00+08:00',
    );
  });
});

describe('deadlines', () => {
  it('gives a Friday-evening fault a 7×24 repair deadline (not left until Monday)', () => {
    // Friday 2025-10-17 19:00, public customer in a city: 48 h on 7×24 → Sunday 19:00.
    expect(local(due({ locationClass: 'urban' }, 'restoration', '2025-10-17T19:00:00+08:00').at)).toBe(
      '2025-10-19T19:00:00+08:00',
    );
    // A group customer: 4 h → Friday 23:00; first response 15 min.
    const r = resolve({ tier: 'group' });
    const all = computeDeadlines(r, new Date('2025-10-17T19:00:00+08:00'), calendarOf);
    expect(Object.fromEntries(all.map((d) => [d.type, local(d.at)]))).toEqual({
      response: '2025-10-17T19:15:00+08:00',
      arrival: '2025-10-17T21:00:00+08:00',
      restoration: '2025-10-17T23:00:00+08:00',
      progress: '2025-10-17T20:00:00+08:00',
    });
    // 物流E通 counts working days: Friday 19:00 + 3wd → Wednesday 19:00.
    expect(local(due({ tier: 'group', ...LOGISTICS }, 'restoration', '2025-10-17T19:00:00+08:00').at)).toBe(
      '2025-10-22T19:00:00+08:00',
    );
  });

  it('answers a complaint in 15 days counted as the Civil Code says', () => {
    // Saturday 09-20: day 1 is 09-21, day 15 is 10-05 (National Day holiday) → 10-09 ends at 24:00.
    expect(local(due({ kind: 'complaint' }, 'resolution', '2025-09-20T10:00:00+08:00').at)).toBe(
      '2025-10-10T00:00:00+08:00',
    );
    // An ordinary day 15 ends at its 24:00.
    expect(local(due({ kind: 'complaint' }, 'resolution', '2025-11-03T16:00:00+08:00').at)).toBe(
      '2025-11-19T00:00:00+08:00',
    );
  });

  it('moves a deadline by a customer-caused pause, not by our own waiting', () => {
    const start = '2025-10-13T09:00:00+08:00';
    const pause = (from: string, to: string | undefined, cause: 'customer' | 'operator'): PauseInterval => ({
      from: new Date(from),
      ...(to ? { to: new Date(to) } : {}),
      cause,
    });
    const customer = due({}, 'restoration', start, [
      pause('2025-10-13T12:00:00+08:00', '2025-10-13T15:00:00+08:00', 'customer'),
    ]);
    expect(local(customer.at)).toBe('2025-10-15T12:00:00+08:00');
    expect(local(customer.unpausedAt)).toBe('2025-10-15T09:00:00+08:00');
    expect(customer.pausedMs).toBe(3 * 3_600_000);
    expect(customer.pauses).toHaveLength(1);
    const ours = due({}, 'restoration', start, [
      pause('2025-10-13T12:00:00+08:00', '2025-10-13T15:00:00+08:00', 'operator'),
    ]);
    expect(local(ours.at)).toBe('2025-10-15T09:00:00+08:00');
    // Still suspended: no deadline until the customer is back.
    expect(
      due({}, 'restoration', start, [pause('2025-10-13T12:00:00+08:00', undefined, 'customer')]).at,
    ).toBeUndefined();
    // A pause after the deadline moves nothing.
    expect(
      local(
        due({}, 'restoration', start, [
          pause('2025-10-16T12:00:00+08:00', '2025-10-16T15:00:00+08:00', 'customer'),
        ]).at,
      ),
    ).toBe('2025-10-15T09:00:00+08:00');
  });

  it('moves a working-day deadline by the paused working time only', () => {
    // 物流E通 feedback: Friday 10-17 10:00 + 1wd → Monday 10-20 10:00 (cn-workdays).
    const facts = { tier: 'localB' as const, ...LOGISTICS };
    const start = '2025-10-17T10:00:00+08:00';
    const weekend = due(facts, 'feedback', start, [
      {
        from: new Date('2025-10-18T00:00:00+08:00'),
        to: new Date('2025-10-19T12:00:00+08:00'),
        cause: 'customer',
      },
    ]);
    expect(local(weekend.at)).toBe('2025-10-20T10:00:00+08:00');
    expect(weekend.pausedMs).toBe(0);
    const monday = due(facts, 'feedback', start, [
      {
        from: new Date('2025-10-19T20:00:00+08:00'),
        to: new Date('2025-10-20T01:00:00+08:00'),
        cause: 'customer',
      },
    ]);
    expect(local(monday.at)).toBe('2025-10-20T11:00:00+08:00');
  });

  it('never makes a deadline earlier by pausing (property)', () => {
    const base = Date.parse('2025-09-01T00:00:00+08:00');
    const hour = 3_600_000;
    const facts: Partial<PolicyFacts>[] = [
      {},
      { kind: 'complaint' },
      { tier: 'localC' },
      { tier: 'group', ...LOGISTICS },
    ];
    const pauseArb = fc.record({
      from: fc.integer({ min: -48, max: 24 * 40 }),
      length: fc.integer({ min: 0, max: 24 * 5 }),
      open: fc.boolean(),
      customer: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 24 * 60 * 4 }),
        fc.constantFrom(...facts),
        fc.array(pauseArb, { maxLength: 4 }),
        (startQuarter, f, ps) => {
          const start = new Date(base + startQuarter * 15 * 60_000);
          const pauses: PauseInterval[] = ps.map((p) => ({
            from: new Date(start.getTime() + p.from * hour),
            ...(p.open ? {} : { to: new Date(start.getTime() + (p.from + p.length) * hour) }),
            cause: p.customer ? 'customer' : 'operator',
          }));
          const r = resolve(f);
          const fewer = pauses.slice(1);
          for (const d of computeDeadlines(r, start, calendarOf, pauses)) {
            const without = computeDeadlines(r, start, calendarOf, fewer).find((x) => x.type === d.type)!;
            expect(d.at === undefined || d.at >= d.unpausedAt).toBe(true);
            // One pause more never makes it earlier either.
            if (without.at === undefined) expect(d.at).toBeUndefined();
            else if (d.at) expect(d.at.getTime()).toBeGreaterThanOrEqual(without.at.getTime());
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
