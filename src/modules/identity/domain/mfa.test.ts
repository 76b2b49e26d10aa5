import { describe, expect, it } from 'vitest';
import {
  afterWrongCode,
  checkCode,
  CODE_LOCK_MS,
  MAX_CODE_FAILURES,
  newTotpSecret,
  normaliseCode,
  otpauthUri,
  secondFactorRequired,
  totpCode,
  totpStep,
} from './mfa.ts';

// RFC 6238 appendix B's SHA-1 seed ("12345678901234567890"), in base32.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('TOTP codes (RFC 6238)', () => {
  it('matches the RFC test vectors (last 6 digits)', () => {
    expect(totpCode(RFC_SECRET, new Date(59_000))).toBe('287082');
    expect(totpCode(RFC_SECRET, new Date(1_111_111_109_000))).toBe('081804');
    expect(totpCode(RFC_SECRET, new Date(2_000_000_000_000))).toBe('279037');
  });

  it('accepts the current code and one step either side (clock drift), not two', () => {
    const at = new Date('2026-12-07T08:00:10Z');
    const step = totpStep(at);
    expect(checkCode(RFC_SECRET, totpCode(RFC_SECRET, at), at, null)).toEqual({ ok: true, step });
    const before = totpCode(RFC_SECRET, new Date(at.getTime() - 30_000));
    const after = totpCode(RFC_SECRET, new Date(at.getTime() + 30_000));
    expect(checkCode(RFC_SECRET, before, at, null)).toEqual({ ok: true, step: step - 1 });
    expect(checkCode(RFC_SECRET, after, at, null)).toEqual({ ok: true, step: step + 1 });
    const far = totpCode(RFC_SECRET, new Date(at.getTime() + 90_000));
    expect(checkCode(RFC_SECRET, far, at, null)).toEqual({ ok: false, why: 'wrong' });
  });

  it('refuses a code already used, and an older one after a newer one (replay)', () => {
    const at = new Date('2026-12-07T08:00:10Z');
    const code = totpCode(RFC_SECRET, at);
    const step = totpStep(at);
    expect(checkCode(RFC_SECRET, code, at, step)).toEqual({ ok: false, why: 'replayed' });
    const older = totpCode(RFC_SECRET, new Date(at.getTime() - 30_000));
    expect(checkCode(RFC_SECRET, older, at, step)).toEqual({ ok: false, why: 'replayed' });
    expect(checkCode(RFC_SECRET, code, at, step - 1)).toEqual({ ok: true, step });
  });

  it('reads codes as people type them, and refuses what is not six digits', () => {
    expect(normaliseCode(' 123 456 ')).toBe('123456');
    expect(normaliseCode('123-456')).toBe('123456');
    const at = new Date('2026-12-07T08:00:10Z');
    const code = totpCode(RFC_SECRET, at);
    expect(checkCode(RFC_SECRET, `${code.slice(0, 3)} ${code.slice(3)}`, at, null).ok).toBe(true);
    for (const bad of ['', '12345', '1234567', 'abcdef', '12345x'])
      expect(checkCode(RFC_SECRET, bad, at, null)).toEqual({ ok: false, why: 'malformed' });
  });

  it('makes new secrets of 160 bits, and an otpauth URI an app reads', () => {
    const a = newTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(a);
    const uri = otpauthUri(a, 'secadmin');
    expect(uri).toMatch(/^otpauth:\/\/totp\/onepoint:secadmin\?/);
    expect(uri).toContain(`secret=${a}`);
    expect(uri).toContain('issuer=onepoint');
    expect(uri).toContain('digits=6');
    expect(uri).toContain('period=30');
  });
});

describe('wrong codes and who needs a second factor', () => {
  it(`locks code entry for a while from the ${MAX_CODE_FAILURES}th wrong code in a row`, () => {
    const now = new Date('2026-12-07T08:00:00Z');
    expect(afterWrongCode(0, now)).toEqual({ failures: 1, lockedUntil: null });
    expect(afterWrongCode(MAX_CODE_FAILURES - 2, now).lockedUntil).toBeNull();
    expect(afterWrongCode(MAX_CODE_FAILURES - 1, now)).toEqual({
      failures: MAX_CODE_FAILURES,
      lockedUntil: new Date(now.getTime() + CODE_LOCK_MS),
    });
  });

  it('requires it, with ONEPOINT_REQUIRE_MFA, of pii.reveal and administration permissions only', () => {
    const admin = new Set(['user.manage', 'audit.read']);
    expect(secondFactorRequired(['customer.read', 'pii.reveal'], admin, true)).toBe(true);
    expect(secondFactorRequired(['org.read', 'user.manage'], admin, true)).toBe(true);
    expect(secondFactorRequired(['customer.read', 'customer.manage'], admin, true)).toBe(false);
    expect(secondFactorRequired(['pii.reveal', 'user.manage'], admin, false)).toBe(false);
  });
});
