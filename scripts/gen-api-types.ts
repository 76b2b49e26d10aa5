// Writes the console's API types from the server's own OpenAPI document, so the client cannot drift
// from the server silently: web/src/api/openapi.json (the document) and web/src/api/schema.gen.ts
// (path → method → parameters / request body / responses, in the shape openapi-fetch expects).
//   npx tsx scripts/gen-api-types.ts          write both files
//   npx tsx scripts/gen-api-types.ts --check  exit 1 if the committed files are stale
// The document is read from app.swagger() on an app built with a database that is never queried.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import prettier from 'prettier';
import { loadConfig } from '../src/config.ts';
import type { ModuleContext } from '../src/context.ts';
import type { DB } from '../src/db.ts';
import { modules } from '../src/modules.ts';
import { systemClock } from '../src/platform/clock.ts';
import type { JobQueue } from '../src/platform/jobs/queue.ts';
import { createLogger } from '../src/platform/logger.ts';
import { permissionCatalogue } from '../src/platform/module.ts';
import { buildApp } from '../src/server.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUTPUT = {
  document: 'web/src/api/openapi.json',
  types: 'web/src/api/schema.gen.ts',
} as const;

type Schema = boolean | { [k: string]: unknown };
interface Parameter {
  in: 'query' | 'path' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: Schema;
  description?: string;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
  summary?: string;
}
export interface OpenApiDocument {
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
  [k: string]: unknown;
}

/** The server's OpenAPI document, without a database or a listening socket. */
export async function openApiDocument(): Promise<OpenApiDocument> {
  // Routes are registered but never called, so a compile-only Kysely and an inert job queue suffice.
  const db = new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  const jobs: JobQueue = {
    define: async () => {},
    send: async () => null,
    work: async () => {},
    schedule: async () => {},
    stop: async () => {},
  };
  const ctx: ModuleContext = {
    db,
    engine: 'pglite',
    config: loadConfig({ LOG_LEVEL: 'silent' }),
    clock: systemClock,
    logger: createLogger('silent'),
    jobs,
    dataScope: { unitIds: async () => undefined },
    raiseSecurityAlert: async () => {},
    permissions: permissionCatalogue(modules),
  };
  const app = await buildApp(ctx);
  try {
    await app.ready();
    return app.swagger() as unknown as OpenApiDocument;
  } finally {
    await app.close();
    await db.destroy();
  }
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const key = (k: string) => (IDENT.test(k) ? k : JSON.stringify(k));
const doc = (text: unknown) =>
  typeof text === 'string' && text.trim() ? `/** ${text.replace(/\*\//g, '*\\/').trim()} */\n` : '';

/** A JSON Schema (the subset Zod and fastify-swagger produce) as a TypeScript type. */
export function schemaToType(schema: Schema | undefined): string {
  if (schema === undefined || schema === true) return 'unknown';
  if (schema === false) return 'never';
  const s = schema as Record<string, unknown>;
  if (typeof s.$ref === 'string') {
    const m = /^#\/components\/schemas\/(.+)$/.exec(s.$ref);
    if (!m) throw new Error(`unsupported $ref ${s.$ref}`);
    return `components['schemas'][${JSON.stringify(m[1])}]`;
  }
  const nullable = s.nullable === true ? ' | null' : '';
  if ('const' in s) return JSON.stringify(s.const) + nullable;
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ') + nullable;
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) {
    const parts = ((s.anyOf ?? s.oneOf) as Schema[]).map((x) => `(${schemaToType(x)})`);
    return [...new Set(parts)].join(' | ') + nullable;
  }
  if (Array.isArray(s.allOf)) return (s.allOf as Schema[]).map((x) => `(${schemaToType(x)})`).join(' & ');
  if (Array.isArray(s.type)) {
    return (s.type as string[]).map((t) => schemaToType({ ...s, type: t })).join(' | ') + nullable;
  }
  switch (s.type) {
    case 'string':
      return 'string' + nullable;
    case 'number':
    case 'integer':
      return 'number' + nullable;
    case 'boolean':
      return 'boolean' + nullable;
    case 'null':
      return 'null';
    case 'array': {
      if (Array.isArray(s.prefixItems)) {
        return `[${(s.prefixItems as Schema[]).map(schemaToType).join(', ')}]` + nullable;
      }
      return `Array<${schemaToType(s.items as Schema | undefined)}>` + nullable;
    }
  }
  if (s.type === 'object' || s.properties || s.additionalProperties !== undefined) {
    const props = (s.properties ?? {}) as Record<string, Schema>;
    const required = new Set((s.required as string[] | undefined) ?? []);
    const lines = Object.entries(props).map(([name, p]) => {
      const d = typeof p === 'object' ? doc(p.description) : '';
      return `${d}${key(name)}${required.has(name) ? '' : '?'}: ${schemaToType(p)};`;
    });
    const extra = s.additionalProperties;
    if (extra !== undefined && extra !== false) {
      lines.push(`[key: string]: ${extra === true ? 'unknown' : schemaToType(extra as Schema)};`);
    } else if (extra === undefined && lines.length === 0) {
      lines.push('[key: string]: unknown;');
    }
    return `{\n${lines.join('\n')}\n}` + nullable;
  }
  return 'unknown';
}

