import type { Migration } from 'kysely';
import { describe, expect, it } from 'vitest';
import { allMigrations, checkModules, defineModule, permissionCatalogue, providerOf } from './module.ts';

const m: Migration = { up: async () => {} };

describe('module registry', () => {
  it("merges the modules' migrations into one order by name, whatever the modules' order", () => {
    const a = defineModule({
      name: 'a',
      migrations: [
        ['0001_a_init', m],
        ['0004_a_more', m],
      ],
    });
    const b = defineModule({ name: 'b', migrations: [['0002_b_init', m]] });
    const c = defineModule({ name: 'c', migrations: [['0003_c_init', m]] });
    expect(allMigrations([c, a, b]).map(([name]) => name)).toEqual([
      '0001_a_init',
      '0002_b_init',
      '0003_c_init',
      '0004_a_more',
    ]);
  });

  it('refuses a migration number taken by two modules, and a malformed name', () => {
    const a = defineModule({ name: 'a', migrations: [['0005_a_x', m]] });
    const b = defineModule({ name: 'b', migrations: [['0005_b_y', m]] });
    expect(() => allMigrations([a, b])).toThrow('migration number 0005 is used by a and b');
    const bad = defineModule({ name: 'bad', migrations: [['init', m]] });
    expect(() => allMigrations([bad])).toThrow('migration name "init" is not NNNN_lower_case');
  });

  it('refuses a module name, event type or permission declared twice', () => {
    expect(() => checkModules([defineModule({ name: 'x' }), defineModule({ name: 'x' })])).toThrow(
      'module x is declared by x and x',
    );
    const p = defineModule({ name: 'p', permissions: { 'thing.read': { description: 'See things' } } });
    const q = defineModule({ name: 'q', permissions: { 'thing.read': { description: 'Also' } } });
    expect(() => checkModules([p, q])).toThrow('permission thing.read is declared by p and q');
    const e1 = defineModule({ name: 'e1', eventTypes: ['ThingEvent'] });
    const e2 = defineModule({ name: 'e2', eventTypes: ['ThingEvent'] });
    expect(() => checkModules([e1, e2])).toThrow('event type ThingEvent is declared by e1 and e2');
  });

  it('finds the one module providing a platform service, and refuses none or two', () => {
    const scope = { unitIds: async () => undefined };
    const owner = defineModule({ name: 'owner', provides: { dataScope: () => scope } });
    expect(providerOf([defineModule({ name: 'other' }), owner], 'dataScope')).toBe(owner);
    expect(() => providerOf([defineModule({ name: 'other' })], 'dataScope')).toThrow(
      'exactly one module must provide dataScope; found none',
    );
    const twin = defineModule({ name: 'twin', provides: { dataScope: () => scope } });
    expect(() => providerOf([owner, twin], 'dataScope')).toThrow('found owner, twin');
  });

  it("lists every module's permissions in registry order, with their module and roles", () => {
    const a = defineModule({
      name: 'a',
      permissions: { 'a.read': { description: 'Read a', roles: ['agent'] } },
    });
    const b = defineModule({ name: 'b', permissions: { 'b.manage': { description: 'Manage b' } } });
    expect(permissionCatalogue([a, b])).toEqual([
      { code: 'a.read', module: 'a', description: 'Read a', roles: ['agent'] },
      { code: 'b.manage', module: 'b', description: 'Manage b' },
    ]);
  });
});
