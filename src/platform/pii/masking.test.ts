import { describe, expect, it } from 'vitest';
import { maskAddress, maskEmail, maskMiddle, maskPhone } from './masking.ts';
import { parsePhone } from './phone.ts';

describe('masking primitives', () => {
  it('keeps the ends of a value and stars the middle', () => {
    expect(maskMiddle('110105194912310021', 3, 4)).toBe('110***********0021');
    expect(maskMiddle('02584561234', 3, 4, 4)).toBe('025****1234');
    expect(maskMiddle('1234', 3, 4)).toBe('****');
  });

  it('masks phones, emails and addresses as every response shows them', () => {
    expect(maskPhone('+86 138-1234-5678')).toBe('138****5678');
    expect(maskPhone('0571-8765-4321')).toBe('0571****4321');
    expect(maskEmail('wang.fang@example.com')).toBe('w***@example.com');
    expect(maskAddress('江苏省南京市玄武区中山路18号3栋201室')).toBe('江苏省南京市玄武区****');
    expect(maskPhone(null)).toBeNull();
  });

  it('explains a bad phone number without repeating it', () => {
    const p = parsePhone('1381234567');
    expect('problem' in p && p.code).toBe('PHONE_MOBILE_INVALID');
    expect(JSON.stringify(p)).not.toContain('1381234567');
  });
});