function parametersType(params: Parameter[]): string {
  const groups = ['query', 'header', 'path', 'cookie'] as const;
  return `{\n${groups
    .map((g) => {
      const list = params.filter((p) => p.in === g);
      if (list.length === 0) return `${g}?: never;`;
      const anyRequired = list.some((p) => p.required || g === 'path');
      const fields = list.map(
        (p) =>
          `${doc(p.description)}${key(p.name)}${p.required || g === 'path' ? '' : '?'}: ${schemaToType(p.schema)};`,
      );
      return `${g}${anyRequired ? '' : '?'}: {\n${fields.join('\n')}\n};`;
    })
    .join('\n')}\n}`;
}

function contentType(content: Record<string, { schema?: Schema }> | undefined): string {
  if (!content || Object.keys(content).length === 0) return 'content?: never;';
  return `content: {\n${Object.entries(content)
    .map(([media, m]) => `${JSON.stringify(media)}: ${schemaToType(m.schema)};`)
    .join('\n')}\n};`;
}

function operationType(op: Operation): string {
  const lines = [`parameters: ${parametersType(op.parameters ?? [])};`];
  if (op.requestBody) {
    lines.push(
      `requestBody${op.requestBody.required ? '' : '?'}: {\n${contentType(op.requestBody.content)}\n};`,
    );
  } else {
    lines.push('requestBody?: never;');
  }
  const responses = Object.entries(op.responses ?? {}).map(
    ([status, r]) =>
      `${/^\d+$/.test(status) ? status : JSON.stringify(status)}: {\nheaders: { [name: string]: unknown };\n${contentType(r.content)}\n};`,
  );
  lines.push(`responses: {\n${responses.join('\n')}\n};`);
  return `{\n${lines.join('\n')}\n}`;
}

/** The TypeScript module for a document: `paths` and `components`, as openapi-fetch reads them. */
export function generateTypes(document: OpenApiDocument): string {
  const paths = Object.entries(document.paths ?? {}).map(([p, item]) => {
    const ops = METHODS.filter((m) => item[m]).map(
      (m) => `${doc(item[m]!.summary)}${m}: ${operationType(item[m]!)};`,
    );
    const common = 'parameters: { query?: never; header?: never; path?: never; cookie?: never };';
    return `${JSON.stringify(p)}: {\n${common}\n${ops.join('\n')}\n};`;
  });
  const schemas = Object.entries(document.components?.schemas ?? {}).map(
    ([name, s]) => `${key(name)}: ${schemaToType(s)};`,
  );
  return [
    "// Generated by scripts/gen-api-types.ts from the server's OpenAPI document. Do not edit by hand:",
    '// run `npm run gen:api` after changing a route schema (a test fails while this file is stale).',
    '/* eslint-disable */',
    `export interface paths {\n${paths.join('\n')}\n}`,
    `export interface components {\nschemas: {\n${schemas.join('\n')}\n};\n}`,
    '',
  ].join('\n');
}

/** Both generated files, formatted as the repository formats them. */
export async function renderFiles(): Promise<Record<(typeof OUTPUT)[keyof typeof OUTPUT], string>> {
  const document = await openApiDocument();
  const options = (await prettier.resolveConfig(path.join(root, OUTPUT.types))) ?? {};
  return {
    [OUTPUT.document]: await prettier.format(JSON.stringify(document), { ...options, parser: 'json' }),
    [OUTPUT.types]: await prettier.format(generateTypes(document), { ...options, parser: 'typescript' }),
  };
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const files = await renderFiles();
  let stale = 0;
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(root, rel);
    const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    if (current === text) continue;
    stale++;
    if (check) console.error(`${rel} is stale: run npm run gen:api`);
    else fs.writeFileSync(file, text);
  }
  if (!check) console.log(stale ? `wrote ${stale} file(s)` : 'API types are up to date');
  process.exitCode = check && stale ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
