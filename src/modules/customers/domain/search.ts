/**
 * How the customer search box reads a term. The text search terms themselves (CJK bigrams,
 * normalised names and codes) are the platform's: src/platform/text/cjk-search.ts.
 */
import { normalisePhone, parsePhone } from '../../../platform/pii/phone.ts';

export {
  isSingleCjk,
  normaliseCode,
  normaliseName,
  searchQuery,
  searchVector,
} from '../../../platform/text/cjk-search.ts';

export type LookupKind = 'idNumber' | 'phone' | 'phoneTail' | 'code' | 'name';

/**
 * What an agent typed into the "find customer" box, most specific reading first: an 18-character
 * ID number, a phone number (10–14 digits; voice and mobile account numbers are phone numbers), the
 * last four digits of a phone (尾号), an account, circuit, customer or credit code (letters and
 * digits), or a name. The search tries them in this order and stops at the first that finds someone.
 * Other digit strings are codes only: as a phone they would be part of a number the mask hides.
 */
export function classifyTerm(term: string): LookupKind[] {
  const t = term.trim();
  if (/^\d{17}[\dXx]$/.test(t.replace(/[\s-]/g, ''))) return ['idNumber', 'code'];
  const digits = t.replace(/[\s\-()+]/g, '');
  if (/^\d{4}$/.test(digits)) return ['phoneTail', 'code'];
  if (/^\d{10,14}$/.test(digits)) return ['phone', 'code'];
  if (/^\d{3,9}$/.test(digits)) return ['code'];
  if (/^[A-Za-z0-9][A-Za-z0-9_./:-]{3,63}$/.test(t)) return ['code', 'name'];
  return ['name'];
}

export type PhoneQuery = { kind: 'full'; value: string } | { kind: 'tail'; value: string };

export const PHONE_QUERY_RULE = 'give the full number or its last four digits';

/**
 * A phone number as it may be searched: the whole number, or its last four digits (尾号: what
 * agents ask callers for, and what every mask shows). A prefix, middle digits or any other part
 * would let repeated searches confirm digits the mask hides (issue: 187****1271 recovered by
 * searching 1870, 1871, …), so anything else is refused.
 */
export function phoneQuery(raw: string): PhoneQuery | { problem: string } {
  const d = normalisePhone(raw);
  if (/^\d{4}$/.test(d)) return { kind: 'tail', value: d };
  const p = parsePhone(d);
  if ('value' in p) return { kind: 'full', value: p.value };
  return { problem: PHONE_QUERY_RULE };
}

/**
 * A customer-number prefix as typed (C10001 → every C10001…): customer numbers are not personal
 * data, so any prefix may be searched; LIKE wildcards are matched literally.
 */
export function customerNoPrefixPattern(term: string): string | undefined {
  const t = term.trim().toUpperCase();
  if (!/^[A-Z0-9_-]{4,32}$/.test(t)) return undefined;
  return `${t.replace(/[%_\\]/g, '\\$&')}%`;
}
