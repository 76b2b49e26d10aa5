import { describe, expect, it } from 'vitest';
import { missingPermissions } from './escalation.ts';

describe('no privilege escalation', () => {
  const caller = new Set(['user.read', 'user.manage', 'org.read']);
  it('allows granting a subset of what the caller holds', () => {
    expect(missingPermissions(caller, ['user.read', 'org.read'])).toEqual([]);
    expect(missingPermissions(caller, [])).toEqual([]);
  });
  it('names each permission the caller lacks, once, sorted', () => {
    expect(missingPermissions(caller, ['role.manage', 'audit.read', 'user.read', 'role.manage'])).toEqual([
      'audit.read',
      'role.manage',
    ]);
  });
});

describe('三员分立: only administration permissions are guarded', () => {
  const securityAdmin = new Set(['role.read', 'role.manage', 'user.grant']);
  const guarded = new Set(['org.manage', 'user.manage', 'user.grant', 'role.manage', 'audit.read']);
  it('lets an authoriser hand out business permissions it cannot use', () => {
    expect(missingPermissions(securityAdmin, ['customer.read', 'pii.reveal'], guarded)).toEqual([]);
  });
  it('still refuses administration permissions the caller lacks', () => {
    expect(
      missingPermissions(securityAdmin, ['customer.read', 'audit.read', 'user.manage'], guarded),
    ).toEqual(['audit.read', 'user.manage']);
    expect(missingPermissions(securityAdmin, ['role.manage', 'user.grant'], guarded)).toEqual([]);
  });
});
