// The console names every permission and built-in role in both languages: a module that declares
// a permission (or a role) without its names in web/src/i18n/locales would show English codes and
// descriptions in the Chinese console.
import { describe, expect, it } from 'vitest';
import { modules } from '../src/modules.ts';
import { builtinRoles } from '../src/modules/identity/index.ts';
import { permissionCatalogue } from '../src/platform/module.ts';
import en from '../web/src/i18n/locales/en.ts';
import zhCN from '../web/src/i18n/locales/zh-CN.ts';

type Tree = { [k: string]: string | Tree | undefined };

function lookup(tree: Tree, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Tree | undefined)?.[part], tree);
}

const catalogue = permissionCatalogue(modules);

describe('console labels for what the server declares', () => {
  it.each([
    ['zh-CN', zhCN],
    ['en', en],
  ] as const)('names every permission in %s', (_lang, texts) => {
    expect(catalogue.length).toBeGreaterThan(10);
    const missing = catalogue
      .map((p) => `permissions.${p.code}`)
      .filter((key) => typeof lookup(texts as unknown as Tree, key) !== 'string');
    expect(missing).toEqual([]);
  });

  it.each([
    ['zh-CN', zhCN],
    ['en', en],
  ] as const)('names every built-in role in %s', (_lang, texts) => {
    const missing = builtinRoles(catalogue)
      .map((r) => `roles.${r.code}`)
      .filter((key) => typeof lookup(texts as unknown as Tree, key) !== 'string');
    expect(missing).toEqual([]);
  });
});
