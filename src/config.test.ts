import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

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
    ['ONEPOINT_TIME_ZONE', 'Mars/Olympus'],
    ['ONEPOINT_PUBLIC_URL', 'crm.example.cn'],
    ['ONEPOINT_PUBLIC_URL', 'https://crm.example.cn/?x=1'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
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
});
