import { describe, expect, it } from 'vitest';
import {
  DUMMY_PASSWORD_HASH,
  hashPassword,
  hashToken,
  newToken,
  tokenKind,
  verifyPassword,
} from './secrets.ts';

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

  it('the dummy hash has the parameters of a real one and matches no password', async () => {
    const real = await hashPassword('correct-horse-1');
    expect(DUMMY_PASSWORD_HASH.split('$').slice(0, 4)).toEqual(real.split('$').slice(0, 4));
    expect(DUMMY_PASSWORD_HASH.length).toBe(real.length);
    expect(await verifyPassword('', DUMMY_PASSWORD_HASH)).toBe(false);
    expect(await verifyPassword('correct-horse-1', DUMMY_PASSWORD_HASH)).toBe(false);
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
