/**
 * Masks an e-mail address for display (PIPL: staff see only what their work needs):
 * the first characters of the local part stay so people can recognise it, the domain stays whole.
 * `zhang.wei@example.com` → `zh***@example.com`. Anything that is not an address is fully masked.
 */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return '***';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const chars = [...local];
  const keep = chars.length >= 4 ? 2 : chars.length >= 2 ? 1 : 0;
  return `${chars.slice(0, keep).join('')}***@${domain}`;
}
