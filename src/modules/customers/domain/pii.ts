/**
 * Personal information rules (PIPL, MIIT Order 24): how identifiers are validated, normalised and
 * masked. Pure functions: no I/O.
 */

export interface FieldProblem {
  field: string;
  message: string;
}

// GB 11643-1999 check digit (ISO 7064 MOD 11-2): weights 2^(17-i) mod 11, remainder → character.
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

export function residentIdCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

export function normaliseResidentId(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

/** Machine codes of the problems below: clients translate them (the English text stays for the API). */
export type PiiProblemCode =
  | 'ID_NUMBER_FORMAT'
  | 'ID_NUMBER_REGION'
  | 'ID_NUMBER_BIRTH_DATE'
  | 'ID_NUMBER_BIRTH_RANGE'
  | 'ID_NUMBER_CHECK_DIGIT'
  | 'CREDIT_CODE_FORMAT'
  | 'CREDIT_CODE_CHECK'
  | 'PHONE_MOBILE_INVALID'
  | 'PHONE_FIXED_INVALID'
  | 'PHONE_INVALID'
  | 'EMAIL_INVALID';

export interface PiiProblem {
  code: PiiProblemCode;
  message: string;
}

/** Why an 18-character resident ID number (居民身份证号码) is invalid, or undefined if it is valid. */
export function residentIdIssue(raw: string, today: Date = new Date()): PiiProblem | undefined {
  const id = normaliseResidentId(raw);
  if (!/^\d{17}[\dX]$/.test(id))
    return { code: 'ID_NUMBER_FORMAT', message: 'must be 18 characters: 17 digits and a final digit or X' };
  if (!/^[1-9]/.test(id))
    return { code: 'ID_NUMBER_REGION', message: 'must start with a region code (first digit 1–9)' };
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d)
    return { code: 'ID_NUMBER_BIRTH_DATE', message: 'digits 7–14 must be a real date of birth (YYYYMMDD)' };
  if (y < 1900 || birth.getTime() > today.getTime())
    return { code: 'ID_NUMBER_BIRTH_RANGE', message: 'the date of birth is out of range' };
  if (residentIdCheckChar(id) !== id[17])
    return {
      code: 'ID_NUMBER_CHECK_DIGIT',
      message: 'the check digit (last character) does not match: mistyped?',
    };
  return undefined;
}

export const residentIdProblem = (raw: string, today: Date = new Date()): string | undefined =>
  residentIdIssue(raw, today)?.message;

// GB 32100-2015 unified social credit code (统一社会信用代码) of an enterprise: 18 characters.
const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARS.indexOf(first17[i]!) * USCC_WEIGHTS[i]!;
  return USCC_CHARS[(31 - (sum % 31)) % 31]!;
}

export function creditCodeIssue(raw: string): PiiProblem | undefined {
  const code = raw.replace(/\s+/g, '').toUpperCase();
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code))
    return {
      code: 'CREDIT_CODE_FORMAT',
      message: 'must be 18 characters (digits and capital letters except I, O, S, V, Z)',
    };
  if (creditCodeCheckChar(code) !== code[17])
    return { code: 'CREDIT_CODE_CHECK', message: 'the check character (last) does not match: mistyped?' };
  return undefined;
}

export const creditCodeProblem = (raw: string): string | undefined => creditCodeIssue(raw)?.message;

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
function areaCodeLength(digits: string): number {
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
): { value: string; kind: PhoneKind } | { problem: string; code: PiiProblemCode } {
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

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;
export function emailProblem(raw: string): string | undefined {
  return EMAIL.test(raw.trim()) && raw.length <= 254 ? undefined : 'is not a valid email address';
}

export const normaliseEmail = (raw: string) => raw.trim().toLowerCase();

// ---- Masking: what every response, export and log line shows by default. ----

export function maskPhone(value: string | null | undefined): string | null {
  if (!value) return null;
  const d = normalisePhone(value);
  const kind = phoneKind(d);
  if (kind === 'mobile') return `${d.slice(0, 3)}****${d.slice(7)}`;
  if (kind === 'fixed') return `${d.slice(0, areaCodeLength(d))}****${d.slice(-4)}`;
  return d.length > 4 ? `****${d.slice(-4)}` : '****';
}

export function maskIdNumber(value: string | null | undefined): string | null {
  if (!value) return null;
  const v = normaliseResidentId(value);
  if (v.length <= 7) return '*'.repeat(v.length);
  return `${v.slice(0, 3)}${'*'.repeat(v.length - 7)}${v.slice(-4)}`;
}

export function maskEmail(value: string | null | undefined): string | null {
  if (!value) return null;
  const at = value.lastIndexOf('@');
  if (at < 1) return '***';
  return `${value[0]}***${value.slice(at)}`;
}

/**
 * Keeps the administrative part of an address (province, city, district or county) and hides the
 * rest: 江苏省南京市玄武区中山路18号 → 江苏省南京市玄武区****.
 */
export function maskAddress(value: string | null | undefined): string | null {
  if (!value) return null;
  const chars = [...value];
  const head = chars.slice(0, 14).join('');
  let keep = -1;
  for (const marker of ['区', '县', '旗']) keep = Math.max(keep, head.lastIndexOf(marker));
  if (keep < 0) keep = head.lastIndexOf('市');
  if (keep < 0) keep = head.lastIndexOf('省');
  const kept = keep >= 0 ? head.slice(0, keep + 1) : chars.slice(0, Math.min(3, chars.length - 1)).join('');
  return kept.length >= value.length ? `${[...kept].slice(0, -1).join('')}****` : `${kept}****`;
}

/** Service account numbers that are phone numbers (voice, mobile) are personal: mask them too. */
export function maskAccountNo(value: string | null | undefined): string | null {
  if (!value) return null;
  return phoneKind(normalisePhone(value)) ? maskPhone(value) : value;
}
