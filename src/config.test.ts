import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseTrustProxy } from './config.ts';

describe('configuration', () => {
  it('has sane defaults: port 8080 on loopback, embedded database in ./data', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.host).toBe('127.0.0.1');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(c.corsOrigins).toEqual([]);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(8080);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['LOG_LEVEL', 'loud'],
    ['ONEPOINT_DEMO_PASSWORD', 'short'],
    ['ONEPOINT_SESSION_IDLE_MINUTES', '0'],
    ['ONEPOINT_LOGIN_LOCKOUT_THRESHOLD', '0'],
    ['ONEPOINT_LOGIN_LOCKOUT_MAX_MINUTES', '0'],
    ['ONEPOINT_TRUST_PROXY', '2'],
    ['ONEPOINT_TRUST_PROXY', '10.0.0.0/33'],
    ['ONEPOINT_TRUST_PROXY', 'proxy.example.cn'],
    ['ONEPOINT_COOKIE_SECURE', 'yes'],
    ['ONEPOINT_TIME_ZONE', 'Mars/Olympus'],
    ['ONEPOINT_PUBLIC_URL', 'crm.example.cn'],
    ['ONEPOINT_PUBLIC_URL', 'https://crm.example.cn/?x=1'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });

  it('refuses the test clock beside real keys (a production server cannot run on a moved clock)', () => {
    const key = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
    expect(() => loadConfig({ ONEPOINT_TEST_CLOCK_FILE: '/tmp/clock', ONEPOINT_PII_KEYS: key })).toThrow(
      /ONEPOINT_TEST_CLOCK_FILE.*ONEPOINT_PII_KEYS/,
    );
    expect(loadConfig({ ONEPOINT_TEST_CLOCK_FILE: '/tmp/clock' }).testClockFile).toBe('/tmp/clock');
    expect(loadConfig({ ONEPOINT_PII_KEYS: key }).testClockFile).toBeUndefined();
  });

  it('splits CORS origins', () => {
    expect(loadConfig({ ONEPOINT_CORS_ORIGINS: 'https://a.example, https://b.example' }).corsOrigins).toEqual(
      ['https://a.example', 'https://b.example'],
    );
  });

  it('reads the public URL without a trailing slash; unset means "from each request"', () => {
    expect(loadConfig({ ONEPOINT_PUBLIC_URL: 'https://crm.example.cn/onepoint/' }).publicUrl).toBe(
      'https://crm.example.cn/onepoint',
    );
    expect(loadConfig({}).publicUrl).toBeUndefined();
  });

  it('sign-in defaults: lock from the 5th failure for 1 minute growing to 60, idle timeout 30 minutes', () => {
    const c = loadConfig({});
    expect([c.loginLockoutThreshold, c.loginLockoutMinutes, c.loginLockoutMaxMinutes]).toEqual([5, 1, 60]);
    expect(c.sessionIdleMinutes).toBe(30);
    expect(c.demoPassword).toBe('Onepoint-demo-2026');
    expect(c.cookieSecure).toBe('auto');
    expect(() =>
      loadConfig({ ONEPOINT_LOGIN_LOCKOUT_MINUTES: '30', ONEPOINT_LOGIN_LOCKOUT_MAX_MINUTES: '10' }),
    ).toThrow(/ONEPOINT_LOGIN_LOCKOUT_MAX_MINUTES/);
  });

  it('trusts no proxy unless told; then true or the proxies’ addresses and CIDRs', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy(' 10.0.0.1, 192.168.0.0/16 ,loopback,::1,fd00::/8')).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
      'loopback',
      '::1',
      'fd00::/8',
    ]);
  });
});
