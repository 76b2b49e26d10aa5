import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from './locales/en.ts';
import customersEn from './locales/customers.en.ts';
import customersZhCN from './locales/customers.zh-CN.ts';
import securityEn from './locales/security.en.ts';
import securityZhCN from './locales/security.zh-CN.ts';
import requestsEn from './locales/requests.en.ts';
import requestsZhCN from './locales/requests.zh-CN.ts';
import slaEn from './locales/sla.en.ts';
import slaZhCN from './locales/sla.zh-CN.ts';
import zhCN from './locales/zh-CN.ts';

type Tree = { [k: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'string') out.set(key, v);
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
  }
  return out;
}

const vars = (s: string) => [...s.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
// Texts of screens loaded on demand sit under their own key (addScreenTexts), checked like the rest.
const zh = flatten({
  ...zhCN,
  customers: customersZhCN,
  security: securityZhCN,
  requests: requestsZhCN,
  sla: slaZhCN,
});
const enFlat = flatten({
  ...en,
  customers: customersEn,
  security: securityEn,
  requests: requestsEn,
  sla: slaEn,
});

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'locales' ? [] : sourceFiles(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

describe('translations', () => {
  it('has every key in both zh-CN and English', () => {
    expect([...enFlat.keys()].filter((k) => !zh.has(k))).toEqual([]);
    expect([...zh.keys()].filter((k) => !enFlat.has(k))).toEqual([]);
  });

  it('has no empty text and the same placeholders in both languages', () => {
    for (const [key, text] of zh) {
      expect(text.trim(), `zh-CN ${key}`).not.toBe('');
      expect(enFlat.get(key)?.trim(), `en ${key}`).not.toBe('');
      expect(vars(enFlat.get(key) ?? ''), `placeholders of ${key}`).toEqual(vars(text));
    }
  });

  it('is really translated: the English text of a key is not the Chinese one', () => {
    const untranslated = [...zh].filter(([k, v]) => /\p{Script=Han}/u.test(v) && enFlat.get(k) === v);
    // Language names are each shown in their own language on purpose.
    expect(untranslated.map(([k]) => k).filter((k) => !k.startsWith('language.'))).toEqual([]);
  });

  it('defines every key the console asks for by name', () => {
    const root = path.resolve(import.meta.dirname, '..');
    const missing: string[] = [];
    for (const file of sourceFiles(root)) {
      const text = fs.readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([A-Za-z0-9_.-]+)'/g)) {
        if (!zh.has(m[1]!)) missing.push(`${path.relative(root, file)}: ${m[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
