import { describe, expect, it } from 'vitest';
import { customerInput, type CustomerInput } from '../customers.schemas.ts';
import { TIERS } from './catalogue.ts';
import {
  INDEX_LIMIT,
  creditCode,
  fixedNumber,
  generateEnterprise,
  generateIndividual,
  identifierSpaces,
  indexRangeProblem,
  mobileNumber,
  residentId,
  rng,
  serviceNumber,
  type Area,
} from './generator.ts';
import { creditCodeIssue, residentIdProblem } from './pii.ts';

const area: Area = {
  orgUnitId: '0190a000-0000-7000-8000-000000000001',
  province: '江苏省',
  city: '南京市',
  cityCode: 'NJ',
  areaCode: '025',
  districts: [{ name: '玄武区', code: '320102', abbr: 'XW' }],
};
const hangzhou: Area = {
  ...area,
  province: '浙江省',
  city: '杭州市',
  cityCode: 'HZ',
  areaCode: '0571',
  districts: [{ name: '西湖区', code: '330106', abbr: 'XH' }],
};

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Every identifier a unique index or a lookup would trip over, keyed by what must be unique. */
function identifiers(c: CustomerInput): string[] {
  const out = [`phone ${c.phone}`];
  if (c.kind === 'individual') out.push(`id ${c.idNumber}`);
  else out.push(`credit ${c.creditCode}`);
  for (const i of c.instances ?? []) {
    out.push(`account ${i.productCode} ${i.accountNo}`);
    if (i.circuitId) out.push(`circuit ${i.circuitId}`);
  }
  for (const k of c.contacts ?? []) out.push(`phone ${k.mobile}`);
  // Contacts of one enterprise share its switchboard: unique per enterprise, not per contact.
  for (const p of new Set((c.contacts ?? []).map((k) => k.officePhone).filter((p) => p !== c.phone)))
    out.push(`phone ${p}`);
  return out;
}

describe('demo data generator', () => {
  it('makes records that pass the API validation (valid ID check digits, phones, credit codes)', () => {
    const r = rng(1);
    for (const a of [area, hangzhou]) {
      for (const n of [0, 1, 299, 5_900_000, 10_000_000, INDEX_LIMIT - 1]) {
        const parsed = customerInput.safeParse(generateIndividual(r, a, n));
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      }
      for (const [k, tier] of TIERS.entries()) {
        for (const n of [k, 7_000_000 + k, INDEX_LIMIT - 1 - k]) {
          const parsed = customerInput.safeParse(generateEnterprise(r, a, n, tier));
          expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        }
      }
    }
  });

  it('keeps the province realistic: area code and 8-digit local numbers, valid IDs and credit codes', () => {
    expect(fixedNumber('0571', 7_000_002)).toMatch(/^0571[2-8]\d{7}$/);
    expect(fixedNumber('025', 123, 'direct')).toMatch(/^025[2-8]\d{7}$/);
    expect(mobileNumber(INDEX_LIMIT - 1, 3)).toMatch(/^1[3-9]\d{9}$/);
    expect(serviceNumber(INDEX_LIMIT - 1).accountNo).toMatch(/^(400|800)\d{7}$/);
    for (const n of [0, 5_900_000, INDEX_LIMIT - 1]) {
      expect(residentIdProblem(residentId('330106', n))).toBeUndefined();
      expect(residentId('330106', n).slice(0, 6)).toBe('330106');
      expect(creditCodeIssue(creditCode('330106', n))).toBeUndefined();
    }
  });

  it('sizes every number space for INDEX_LIMIT indices, through a bijection', () => {
    for (const [name, s] of Object.entries(identifierSpaces)) {
      expect(s.lanes * INDEX_LIMIT, name).toBeLessThanOrEqual(s.size);
      expect(gcd(s.multiplier, s.size), name).toBe(1);
    }
  });

  // The failure this fixes: the demo seed's consumer 2 and the 6-millionth benchmark consumer both
  // got 0571-2015838 (7-digit numbers wrapped round at 7 M).
  it('gives indices near 0, 5.9 M, 10 M and the limit distinct numbers of every kind', () => {
    const seen = new Map<string, string>();
    const add = (key: string, who: string) => {
      const before = seen.get(key);
      expect(before, `${key}: ${before} and ${who}`).toBeUndefined();
      seen.set(key, who);
    };
    const r = rng(3);
    for (const start of [0, 5_900_000, 7_000_000, 10_000_000, INDEX_LIMIT - 2_000]) {
      for (let n = start; n < start + 2_000; n++) {
        const a = n % 2 ? area : hangzhou;
        for (const id of identifiers(generateIndividual(r, a, n))) add(id, `consumer ${n}`);
        // An enterprise shares its index with a consumer (the demo plan numbers both from its start).
        if (n % 10 === 0)
          for (const id of identifiers(generateEnterprise(r, a, n, TIERS[n % TIERS.length]!)))
            add(id, `enterprise ${n}`);
      }
    }
    expect(fixedNumber('0571', 2)).not.toBe(fixedNumber('0571', 7_000_002));
  });

  it('never repeats a number of any kind or lane over a few hundred thousand indices spread over the range', () => {
    const r = rng(11);
    const indices = new Set<number>();
    while (indices.size < 200_000) indices.add(Math.floor(r() * INDEX_LIMIT));
    const kinds: Record<string, (n: number) => string[]> = {
      mobile: (n) => [0, 1, 2, 3].map((lane) => mobileNumber(n, lane)),
      fixed: (n) => [
        fixedNumber('0512', n, 'consumer'),
        fixedNumber('0512', n, 'switchboard'),
        fixedNumber('0512', n, 'direct'),
      ],
      residentId: (n) => [residentId('320102', n)],
      creditCode: (n) => [creditCode('320102', n)],
      serviceNumber: (n) => [serviceNumber(n).accountNo],
    };
    for (const [kind, of] of Object.entries(kinds)) {
      const numbers = new Set<string>();
      let made = 0;
      for (const n of indices)
        for (const x of of(n)) {
          numbers.add(x);
          made++;
        }
      expect(numbers.size, kind).toBe(made);
    }
  });

  it('refuses up front what it cannot number, instead of repeating numbers', () => {
    expect(indexRangeProblem(1_000_000, 10_010_000)).toBeUndefined();
    expect(indexRangeProblem(0, INDEX_LIMIT)).toBeUndefined();
    expect(indexRangeProblem(1_000_000, INDEX_LIMIT)).toMatch(/at most 20,000,000 customers/);
    expect(() => generateIndividual(rng(1), area, INDEX_LIMIT)).toThrow(RangeError);
    expect(() => generateEnterprise(rng(1), area, -1, 'group')).toThrow(RangeError);
    expect(() => fixedNumber('025', INDEX_LIMIT)).toThrow(RangeError);
  });

  it('is deterministic for a seed', () => {
    expect(generateIndividual(rng(7), area, 1)).toEqual(generateIndividual(rng(7), area, 1));
    expect(generateEnterprise(rng(7), area, 1, 'group')).toEqual(
      generateEnterprise(rng(7), area, 1, 'group'),
    );
  });
});
