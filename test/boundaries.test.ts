// The module boundaries hold, and the checks that keep them would notice a breach:
// - dependency-cruiser (.dependency-cruiser.mjs, run by `npm run lint`) fails on a deep import
//   into another module, on a runtime import cycle, on the platform importing a module and on a
//   module's words (domain/words.ts, read directly by others and the console) importing anything,
//   and passes on the real tree;
// - a module's code is typed with its own tables, so a query on another module's table does not
//   compile (checked with the TypeScript compiler on a fixture that exists only in memory).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cruise, type ICruiseResult, type IConfiguration } from 'dependency-cruiser';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');

async function loadRules(): Promise<IConfiguration> {
  return ((await import(path.join(ROOT, '.dependency-cruiser.mjs'))) as { default: IConfiguration }).default;
}

/** Cruises `files` under `baseDir` with the project's rules; the rule names broken, with from → to. */
async function violations(baseDir: string, files: string[], withTsConfig: boolean) {
  const config = await loadRules();
  const { tsConfig: _unused, ...options } = config.options ?? {};
  const result = await cruise(
    files,
    {
      ...options,
      ...(withTsConfig ? { tsConfig: { fileName: path.join(ROOT, 'tsconfig.json') } } : {}),
      baseDir,
      validate: true,
      ruleSet: { forbidden: config.forbidden ?? [] },
    },
    { extensions: ['.ts', '.js', '.mjs', '.json'] },
  );
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

describe('dependency rules (.dependency-cruiser.mjs)', () => {
  let dir: string;
  beforeAll(() => {
    // A small source tree in the project's layout, each file breaking (or keeping) one rule.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-boundaries-'));
    const files: Record<string, string> = {
      'src/platform/util.ts': 'export const util = 1;\n',
      'src/platform/bad.ts': "import { a } from '../modules/alpha/index.ts';\nexport const bad = a;\n",
      'src/modules/alpha/index.ts': "export { a } from './inner.ts';\n",
      'src/modules/alpha/inner.ts':
        "import { util } from '../../platform/util.ts';\nexport const a = util;\n",
      // A deep import into another module.
      'src/modules/beta/index.ts': "import { a } from '../alpha/inner.ts';\nexport const b = a;\n",
      // Through the index: allowed.
      'src/modules/gamma/index.ts': "import { a } from '../alpha/index.ts';\nexport const g = a;\n",
      // Another module's words, imported directly: allowed (plain data)…
      'src/modules/alpha/domain/words.ts': "export const WORDS = { en: { a: 'A' } };\n",
      'src/modules/gamma/labels.ts':
        "import { WORDS } from '../alpha/domain/words.ts';\nexport const l = WORDS;\n",
      // …as long as they import nothing (the console bundles them).
      'src/modules/zeta/index.ts': 'export const z = 1;\n',
      'src/modules/zeta/domain/words.ts': "import { z } from '../index.ts';\nexport const WORDS = { z };\n",
      // A runtime cycle: service → events → service.
      'src/modules/delta/index.ts': "export { s } from './service.ts';\n",
      'src/modules/delta/service.ts': "import { e } from './events.ts';\nexport const s = () => e;\n",
      'src/modules/delta/events.ts': "import { s } from './service.ts';\nexport const e = () => s;\n",
      // A cycle that exists only in types: allowed (it vanishes at run time).
      'src/modules/omega/index.ts': "export type { T } from './t.ts';\nexport { u } from './u.ts';\n",
      'src/modules/omega/t.ts': "import type { U } from './u.ts';\nexport interface T { u?: U }\n",
      'src/modules/omega/u.ts':
        "import type { T } from './t.ts';\nexport interface U { t?: T }\nexport const u = 1;\n",
    };
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('fails on a deep import, a runtime cycle, the platform importing a module and impure words; allows the rest', async () => {
    const found = await violations(dir, ['src'], false);
    // A cycle is reported once, from whichever of its files comes first; the type-only one not at all.
    const cycles = found.filter((v) => v.startsWith('no-runtime-cycle:'));
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatch(
      /^no-runtime-cycle: src\/modules\/delta\/(service|events)\.ts → src\/modules\/delta\//,
    );
    expect(found.filter((v) => !v.startsWith('no-runtime-cycle:')).sort()).toEqual([
      'module-deep-import: src/modules/beta/index.ts → src/modules/alpha/inner.ts',
      'platform-independent: src/platform/bad.ts → src/modules/alpha/index.ts',
      'words-pure: src/modules/zeta/domain/words.ts → src/modules/zeta/index.ts',
    ]);
  });

  it('passes on the real source tree', async () => {
    expect(await violations(ROOT, ['src'], true)).toEqual([]);
  }, 60_000);
});

/** Type-checks in-memory files as if they were the given files of the project; errors by file, with line. */
function typeErrors(files: Record<string, string>): Record<string, string[]> {
  const configPath = path.join(ROOT, 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(
    ts.readConfigFile(configPath, (p) => ts.sys.readFile(p)).config,
    ts.sys,
    ROOT,
  );
  const fixtures = new Map(Object.entries(files).map(([f, text]) => [path.join(ROOT, f), text]));
  const host = ts.createCompilerHost(parsed.options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => {
    const text = fixtures.get(path.resolve(name));
    return text === undefined ? read(name, lang, ...rest) : ts.createSourceFile(name, text, lang);
  };
  const exists = host.fileExists.bind(host);
  host.fileExists = (name) => fixtures.has(path.resolve(name)) || exists(name);
  const program = ts.createProgram([...fixtures.keys()], { ...parsed.options, noEmit: true }, host);
  const out: Record<string, string[]> = {};
  for (const f of Object.keys(files)) {
    const source = program.getSourceFile(path.join(ROOT, f))!;
    out[f] = ts.getPreEmitDiagnostics(program, source).map((d) => {
      const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line + 1;
      return `${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]!}`;
    });
  }
  return out;
}

describe("a module's database handle types its own tables only", () => {
  // Written as files inside the customers module (never on disk), with its context and transaction
  // types: what customers did before they were module-typed (read identity's users and org units).
  const header = "import type { ModuleContext, Tx } from './customers.tables.ts';\n";
  const OWN = 'src/modules/customers/boundary-fixture-own.ts';
  const FOREIGN = 'src/modules/customers/boundary-fixture-foreign.ts';
  let errors: Record<string, string[]>;
  beforeAll(() => {
    errors = typeErrors({
      [OWN]:
        header +
        "export const own = (ctx: ModuleContext) => ctx.db.selectFrom('customers').select('name').execute();\n" +
        "export const ownTx = (trx: Tx) => trx.selectFrom('customer_contacts').select('id').execute();\n",
      [FOREIGN]:
        header +
        "export const viaContext = (ctx: ModuleContext) => ctx.db.selectFrom('users').select('id').execute();\n" +
        "export const viaTx = (trx: Tx) => trx.selectFrom('org_units').select('path').execute();\n",
    });
  }, 90_000);

  it("compiles queries on the module's own table (the control)", () => {
    expect(errors[OWN]).toEqual([]);
  });

  it("refuses a query on another module's table, through the context or a transaction", () => {
    const found = errors[FOREIGN]!;
    // Each line fails on the table name (and then on what follows it).
    expect(found.filter((e) => !/^[23]: /.test(e))).toEqual([]);
    expect(found.some((e) => /^2: .*"users".*CustomersTables/.test(e))).toBe(true);
    expect(found.some((e) => /^3: .*"org_units".*CustomersTables/.test(e))).toBe(true);
  });
});
