/**
 * Mainland China phone numbers: mobiles (1[3-9] + 9 digits) and fixed lines with area code
 * (010/02x + 8 digits, 0xxx + 7–8 digits); +86, spaces and dashes accepted and normalised. Problem
 * texts never repeat the number.
 */

export type PhoneProblemCode = 'PHONE_MOBILE_INVALID' | 'PHONE_FIXED_INVALID' | 'PHONE_INVALID';

export type PhoneKind = 'mobile' | 'fixed';

/** Digits only, without a +86 / 0086 country prefix and without separators. */
export function normalisePhone(raw: string): string {
  let d = raw.trim().replace(/[\s\-()（）.]/g, '');
  if (d.startsWith('+86')) d = d.slice(3);
  else if (d.startsWith('0086')) d = d.slice(4);
  else if (/^86(1[3-9]\d{9})$/.test(d)) d = d.slice(2);
  return d;
}

/** Area codes 010 and 02x have three digits (with the 0); all others four. */
export function areaCodeLength(digits: string): number {
  return /^0[12]/.test(digits) ? 3 : 4;
}

export function phoneKind(normalised: string): PhoneKind | undefined {
  if (/^1[3-9]\d{9}$/.test(normalised)) return 'mobile';
  if (/^0\d{9,11}$/.test(normalised)) {
    const local = normalised.slice(areaCodeLength(normalised));
    if (/^[2-9]\d{6,7}$/.test(local)) return 'fixed';
  }
  return undefined;
}

/** Validates and normalises a mainland phone number; the problem text never repeats the number. */
export function parsePhone(
  raw: string,
): { value: string; kind: PhoneKind } | { problem: string; code: PhoneProblemCode } {
  const value = normalisePhone(raw);
  const kind = phoneKind(value);
  if (kind) return { value, kind };
  if (/^1\d*$/.test(value))
    return {
      code: 'PHONE_MOBILE_INVALID',
      problem: 'is not a mainland mobile number (11 digits starting 13–19)',
    };
  if (/^0\d*$/.test(value))
    return {
      code: 'PHONE_FIXED_INVALID',
      problem: 'is not a fixed-line number with area code (e.g. 025-84561234: area code, then 7–8 digits)',
    };
  return {
    code: 'PHONE_INVALID',
    problem:
      'must be a mainland mobile number (11 digits starting 13–19) or a fixed line with area code (e.g. 025-84561234)',
  };
}
