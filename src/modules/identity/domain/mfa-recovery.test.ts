import { describe, expect, it } from 'vitest';
import {
  formatRecoveryCode,
  newRecoveryCodes,
  normaliseRecoveryCode,
  RECOVERY_CODE_COUNT,
  recoveryCodeHash,
  recoveryCodesLow,
} from './mfa-recovery.ts';

const USER = '0190a000-0000-7000-8000-000000000001';

describe('recovery codes', () => {
  it('makes ten different codes of 16 base32 symbols (80 bits) in groups of four', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
  });

  it('uses every symbol of the alphabet, from the low five bits of each random byte', () => {
    const bytes = Uint8Array.from({ length: 16 }, (_, i) => i * 2 + 256 - 32);
    expect(newRecoveryCodes(1, () => bytes)).toEqual(['0246-8ace-gjmp-rtwy']);
    const ones = Uint8Array.from({ length: 16 }, (_, i) => i * 2 + 1);
    expect(newRecoveryCodes(1, () => ones)).toEqual(['1357-9bdf-hknq-svxz']);
  });

  it('draws again when a code repeats, so a batch has no duplicate', () => {
    let n = 0;
    const draws = [new Uint8Array(16), new Uint8Array(16), new Uint8Array(16).fill(1)];
    expect(newRecoveryCodes(2, () => draws[n++]!)).toEqual(['0000-0000-0000-0000', '1111-1111-1111-1111']);
    expect(n).toBe(3);
  });

  it('reads a code however it is typed: case, spaces, dashes, and i/l/o for 1/1/0', () => {
    const bare = 'ab12cd34ef56gh78';
    expect(normaliseRecoveryCode(formatRecoveryCode(bare))).toBe(bare);
    expect(normaliseRecoveryCode(' AB12 CD34 EF56 GH78 ')).toBe(bare);
    expect(normaliseRecoveryCode('ab12-cd34-ef56-gh78')).toBe(bare);
    expect(normaliseRecoveryCode('abl2-cd34-ef56-gh78')).toBe(bare);
    expect(normaliseRecoveryCode('0000-O000-o000-0000')).toBe('0'.repeat(16));
  });

  it('refuses what cannot be a code: a TOTP code, too short or long, a letter outside the alphabet', () => {
    expect(normaliseRecoveryCode('123456')).toBeUndefined();
    expect(normaliseRecoveryCode('ab12-cd34-ef56-gh7')).toBeUndefined();
    expect(normaliseRecoveryCode('ab12-cd34-ef56-gh789')).toBeUndefined();
    expect(normaliseRecoveryCode('ab12-cd34-ef56-gh7u')).toBeUndefined();
    expect(normaliseRecoveryCode('ab12-cd34-ef56-gh7!')).toBeUndefined();
    expect(normaliseRecoveryCode('')).toBeUndefined();
  });

  it('stores a SHA-256 bound to the user, the same however the code was typed', () => {
    const [code] = newRecoveryCodes(1);
    const hash = recoveryCodeHash(USER, normaliseRecoveryCode(code!)!);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain(normaliseRecoveryCode(code!)!);
    expect(recoveryCodeHash(USER, normaliseRecoveryCode(code!.toUpperCase().replace(/-/g, ' '))!)).toBe(hash);
    expect(recoveryCodeHash(USER.replace(/1$/, '2'), normaliseRecoveryCode(code!)!)).not.toBe(hash);
  });

  it('calls two or fewer codes left low', () => {
    expect([0, 1, 2, 3, 10].map(recoveryCodesLow)).toEqual([true, true, true, false, false]);
  });
});
