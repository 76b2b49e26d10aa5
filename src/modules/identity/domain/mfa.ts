/**
 * The second factor (双因素认证): TOTP codes (RFC 6238, 6 digits, 30 s, SHA-1 — what every
 * authenticator app reads from a QR code), who must use it, and how wrong codes slow a user down.
 * Pure: the time is passed in.
 */
import { Secret, TOTP } from 'otpauth';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Codes one step before or after the current one are accepted too (clock drift of ±30 s). */
export const TOTP_WINDOW = 1;
export const TOTP_ISSUER = 'onepoint';

/** Wrong codes in a row, across sign-ins, before code entry is locked. */
export const MAX_CODE_FAILURES = 5;
/** How long code entry stays locked after MAX_CODE_FAILURES wrong codes in a row. */
export const CODE_LOCK_MS = 15 * 60_000;
/** Wrong codes one challenge takes before the password must be entered again. */
export const MAX_CHALLENGE_ATTEMPTS = 3;
/** How long the step between password and code lasts. */
export const CHALLENGE_TTL_MS = { verify: 5 * 60_000, enrol: 15 * 60_000 } as const;

/** A new random secret (160 bits, RFC 4226's recommendation), in base32 as apps show it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secretBase32: string, account: string): TOTP {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label: account,
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromBase32(secretBase32),
  });
}

/** The otpauth:// URI an authenticator app reads (from the QR code, or typed in). */
export function otpauthUri(secretBase32: string, account: string): string {
  return totp(secretBase32, account).toString();
}

/** The code for a time (tests and the enrolment check use it). */
export function totpCode(secretBase32: string, at: Date): string {
  return totp(secretBase32, 'x').generate({ timestamp: at.getTime() });
}

/** The time step a moment falls in. */
export const totpStep = (at: Date): number => Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);

/** Digits only: apps show `123 456`, people paste `123-456`. */
export function normaliseCode(input: string): string {
  return input.replace(/[\s-]/g, '');
}

export type CodeCheck = { ok: true; step: number } | { ok: false; why: 'malformed' | 'wrong' | 'replayed' };

/**
 * Checks a code at `at` within the drift window. A code of a step at or before `lastStep` (the last
 * one accepted) is a replay: each code signs in once, and never an older one after a newer one.
 */
export function checkCode(secretBase32: string, input: string, at: Date, lastStep: number | null): CodeCheck {
  const code = normaliseCode(input);
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code)) return { ok: false, why: 'malformed' };
  const delta = TOTP.validate({
    token: code,
    secret: Secret.fromBase32(secretBase32),
    algorithm: 'SHA1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
    timestamp: at.getTime(),
    window: TOTP_WINDOW,
  });
  if (delta === null) return { ok: false, why: 'wrong' };
  const step = totpStep(at) + delta;
  if (lastStep !== null && step <= lastStep) return { ok: false, why: 'replayed' };
  return { ok: true, step };
}

/** After one more wrong code: the new count, and until when code entry is locked (if it is). */
export function afterWrongCode(failures: number, now: Date): { failures: number; lockedUntil: Date | null } {
  const next = failures + 1;
  return {
    failures: next,
    lockedUntil: next >= MAX_CODE_FAILURES ? new Date(now.getTime() + CODE_LOCK_MS) : null,
  };
}

/**
 * Must this user sign in with a second factor? With ONEPOINT_REQUIRE_MFA, whoever may reveal
 * personal information or holds an administration permission (see administrationPermissions).
 * Without it, only those who enrolled (they always use it).
 */
export function secondFactorRequired(
  permissions: Iterable<string>,
  administration: ReadonlySet<string>,
  requireMfa: boolean,
): boolean {
  if (!requireMfa) return false;
  for (const p of permissions) if (p === 'pii.reveal' || administration.has(p)) return true;
  return false;
}
