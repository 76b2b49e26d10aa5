/**
 * How the request search box reads a term, most specific first: a request number, a phone (the
 * whole number or its last four digits — never another part, which would confirm digits a mask
 * hides), an account number or circuit id (tried against the instances; text if none), else words.
 */
import { normalisePhone, parsePhone } from '../../../platform/pii/phone.ts';

export type PhoneTerm = { kind: 'full'; value: string } | { kind: 'tail'; value: string };

export type RequestSearchTerm =
  | { kind: 'number'; value: string }
  | { kind: 'phone'; phone: PhoneTerm }
  | { kind: 'code'; value: string }
  | { kind: 'text'; value: string };

/** A request number as agents read it out: province code, date, sequence (JS20261207000123). */
export const REQUEST_NUMBER = /^[A-Z]{2,4}\d{14,}$/;
const CODE = /^[A-Za-z0-9][A-Za-z0-9_./:-]{3,63}$/;

export function readSearchTerm(raw: string): RequestSearchTerm {
  const term = raw.trim();
  const upper = term.toUpperCase();
  if (REQUEST_NUMBER.test(upper)) return { kind: 'number', value: upper };
  if (/^[\d\s\-()+]+$/.test(term)) {
    const digits = normalisePhone(term);
    if (/^\d{4}$/.test(digits)) return { kind: 'phone', phone: { kind: 'tail', value: digits } };
    const p = parsePhone(digits);
    if ('value' in p) return { kind: 'phone', phone: { kind: 'full', value: p.value } };
  }
  if (CODE.test(term) && /\d/.test(term)) return { kind: 'code', value: term };
  return { kind: 'text', value: term };
}
