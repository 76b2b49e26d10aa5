import { describe, expect, it } from 'vitest';
import { characterClasses, passwordPolicyProblem } from './password-policy.ts';

const rule = (password: string, login?: string) => passwordPolicyProblem(password, { login })?.rule;

describe('password policy', () => {
  it('accepts a long password mixing three classes that is not common and not the login', () => {
    expect(passwordPolicyProblem('Onepoint-demo-2026', { login: 'admin' })).toBeUndefined();
    expect(rule('gulou-pass-2026', 'gl.agent01')).toBeUndefined();
    expect(rule('中文密码测试abc1')).toBeUndefined();
  });

  it('refuses fewer than 10 characters (counted as characters, not bytes), more than 128', () => {
    expect(passwordPolicyProblem('password1')).toEqual({
      rule: 'length',
      message: 'must be at least 10 characters',
    });
    expect(rule('Gx7-vbn-K')).toBe('length');
    expect(rule('Gx7-vbn-Kq')).toBeUndefined();
    expect(rule('密码Gx7-vb-K')).toBeUndefined();
    expect(rule(`Ab1-${'x'.repeat(125)}`)).toBe('length');
  });

  it('refuses fewer than three of lower case, upper case, digits and other characters', () => {
    expect(characterClasses('abc')).toBe(1);
    expect(characterClasses('aB1-')).toBe(4);
    expect(characterClasses('密码')).toBe(1);
    expect(rule('onlylowercaseletters')).toBe('classes');
    expect(rule('lowercase2026letters')).toBe('classes');
    expect(rule('UPPER-CASE-ONLY-HERE')).toBe('classes');
    expect(rule('ABCDEFGH12')).toBe('classes');
    expect(rule('Lowercase2026letters')).toBeUndefined();
  });

  it('refuses a password holding the login, whatever the case', () => {
    expect(rule('Zhangwei-2026!', 'zhangwei')).toBe('login');
    expect(rule('my-ZHANG.WEI-99', 'zhang.wei')).toBe('login');
    expect(rule('Zhangwei-2026!', 'li.na')).toBeUndefined();
    // A two-letter login is not looked for: it would refuse half the dictionary.
    expect(rule('Lowercase2026letters', 'le')).toBeUndefined();
  });

  it('refuses common passwords and small changes of them, even when long and mixed', () => {
    for (const p of [
      'Password123!',
      'P@ssw0rd2026',
      'Qwerty12345!',
      'Iloveyou2026',
      '1qaz2WSX3edc',
      'Welcome2026!',
    ])
      expect({ p, rule: rule(p) }).toEqual({ p, rule: 'common' });
  });
});
