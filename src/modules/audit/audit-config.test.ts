import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';

describe('audit settings', () => {
  it('ONEPOINT_AUDIT_KEYS: keys newest first; unset, a flagged development key distinct from the PII one', () => {
    const a = randomBytes(32).toString('base64');
    const c = loadConfig({ ONEPOINT_AUDIT_KEYS: `a2:${a},a1:${randomBytes(32).toString('base64')}` });
    expect(c.auditKeys.map((k) => k.id)).toEqual(['a2', 'a1']);
    expect(c.auditKeys[0]!.secret.toString('base64')).toBe(a);
    expect(c.auditKeysDevelopment).toBe(false);
    const dev = loadConfig({});
    expect(dev.auditKeysDevelopment).toBe(true);
    expect(dev.auditKeys[0]!.secret.equals(dev.piiKeys[0]!.secret)).toBe(false);
    expect(() => loadConfig({ ONEPOINT_AUDIT_KEYS: 'a1:c2hvcnQ=' })).toThrow(
      /ONEPOINT_AUDIT_KEYS key "a1" must be 32 bytes/,
    );
  });

  it('the anchor file defaults to the data directory; the grace must cover a few sealer intervals', () => {
    const c = loadConfig({ ONEPOINT_DATA_DIR: '/var/lib/onepoint' });
    expect(c.auditAnchorFile).toBe(path.resolve('/var/lib/onepoint/audit-anchors.log'));
    expect(c.auditSealIntervalMs).toBe(1000);
    expect(c.auditSealGraceMs).toBe(10_000);
    expect(loadConfig({ ONEPOINT_AUDIT_ANCHOR_FILE: '/srv/anchors.log' }).auditAnchorFile).toBe(
      '/srv/anchors.log',
    );
    expect(() =>
      loadConfig({ ONEPOINT_AUDIT_SEAL_INTERVAL_MS: '5000', ONEPOINT_AUDIT_SEAL_GRACE_SECONDS: '10' }),
    ).toThrow(/ONEPOINT_AUDIT_SEAL_GRACE_SECONDS must be at least 3 sealer intervals/);
  });
});
