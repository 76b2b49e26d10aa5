import { describe, expect, it } from 'vitest';
import { hostOf, isPublicAddress, parseCallback } from './callback-address.ts';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '192.0.2.10',
    '::1',
    '::',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd12:3456::1',
    'ff02::1',
    '2001:db8::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    '2002:c0a8:101::1',
    'not an address',
    '',
  ])('refuses %s', (ip) => expect(isPublicAddress(ip)).toBe(false));

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2400:3200::1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
  ])('accepts %s', (ip) => expect(isPublicAddress(ip)).toBe(true));
});

describe('parseCallback', () => {
  it('takes http(s) URLs with a host', () => {
    const u = parseCallback('https://crm.example.cn/tmf/listener?x=1');
    expect(u).toBeInstanceOf(URL);
    expect(hostOf(parseCallback('http://[::1]:8080/l') as URL)).toBe('::1');
  });
  it.each([
    ['ftp://example.cn/x', /http/],
    ['/relative/path', /absolute/],
    ['https://user:pw@example.cn/x', /credentials/],
    ['https://example.cn/x#frag', /fragment/],
    ['javascript:alert(1)', /http/],
  ])('refuses %s', (text, why) => expect((parseCallback(text) as { problem: string }).problem).toMatch(why));
});
