import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deliveryBackoffMs } from './backoff.ts';
import { signBody, verifySignature } from './signature.ts';

describe('delivery signature', () => {
  const body = '{"eventId":"1","eventType":"CustomerCreateEvent"}';
  it('is sha256= and the hex HMAC-SHA256 of the body with the listener secret', () => {
    const expected = createHmac('sha256', 's3cret').update(body).digest('hex');
    expect(signBody('s3cret', body)).toBe(`sha256=${expected}`);
  });
  it('verifies only the same body with the same secret', () => {
    const sig = signBody('s3cret', body);
    expect(verifySignature('s3cret', body, sig)).toBe(true);
    expect(verifySignature('other', body, sig)).toBe(false);
    expect(verifySignature('s3cret', `${body} `, sig)).toBe(false);
    expect(verifySignature('s3cret', body, undefined)).toBe(false);
    expect(verifySignature('s3cret', body, 'sha256=00')).toBe(false);
  });
});

describe('delivery back-off', () => {
  it('doubles from 10 s and stops growing at one hour', () => {
    expect([1, 2, 3, 4].map(deliveryBackoffMs)).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(deliveryBackoffMs(12)).toBe(3_600_000);
    expect(deliveryBackoffMs(1000)).toBe(3_600_000);
  });
});
