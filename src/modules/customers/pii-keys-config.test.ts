import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, devKeyRefusal, devKeyWarning, isLoopbackHost, loadConfig } from '../../config.ts';

const key = () => randomBytes(32).toString('base64');

describe('ONEPOINT_PII_KEYS', () => {
  it('lists keys newest first and falls back to a flagged development key when unset', () => {
    const a = key();
    const b = key();
    const c = loadConfig({ ONEPOINT_PII_KEYS: `k2:${a}, k1:${b}` });
    expect(c.piiKeys.map((k) => k.id)).toEqual(['k2', 'k1']);
    expect(c.piiKeys[0]!.secret.toString('base64')).toBe(a);
    expect(c.piiKeysDevelopment).toBe(false);
    const dev = loadConfig({});
    expect(dev.piiKeysDevelopment).toBe(true);
    expect(dev.piiKeys.map((k) => k.id)).toEqual(['dev']);
  });

  it('names the variable and the problem', () => {
    expect(() => loadConfig({ ONEPOINT_PII_KEYS: 'nokey' })).toThrow(ConfigError);
    expect(() => loadConfig({ ONEPOINT_PII_KEYS: 'k1:c2hvcnQ=' })).toThrow(
      /ONEPOINT_PII_KEYS key "k1" must be 32 bytes/,
    );
    const k = key();
    expect(() => loadConfig({ ONEPOINT_PII_KEYS: `k1:${k},k1:${k}` })).toThrow(/repeated/);
  });
});

describe('the development key: where it may run', () => {
  const pg = 'postgresql://u@db.example:5432/onepoint';
  it('is refused on PostgreSQL and, for the server, on a non-loopback HOST, naming the variable', () => {
    expect(devKeyRefusal(loadConfig({}), { listening: true })).toBeUndefined();
    expect(devKeyRefusal(loadConfig({ DATABASE_URL: pg }), { listening: false })).toMatch(
      /^ONEPOINT_PII_KEYS is not set .* on PostgreSQL \(DATABASE_URL is set\)\. .*ONEPOINT_ALLOW_DEV_KEY=true/,
    );
    const open = loadConfig({ HOST: '0.0.0.0' });
    expect(devKeyRefusal(open, { listening: true })).toMatch(
      /HOST=0\.0\.0\.0, which is not a loopback address/,
    );
    // A command does not listen: the address does not matter to it.
    expect(devKeyRefusal(open, { listening: false })).toBeUndefined();
  });

  it('is allowed by ONEPOINT_ALLOW_DEV_KEY=true, and not asked about with a key of your own', () => {
    const allowed = loadConfig({ DATABASE_URL: pg, HOST: '::', ONEPOINT_ALLOW_DEV_KEY: 'true' });
    expect(devKeyRefusal(allowed, { listening: true })).toBeUndefined();
    expect(devKeyWarning(allowed)).toMatch(/built-in development key/);
    const keyed = loadConfig({ DATABASE_URL: pg, HOST: '0.0.0.0', ONEPOINT_PII_KEYS: `k1:${key()}` });
    expect(devKeyRefusal(keyed, { listening: true })).toBeUndefined();
    expect(devKeyWarning(keyed)).toBeUndefined();
    expect(() => loadConfig({ ONEPOINT_ALLOW_DEV_KEY: 'yes' })).toThrow(/ONEPOINT_ALLOW_DEV_KEY/);
  });

  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'crm.example.com', '128.0.0.1'])
      expect(isLoopbackHost(h), h).toBe(false);
  });
});
