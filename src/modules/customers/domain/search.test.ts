import { describe, expect, it } from 'vitest';
import { classifyTerm, customerNoPrefixPattern, phoneQuery } from './search.ts';

describe('the customer search box', () => {
  it('classifies what an agent types', () => {
    expect(classifyTerm('11010519491231002X')).toEqual(['idNumber', 'code']);
    expect(classifyTerm('110105 19491231 002X')).toEqual(['idNumber', 'code']);
    expect(classifyTerm('138 1234 5678')).toEqual(['phone', 'code']);
    expect(classifyTerm('5678')).toEqual(['phoneTail', 'code']);
    expect(classifyTerm('NJ-SDH-0001')).toEqual(['code', 'name']);
    expect(classifyTerm('C10001')).toEqual(['code', 'name']);
    expect(classifyTerm('王芳')).toEqual(['name']);
  });

  it('never reads a partial number as a phone: only the whole number or its last four digits', () => {
    // The prefix walk of issue 9 (187****1271: 1870, 1871, … then 18712, …) and middle digits.
    for (const t of ['187', '1871', '18712', '1871234', '8765', '0123456'])
      expect(classifyTerm(t)).not.toContain('phone');
    for (const t of ['187', '18712', '187123', '1871234127', '71234', '+86 187', '025-8456'])
      expect(phoneQuery(t)).toHaveProperty('problem');
    expect(phoneQuery('1271')).toEqual({ kind: 'tail', value: '1271' });
    expect(phoneQuery('+86 187-1234-1271')).toEqual({ kind: 'full', value: '18712341271' });
    expect(phoneQuery('025-8456 1234')).toEqual({ kind: 'full', value: '02584561234' });
  });

  it('turns a customer-number prefix into a literal LIKE pattern', () => {
    expect(customerNoPrefixPattern(' c10001 ')).toBe('C10001%');
    expect(customerNoPrefixPattern('AB_1')).toBe('AB\\_1%');
    expect(customerNoPrefixPattern('C1')).toBeUndefined();
    expect(customerNoPrefixPattern('王芳')).toBeUndefined();
  });
});
