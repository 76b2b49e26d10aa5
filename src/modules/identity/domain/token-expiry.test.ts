import { describe, expect, it } from 'vitest';
import { expiryNotice, tokenExpiry } from './token-expiry.ts';

const now = new Date('2026-12-07T10:00:00.000Z');

describe('API token expiry', () => {
  it('defaults to 365 days; 0 days is never; any other count of days is taken', () => {
    expect(tokenExpiry(undefined, now)).toEqual(new Date('2027-12-07T10:00:00.000Z'));
    expect(tokenExpiry(0, now)).toBeNull();
    expect(tokenExpiry(30, now)).toEqual(new Date('2027-01-06T10:00:00.000Z'));
  });

  it('says plainly when the token stops working, or that it never does', () => {
    expect(expiryNotice(tokenExpiry(undefined, now), now)).toBe(
      'This token expires on 2027-12-07T10:00:00Z (in 365 days); issue a new one before then.',
    );
    expect(expiryNotice(tokenExpiry(1, now), now)).toMatch(/in 1 day\)/);
    expect(expiryNotice(null, now)).toMatch(/never expires/);
  });
});
