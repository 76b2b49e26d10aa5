/**
 * Recovery codes for the second factor (恢复码): one-time codes a user keeps on paper for the day
 * the phone is lost. Generation, the form people type them in, and the stored hash. Pure but for
 * the random source, which tests may pass in.
 */
import { createHash, randomBytes } from 'node:crypto';

/** Codes handed out at enrolment and at each regeneration. */
export const RECOVERY_CODE_COUNT = 10;
/** At or below this many unused codes the console tells the user to make new ones. */
export const RECOVERY_CODES_LOW = 2;

/**
 * Crockford's base32: digits and lower-case letters without i, l, o, u, so a code read off paper
 * has no 1/l or 0/o to confuse (those are mapped back when typed, see normaliseRecoveryCode).
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
/** 16 symbols × 5 bits = 80 random bits per code. */
const CODE_LENGTH = 16;
const GROUP = 4;

/** `abcd-efgh-jkmn-pqrs`: groups of four are easier to copy by hand. */
export function formatRecoveryCode(bare: string): string {
  return bare.match(new RegExp(`.{1,${GROUP}}`, 'g'))!.join('-');
}

/** New codes, formatted for showing. `random` returns n random bytes (node's CSPRNG by default). */
export function newRecoveryCodes(
  count = RECOVERY_CODE_COUNT,
  random: (n: number) => Uint8Array = randomBytes,
): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    // 256 is a multiple of 32: the low five bits of a uniform byte are uniform.
    const bytes = random(CODE_LENGTH);
    let bare = '';
    for (let i = 0; i < CODE_LENGTH; i++) bare += ALPHABET[bytes[i]! & 31];
    codes.add(formatRecoveryCode(bare));
  }
  return [...codes];
}

/**
 * The bare code from what a person typed or pasted — case, spaces and dashes ignored, and the
 * letters Crockford leaves out read as the digits they look like (i, l → 1; o → 0) — or undefined
 * when it cannot be a recovery code (a 6-digit TOTP code typed in the wrong field, say).
 */
export function normaliseRecoveryCode(input: string): string | undefined {
  const bare = input.toLowerCase().replace(/[\s-]/g, '').replace(/[il]/g, '1').replace(/o/g, '0');
  if (bare.length !== CODE_LENGTH) return undefined;
  for (const ch of bare) if (!ALPHABET.includes(ch)) return undefined;
  return bare;
}

/**
 * What is stored of a code: SHA-256 over the user and the bare code. A slow password hash
 * (scrypt, as for passwords) is not needed and would hurt: it protects guessable secrets, and each
 * code has 80 random bits — a leaked hash still takes about 2^75 SHA-256 runs to find one of ten codes, out of
 * reach — while checking a typed code against ten scrypt hashes would cost ~0.5 s of CPU per try
 * on the sign-in path. A plain hash also lets the check be one indexed lookup. The user id in the
 * input keeps one user's hash from matching another's code.
 */
export function recoveryCodeHash(userId: string, bare: string): string {
  return createHash('sha256').update(`onepoint/mfa-recovery:${userId}:${bare}`).digest('hex');
}

/** Does the console warn that codes are running out? */
export const recoveryCodesLow = (left: number): boolean => left <= RECOVERY_CODES_LOW;
