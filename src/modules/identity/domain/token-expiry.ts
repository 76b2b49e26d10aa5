/**
 * API tokens expire (等保2.0: no credential lives for ever by accident): after 365 days unless the
 * issuer says otherwise; 0 days means never, which must be asked for and is said plainly.
 */
export const DEFAULT_TOKEN_DAYS = 365;
export const MAX_TOKEN_DAYS = 3650;
const DAY_MS = 86_400_000;

/** The expiry of a token issued at `now` for `days` days (default 365); null for 0: never. */
export function tokenExpiry(days: number | undefined, now: Date): Date | null {
  const d = days ?? DEFAULT_TOKEN_DAYS;
  return d === 0 ? null : new Date(now.getTime() + d * DAY_MS);
}

/** One plain sentence on when a new token stops working, for the command's output and the API. */
export function expiryNotice(expiresAt: Date | null, now: Date): string {
  if (!expiresAt) return 'This token never expires: revoke it when the integration no longer needs it.';
  const days = Math.round((expiresAt.getTime() - now.getTime()) / DAY_MS);
  const when = expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `This token expires on ${when} (in ${days} day${days === 1 ? '' : 's'}); issue a new one before then.`;
}
