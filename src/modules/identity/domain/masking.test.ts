import { describe, expect, it } from 'vitest';
import { maskEmail } from './masking.ts';

describe('maskEmail', () => {
  it('keeps two leading characters and the domain', () => {
    expect(maskEmail('zhang.wei@example.com')).toBe('zh***@example.com');
  });
  it('keeps less of short local parts', () => {
    expect(maskEmail('abc@example.com')).toBe('a***@example.com');
    expect(maskEmail('a@example.com')).toBe('***@example.com');
  });
  it('never returns the raw local part', () => {
    for (const e of ['li@x.cn', 'wang.fang@ct.cn', '王芳@例子.中国']) {
      const local = e.slice(0, e.lastIndexOf('@'));
      expect(maskEmail(e)).not.toContain(local);
      expect(maskEmail(e)).toContain('***');
    }
  });
  it('masks anything that is not an address completely', () => {
    expect(maskEmail('not-an-address')).toBe('***');
    expect(maskEmail('@example.com')).toBe('***');
    expect(maskEmail('someone@')).toBe('***');
  });
});
