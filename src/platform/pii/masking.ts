/**
 * Masking primitives: what responses, exports and events show of personal information by default
 * (PIPL: staff see only what their work needs). Pure functions.
 */
import { areaCodeLength, normalisePhone, phoneKind } from './phone.ts';

/** Keeps the first `head` and the last `tail` characters; the rest become stars (or `stars` of them). */
export function maskMiddle(value: string, head: number, tail: number, stars?: number): string {
  const chars = [...value];
  if (chars.length <= head + tail) return '*'.repeat(chars.length);
  const n = stars ?? chars.length - head - tail;
  return `${chars.slice(0, head).join('')}${'*'.repeat(n)}${chars.slice(chars.length - tail).join('')}`;
}

export function maskPhone(value: string | null | undefined): string | null {
  if (!value) return null;
  const d = normalisePhone(value);
  const kind = phoneKind(d);
  if (kind === 'mobile') return maskMiddle(d, 3, 4);
  if (kind === 'fixed') return maskMiddle(d, areaCodeLength(d), 4, 4);
  return d.length > 4 ? `****${d.slice(-4)}` : '****';
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
