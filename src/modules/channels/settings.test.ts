// The gateway settings' pure rules: the environment's SMTP URL read as settings, and when a secret
// left out of a save is kept (only for the server it was given for).
import { describe, expect, it } from 'vitest';
import { keptSecret, mailFromUrl, mailPlace, smsPlace } from './settings.ts';

describe('ONEPOINT_SMTP_URL as settings', () => {
  it('reads host, port, TLS and the login (percent-decoded), with the defaults of each scheme', () => {
    expect(mailFromUrl('smtps://noreply%40ct.cn:p%40ss@mail.ct.cn', 'x@ct.cn')).toMatchObject({
      source: 'environment',
      host: 'mail.ct.cn',
      port: 465,
      tls: 'implicit',
      username: 'noreply@ct.cn',
      password: 'p@ss',
      from: 'x@ct.cn',
    });
    expect(mailFromUrl('smtp://relay.local:2525', 'x@ct.cn')).toMatchObject({
      port: 2525,
      tls: 'opportunistic',
      username: null,
      password: null,
    });
    expect(mailFromUrl('smtp://relay.local?requireTLS=true', 'x@ct.cn')).toMatchObject({
      port: 587,
      tls: 'starttls',
    });
  });
});

describe('a secret left out of a save', () => {
  const mail = (host: string, username: string | null) => mailPlace({ host, username });
  it('is kept while it would go to the same server and user (host case aside)', () => {
    const current = { secret: 'old', place: mail('smtp.ct.cn', 'noreply') };
    expect(keptSecret(undefined, current, mail('SMTP.ct.cn', 'noreply'))).toBe('old');
    expect(keptSecret(undefined, current, mail('smtp.evil.example', 'noreply'))).toBe('again');
    expect(keptSecret(undefined, current, mail('smtp.ct.cn', 'other'))).toBe('again');
  });
  it('given or cleared, is what was sent; none before stays none', () => {
    const current = { secret: 'old', place: mail('smtp.ct.cn', 'a') };
    expect(keptSecret('new', current, mail('elsewhere', 'a'))).toBe('new');
    expect(keptSecret(null, current, mail('smtp.ct.cn', 'a'))).toBeNull();
    expect(keptSecret(undefined, { secret: null, place: null }, mail('smtp.ct.cn', 'a'))).toBeNull();
  });
  it('an SMS key follows the gateway origin; with no URL it goes nowhere and is kept', () => {
    const current = { secret: 'k'.repeat(16), place: smsPlace('https://sms.ct.cn/api/send') };
    expect(keptSecret(undefined, current, smsPlace('https://sms.ct.cn/v2/send'))).toBe('k'.repeat(16));
    expect(keptSecret(undefined, current, smsPlace('https://sms.ct.cn:8443/api/send'))).toBe('again');
    expect(keptSecret(undefined, current, smsPlace('http://sms.ct.cn/api/send'))).toBe('again');
    expect(keptSecret(undefined, current, smsPlace(null))).toBe('k'.repeat(16));
  });
});
