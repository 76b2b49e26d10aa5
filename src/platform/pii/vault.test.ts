import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PiiVault } from './vault.ts';

const k1 = { id: 'k1', secret: randomBytes(32) };
const k2 = { id: 'k2', secret: randomBytes(32) };

describe('PII vault (AES-256-GCM + HMAC)', () => {
  it('round-trips and never produces the same ciphertext twice', () => {
    const v = new PiiVault([k1]);
    const a = v.encrypt('11010519491231002X', 'customers.id_number:a');
    const b = v.encrypt('11010519491231002X', 'customers.id_number:a');
    expect(a).not.toBe(b);
    expect(a.startsWith('k1.')).toBe(true);
    expect(a).not.toContain('11010519491231002X');
    expect(v.decrypt(a, 'customers.id_number:a')).toBe('11010519491231002X');
  });

  it('refuses a ciphertext moved to another row or tampered with', () => {
    const v = new PiiVault([k1]);
    const a = v.encrypt('11010519491231002X', 'customers.id_number:a');
    expect(() => v.decrypt(a, 'customers.id_number:b')).toThrow();
    const last = a.at(-2) === 'A' ? 'B' : 'A';
    expect(() => v.decrypt(a.slice(0, -2) + last + a.slice(-1), 'customers.id_number:a')).toThrow();
  });

  it('decrypts old data after a new key is added, and searches with every key', () => {
    const old = new PiiVault([k1]);
    const c = old.encrypt('secret', 'ctx');
    const rotated = new PiiVault([k2, k1]);
    expect(rotated.currentKeyId).toBe('k2');
    expect(rotated.decrypt(c, 'ctx')).toBe('secret');
    expect(rotated.blindIndexes('x')).toEqual([rotated.blindIndex('x', 'k2'), old.blindIndex('x')]);
    expect(rotated.blindIndex('x')).not.toBe(old.blindIndex('x'));
    expect(() => new PiiVault([k2]).decrypt(c, 'ctx')).toThrow(/key "k1" is not configured/);
  });
});
