/**
 * Personal information rules (PIPL, MIIT Order 24): how a customer's identifiers are validated,
 * normalised and masked. Pure functions: no I/O. Phones, emails and the masking primitives are the
 * platform's (src/platform/pii/), re-exported here for the module's use.
 */
import { maskMiddle, maskPhone } from '../../../platform/pii/masking.ts';
import { normalisePhone, phoneKind, type PhoneProblemCode } from '../../../platform/pii/phone.ts';

export { emailProblem, normaliseEmail } from '../../../platform/pii/email.ts';
export { maskAddress, maskEmail, maskPhone } from '../../../platform/pii/masking.ts';
export { maskFreeText, maskFreeTextDeep, restoreMaskedFreeText } from '../../../platform/pii/free-text.ts';
export { normalisePhone, parsePhone, phoneKind, type PhoneKind } from '../../../platform/pii/phone.ts';

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
  | PhoneProblemCode
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

// ---- Masking of the customer's own identifiers ----

export function maskIdNumber(value: string | null | undefined): string | null {
  if (!value) return null;
  const v = normaliseResidentId(value);
  return v.length <= 7 ? '*'.repeat(v.length) : maskMiddle(v, 3, 4);
}

/** Service account numbers that are phone numbers (voice, mobile) are personal: mask them too. */
export function maskAccountNo(value: string | null | undefined): string | null {
  if (!value) return null;
  return phoneKind(normalisePhone(value)) ? maskPhone(value) : value;
}
