import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header every delivery carries: `sha256=` + hex HMAC-SHA256 of the raw body. */
export const SIGNATURE_HEADER = 'X-Hub-Signature-256';

export function signBody(secret: string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** What a receiver does: recompute over the raw bytes and compare in constant time. */
export function verifySignature(secret: string, body: string | Buffer, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Outbound webhooks: `X-Onepoint-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`
 * with the webhook's secret. The timestamp is signed with the body, so a captured delivery cannot
 * be sent again later unnoticed: receivers refuse a `t` older than a few minutes.
 */
export const WEBHOOK_SIGNATURE_HEADER = 'X-Onepoint-Signature';

export function signWebhook(secret: string, timestampSeconds: number, body: string | Buffer): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.`).update(body).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

/** What a webhook receiver does: the signature matches and `t` is within `toleranceSeconds` of now. */
export function verifyWebhookSignature(
  secret: string,
  body: string | Buffer,
  header: string | undefined,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const m = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const t = Number(m[1]);
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, t, body));
  const given = Buffer.from(header!);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
