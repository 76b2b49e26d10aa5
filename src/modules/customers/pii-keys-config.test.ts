import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config.ts';

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
