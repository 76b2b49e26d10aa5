/**
 * How the customer search box reads a term. The text search terms themselves (CJK bigrams,
 * normalised names and codes) are the platform's: src/platform/text/cjk-search.ts.
 */
export {
  isSingleCjk,
  normaliseCode,
  normaliseName,
  searchQuery,
  searchVector,
} from '../../../platform/text/cjk-search.ts';

export type LookupKind = 'idNumber' | 'phone' | 'code' | 'name';

/**
 * What an agent typed into the "find customer" box, most specific reading first: an 18-character
 * ID number, a phone number (10–14 digits; voice and mobile account numbers are phone numbers), an
 * account, circuit, customer or credit code (letters and digits), or a name. The search tries
 * them in this order and stops at the first that finds someone.
 */
export function classifyTerm(term: string): LookupKind[] {
  const t = term.trim();
  if (/^\d{17}[\dXx]$/.test(t)) return ['idNumber', 'code'];
  const digits = t.replace(/[\s\-()+]/g, '');
  if (/^\d{10,14}$/.test(digits)) return ['phone', 'code'];
  if (/^\d{3,9}$/.test(digits)) return ['code', 'phone'];
  if (/^[A-Za-z0-9][A-Za-z0-9_./:-]{3,63}$/.test(t)) return ['code', 'name'];
  return ['name'];
}
