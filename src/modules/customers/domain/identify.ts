/**
 * Identifying a caller of any region (跨地域无差异服务, 一点受理): an agent of any unit may find a
 * customer outside their data scope, but only by a whole identifier — full phone number, full ID
 * number, whole account number or circuit id — never by a part of one, and only with a purpose.
 * What they see is a masked summary enough to accept a request. Pure: no I/O.
 */
import { maskMiddle, maskPhone } from '../../../platform/pii/masking.ts';
import { normalisePhone, parsePhone, phoneKind } from '../../../platform/pii/phone.ts';
import { normaliseCode } from '../../../platform/text/cjk-search.ts';
import { normaliseResidentId, residentIdIssue } from './pii.ts';
import { reasonWeight, REASON_WEIGHT_NEEDED } from './reveal.ts';

export const IDENTIFY_KINDS = ['phone', 'idNumber', 'accountNo', 'circuitId'] as const;
export type IdentifyKind = (typeof IDENTIFY_KINDS)[number];

/** Characters that say "a part of it" (masks, wildcards, ellipses): never searched. */
const PARTIAL = /[*%?_…＊]|\.\.\./;

/**
 * The identifier as it is looked up, or why it is refused. A phone's last four digits (尾号), a
 * masked or shortened value, an ID number that is not a whole valid one: refused, not searched.
 */
export function exactIdentifier(
  kind: IdentifyKind,
  raw: string,
  today: Date,
): { value: string } | { problem: string } {
  const v = raw.trim();
  if (PARTIAL.test(v))
    return { problem: 'give the whole identifier: a masked or partial value is not searched' };
  switch (kind) {
    case 'phone': {
      const p = parsePhone(v);
      return 'value' in p
        ? { value: p.value }
        : {
            problem:
              'give the whole phone number (11-digit mobile or fixed line with area code); a part of one is not searched',
          };
    }
    case 'idNumber': {
      const issue = residentIdIssue(v, today);
      return issue
        ? { problem: `give the whole 18-character ID number: ${issue.message}` }
        : { value: normaliseResidentId(v) };
    }
    case 'accountNo':
    case 'circuitId': {
      const code = normaliseCode(v);
      // A voice or mobile service number is a phone number: whole, like a phone.
      if (/^\d+$/.test(code) && code.length < 7)
        return { problem: `give the whole ${kind === 'accountNo' ? 'account number' : 'circuit id'}` };
      if (!/^[A-Z0-9\u4e00-\u9fff][A-Z0-9\u4e00-\u9fff/.:-]{5,99}$/.test(code))
        return {
          problem: `give the whole ${kind === 'accountNo' ? 'account number' : 'circuit id'} (at least 6 characters)`,
        };
      if (/^\d+$/.test(code) && code.length <= 12 && !phoneKind(normalisePhone(code)) && code.startsWith('1'))
        return { problem: 'give the whole number: this looks like a part of a phone number' };
      return { value: code };
    }
  }
}

/** Why a purpose does not say why (like a reveal reason: a few real words), or undefined. */
export function purposeProblem(purpose: string): string | undefined {
  return reasonWeight(purpose) >= REASON_WEIGHT_NEEDED
    ? undefined
    : 'state why you look the caller up in a few real words (at least 4 different Chinese characters, or 3 words), e.g. 来电报修宽带故障';
}

/**
 * A customer's name as the summary shows it: a person's surname and stars (张**); an enterprise's
 * first two and last four characters (南京****有限公司), enough to confirm with the caller.
 */
export function maskCustomerName(name: string, kind: 'individual' | 'enterprise'): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  if (kind === 'individual') return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
  return chars.length <= 6 ? maskMiddle(name.trim(), 1, 1) : maskMiddle(name.trim(), 2, 4);
}

/** A service number in the summary: a phone masked as phones are, anything else its ends only. */
export function maskServiceNumber(value: string | null): string | null {
  if (!value) return null;
  if (phoneKind(normalisePhone(value))) return maskPhone(value);
  const chars = [...value];
  return chars.length <= 6 ? maskMiddle(value, 1, 1) : maskMiddle(value, 3, 3);
}
