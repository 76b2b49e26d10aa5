/**
 * Filling a canned phrase (常用语) in: `{{customer.name}}`, `{{request.number}}`, `{{agent.name}}`,
 * `{{today}}` … replaced from a context object, in one pass. Pure: no I/O, no masking — personal
 * data comes in already masked (the caller's views are), and nothing here can unmask it.
 *
 * - An unknown variable (not in VARIABLES) is left as written and reported: a typo shows.
 * - A known variable without a value is left as written and reported as missing.
 * - Values are escaped: inserted literally (a value holding `{{agent.name}}` is not expanded again),
 *   control characters removed, and for `html` output `& < > " '` escaped.
 */

/** The variables a phrase may use, with what they stand for (the console lists them). */
export const VARIABLES = {
  'customer.name': 'the customer’s name (masked)',
  'customer.no': 'the customer number',
  'customer.tier': 'the customer’s tier',
  'request.number': 'the service request’s number',
  'request.title': 'the service request’s title',
  'request.status': 'the service request’s status',
  'product.name': 'the product concerned',
  'agent.name': 'your name',
  'agent.unit': 'your unit',
  hotline: 'the hotline number (10000)',
  today: 'today’s date (China time)',
} as const;
export type VariableName = keyof typeof VARIABLES;

const PLACEHOLDER = /\{\{\s*([A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*)\s*\}\}/g;

/** A context: nested objects of values (`{ customer: { name: '张*' } }`) or flat dotted keys. */
export type RenderContext = { [key: string]: RenderValue };
export type RenderValue = string | number | boolean | null | undefined | RenderContext;

export interface Rendered {
  text: string;
  /** Names not in VARIABLES, left as written. */
  unknown: string[];
  /** Known names the context gave no value for, left as written. */
  missing: string[];
}

/** The variable names a text uses, in order, without repeats. */
export function variablesOf(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

const isKnown = (name: string): name is VariableName => Object.hasOwn(VARIABLES, name);

function lookup(ctx: RenderContext, name: string): string | undefined {
  const flat = Object.hasOwn(ctx, name) ? ctx[name] : undefined;
  let v: RenderValue = flat;
  if (v === undefined) {
    v = ctx;
    for (const part of name.split('.')) {
      if (v === null || typeof v !== 'object' || !Object.hasOwn(v, part)) return undefined;
      v = v[part];
    }
  }
  if (v === null || v === undefined || typeof v === 'object') return undefined;
  return String(v);
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeValue(value: string, format: 'text' | 'html'): string {
  // eslint-disable-next-line no-control-regex -- control characters (not tab or line breaks) go
  const clean = value.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
  return format === 'html' ? clean.replace(/[&<>"']/g, (c) => HTML[c]!) : clean;
}

export function renderPhrase(
  template: string,
  ctx: RenderContext,
  format: 'text' | 'html' = 'text',
): Rendered {
  const unknown = new Set<string>();
  const missing = new Set<string>();
  // One pass over the template: what a value contains is never read as a placeholder.
  const text = template.replace(PLACEHOLDER, (whole, name: string) => {
    if (!isKnown(name)) {
      unknown.add(name);
      return whole;
    }
    const value = lookup(ctx, name);
    if (value === undefined) {
      missing.add(name);
      return whole;
    }
    return escapeValue(value, format);
  });
  return { text, unknown: [...unknown], missing: [...missing] };
}

/** `today` as agents say it: the date in China time (UTC+8, no daylight saving), 2026-12-07. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
