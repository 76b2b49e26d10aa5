import { describe, expect, it } from 'vitest';
import { hashPassword, hashToken, newToken, passwordProblem, tokenKind, verifyPassword } from './secrets.ts';

describe('passwords and tokens', () => {
  it('verifies the right password and refuses a wrong one; hashes are salted', async () => {
    const h1 = await hashPassword('correct-horse-1');
    const h2 = await hashPassword('correct-horse-1');
    expect(h1).not.toBe(h2);
    expect(h1).not.toContain('correct-horse-1');
    expect(await verifyPassword('correct-horse-1', h1)).toBe(true);
    expect(await verifyPassword('correct-horse-2', h1)).toBe(false);
    expect(await verifyPassword('anything', null)).toBe(false);
    expect(await verifyPassword('anything', 'md5$abc')).toBe(false);
  });

  it('password rule explains what is wrong', () => {
    expect(passwordProblem('short1')).toMatch(/8 characters/);
    expect(passwordProblem('onlyletters')).toMatch(/digit or symbol/);
    expect(passwordProblem('12345678')).toMatch(/letters/);
    expect(passwordProblem('onepoint-demo')).toBeUndefined();
  });

  it('tokens carry their kind and only the hash is kept', () => {
    const s = newToken('session');
    const a = newToken('api');
    expect(tokenKind(s.token)).toBe('session');
    expect(tokenKind(a.token)).toBe('api');
    expect(tokenKind('Basic xyz')).toBeUndefined();
    expect(s.hash).toBe(hashToken(s.token));
    expect(s.hash).not.toContain(s.token);
    expect(newToken('api').token).not.toBe(a.token);
  });
});
