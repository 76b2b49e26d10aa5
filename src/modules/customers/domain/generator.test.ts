import { describe, expect, it } from 'vitest';
import { customerInput } from '../customers.schemas.ts';
import { TIERS } from './catalogue.ts';
import {
  fixedNumber,
  generateEnterprise,
  generateIndividual,
  mobileNumber,
  residentId,
  rng,
  type Area,
} from './generator.ts';
import { residentIdProblem } from './pii.ts';

const area: Area = {
  orgUnitId: '0190a000-0000-7000-8000-000000000001',
  province: '江苏省',
  city: '南京市',
  cityCode: 'NJ',
  areaCode: '025',
  districts: [{ name: '玄武区', code: '320102', abbr: 'XW' }],
};

describe('demo data generator', () => {
  it('makes records that pass the API validation (valid ID check digits, phones, credit codes)', () => {
    const r = rng(1);
    for (let n = 0; n < 300; n++) {
      const parsed = customerInput.safeParse(generateIndividual(r, area, n));
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    }
    for (const [k, tier] of TIERS.entries()) {
      const parsed = customerInput.safeParse(generateEnterprise(r, area, k, tier));
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
    }
  });

  it('never repeats a phone or ID number within a large range', () => {
    const phones = new Set<string>();
    const ids = new Set<string>();
    const fixed = new Set<string>();
    for (let n = 0; n < 100_000; n += 1) {
      phones.add(mobileNumber(n));
      ids.add(residentId('320102', n));
      fixed.add(fixedNumber('0512', n));
    }
    expect(phones.size).toBe(100_000);
    expect(ids.size).toBe(100_000);
    expect(fixed.size).toBe(100_000);
    expect(residentIdProblem(residentId('320102', 123_456))).toBeUndefined();
  });

  it('is deterministic for a seed', () => {
    expect(generateIndividual(rng(7), area, 1)).toEqual(generateIndividual(rng(7), area, 1));
  });
});
