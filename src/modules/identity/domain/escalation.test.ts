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
