import { describe, expect, it } from 'vitest';
import { exactIdentifier, maskCustomerName, maskServiceNumber, purposeProblem } from './identify.ts';
import { residentIdCheckChar } from './pii.ts';

const today = new Date('2026-12-07T00:00:00Z');
const id17 = '32010619850312004';
const ID = id17 + residentIdCheckChar(id17);

describe('identifying a caller by a whole identifier only', () => {
  it('takes whole phone numbers, ID numbers, account numbers and circuit ids', () => {
    expect(exactIdentifier('phone', '+86 138-1234-5678', today)).toEqual({ value: '13812345678' });
    expect(exactIdentifier('phone', '025-84561234', today)).toEqual({ value: '02584561234' });
    expect(exactIdentifier('idNumber', ID.toLowerCase(), today)).toEqual({ value: ID });
    expect(exactIdentifier('accountNo', 'njadsl0251234', today)).toEqual({ value: 'NJADSL0251234' });
    expect(exactIdentifier('circuitId', 'NJ-SH/MSTP/0001', today)).toEqual({ value: 'NJ-SH/MSTP/0001' });
  });

  it('refuses a part of one: last four digits, a prefix, a mask, a wildcard, a short code', () => {
    for (const [kind, value] of [
      ['phone', '5678'],
      ['phone', '1381234'],
      ['phone', '138****5678'],
      ['idNumber', '5678'],
      ['idNumber', ID.slice(0, 17)],
      ['idNumber', `${ID.slice(0, 6)}********${ID.slice(14)}`],
      ['accountNo', '5678'],
      ['accountNo', 'NJAD%'],
      ['accountNo', '1381234'],
      ['circuitId', 'MSTP'],
      ['circuitId', 'NJ-SH*'],
    ] as const)
      expect(exactIdentifier(kind, value, today), `${kind} ${value}`).toHaveProperty('problem');
  });

  it('needs a purpose in a few real words', () => {
    expect(purposeProblem('来电报修宽带故障')).toBeUndefined();
    expect(purposeProblem('caller reports broadband outage')).toBeUndefined();
    for (const p of ['test', '查询', 'xxxx', '123456', '好好好好'])
      expect(purposeProblem(p), p).toBeDefined();
  });

  it('masks names and service numbers for the summary', () => {
    expect(maskCustomerName('张伟', 'individual')).toBe('张*');
    expect(maskCustomerName('欧阳娜娜', 'individual')).toBe('欧***');
    expect(maskCustomerName('南京紫金山科技有限公司', 'enterprise')).toBe('南京*****有限公司');
    expect(maskServiceNumber('13812345678')).toBe('138****5678');
    expect(maskServiceNumber('NJADSL0251234')).toBe('NJA*******234');
  });
});
