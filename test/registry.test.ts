// The real registry: existing databases keep their migration names and order, and what modules
// declare matches what the system checks.
import { describe, expect, it } from 'vitest';
import { modules } from '../src/modules.ts';
import { ALL_PERMISSIONS } from '../src/modules/identity/index.ts';
import { migrations } from '../src/server.ts';

describe('the module registry (src/modules.ts)', () => {
  it('applies the migrations databases already have under the same names, first and in order', () => {
    const names = migrations.map(([name]) => name);
    expect(names.slice(0, 4)).toEqual([
      '0001_identity_init',
      '0002_audit_init',
      '0003_customers_init',
      '0004_events_init',
    ]);
    expect([...names].sort()).toEqual(names);
  });

  it('declares every permission of the catalogue in exactly one module, and no other', () => {
    const declared = modules.flatMap((m) => m.permissions ?? []);
    expect([...declared].sort()).toEqual([...ALL_PERMISSIONS].sort());
  });

  it('has the identity module first: the others read the org tree it owns', () => {
    expect(modules[0].name).toBe('identity');
  });
});
