import { describe, expect, it } from 'vitest';
import {
  creditCodeCheckChar,
  creditCodeProblem,
  maskAccountNo,
  maskAddress,
  maskEmail,
  maskIdNumber,
  maskPhone,
  parsePhone,
  residentIdCheckChar,
  residentIdProblem,
} from './pii.ts';

describe('resident ID numbers (GB 11643, ISO 7064 MOD 11-2)', () => {
  it('accepts the standard example and computes its check character', () => {
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
    expect(residentIdProblem('11010519491231002X')).toBeUndefined();
    expect(residentIdProblem('11010519491231002x')).toBeUndefined();
  });

  it('rejects a wrong check digit, an impossible birth date, a future birth date and the wrong length', () => {
    expect(residentIdProblem('110105194912310021')).toMatch(/check digit/);
    const feb30 = '11010519900230123';
    expect(residentIdProblem(feb30 + residentIdCheckChar(feb30))).toMatch(/real date/);
    const future = '11010520990101123';
    expect(residentIdProblem(future + residentIdCheckChar(future), new Date('2026-01-01'))).toMatch(
      /out of range/,
    );
    expect(residentIdProblem('1101051949123100')).toMatch(/18 characters/);
    expect(residentIdProblem('01010519491231002X')).toMatch(/region code/);
  });

  it('detects every single-digit typo', () => {
    const id = '11010519491231002X';
    for (let i = 0; i < 17; i++) {
      const d = Number(id[i]);
      const typo = id.slice(0, i) + String((d + 1) % 10) + id.slice(i + 1);
      const p = residentIdProblem(typo);
      expect(p, typo).toBeDefined();
    }
  });
});

describe('unified social credit codes (GB 32100)', () => {
  it('validates the check character', () => {
    const body = '91320102MA1XXXXX0'.replace(/X/g, '1');
    const code = body + creditCodeCheckChar(body);
    expect(creditCodeProblem(code)).toBeUndefined();
    const wrong = body + (creditCodeCheckChar(body) === '0' ? '1' : '0');
    expect(creditCodeProblem(wrong)).toMatch(/check character/);
    expect(creditCodeProblem('91320102MA1OOOOO0X')).toMatch(/18 characters/);
  });
});

describe('phone numbers', () => {
  it('normalises mobiles and fixed lines with area codes', () => {
    expect(parsePhone('138 1234 5678')).toEqual({ value: '13812345678', kind: 'mobile' });
    expect(parsePhone('+86 138-1234-5678')).toEqual({ value: '13812345678', kind: 'mobile' });
    expect(parsePhone('8613812345678')).toEqual({ value: '13812345678', kind: 'mobile' });
    expect(parsePhone('025-84561234')).toEqual({ value: '02584561234', kind: 'fixed' });
    expect(parsePhone('(0512) 6512 3456')).toEqual({ value: '051265123456', kind: 'fixed' });
    expect(parsePhone('0510-8123456')).toEqual({ value: '05108123456', kind: 'fixed' });
    expect(parsePhone('010-61234567')).toEqual({ value: '01061234567', kind: 'fixed' });
  });

  it('explains what is wrong without repeating the number', () => {
    for (const bad of ['12812345678', '1381234567', '025-1234', '025-01234567', '12345', 'abc']) {
      const r = parsePhone(bad);
      expect('problem' in r, bad).toBe(true);
      if ('problem' in r) expect(r.problem).not.toContain(bad);
    }
    expect(parsePhone('12812345678')).toMatchObject({ problem: expect.stringMatching(/mobile/) });
    expect(parsePhone('025-1234')).toMatchObject({ problem: expect.stringMatching(/area code/) });
  });
});

describe('masking', () => {
  it('masks phones, ID numbers, emails, addresses and phone-like account numbers', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('02584561234')).toBe('025****1234');
    expect(maskPhone('051265123456')).toBe('0512****3456');
    expect(maskIdNumber('110105194912310021')).toBe('110***********0021');
    expect(maskEmail('zhang.san@example.com')).toBe('z***@example.com');
    expect(maskAddress('江苏省南京市玄武区中山路18号3栋201室')).toBe('江苏省南京市玄武区****');
    expect(maskAddress('浙江省杭州市西湖区')).toBe('浙江省杭州市西湖****');
    expect(maskAddress('Room 5, 18 Zhongshan Road')).toBe('Roo****');
    expect(maskAccountNo('13812345678')).toBe('138****5678');
    expect(maskAccountNo('AD025000000001')).toBe('AD025000000001');
    expect(maskPhone(null)).toBeNull();
  });
});
