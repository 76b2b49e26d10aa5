import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateTypes, OUTPUT, renderFiles, schemaToType } from '../../scripts/gen-api-types.ts';

const root = path.resolve(import.meta.dirname, '../..');

describe('web console API types (scripts/gen-api-types.ts)', () => {
  it('are up to date with the server’s OpenAPI document (else: npm run gen:api)', async () => {
    const files = await renderFiles();
    for (const [rel, text] of Object.entries(files)) {
      const committed = fs.readFileSync(path.join(root, rel), 'utf8');
      expect(committed, `${rel} is stale: run npm run gen:api and commit it`).toBe(text);
    }
    expect(Object.keys(files).sort()).toEqual(Object.values(OUTPUT).sort());
  });

  it('turn the JSON Schema that Zod produces into TypeScript', () => {
    expect(schemaToType({ type: ['string', 'null'] })).toBe('string | null');
    expect(schemaToType({ enum: ['national', 'province'] })).toBe('"national" | "province"');
    expect(schemaToType({ type: 'array', items: { type: 'integer' } })).toBe('Array<number>');
    expect(
      schemaToType({
        type: 'object',
        properties: { id: { type: 'string' }, 'org-unit': { anyOf: [{ type: 'string' }, { type: 'null' }] } },
        required: ['id'],
        additionalProperties: false,
      }).replace(/\s+/g, ' '),
    ).toBe('{ id: string; "org-unit"?: (string) | (null); }');
    expect(
      schemaToType({ type: 'object', additionalProperties: { type: 'number' } }).replace(/\s+/g, ' '),
    ).toBe('{ [key: string]: number; }');
  });

  it('type path parameters, optional query parameters and bodies per method', () => {
    const ts = generateTypes({
      paths: {
        '/api/v1/users/{id}': {
          patch: {
            parameters: [
              { in: 'path', name: 'id', required: true, schema: { type: 'string' } },
              { in: 'query', name: 'dryRun', schema: { type: 'boolean' } },
            ],
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    properties: { version: { type: 'integer' } },
                    required: ['version'],
                  },
                },
              },
            },
            responses: { '204': { description: 'done' } },
          },
        },
      },
    }).replace(/\s+/g, ' ');
    expect(ts).toContain('query?: { dryRun?: boolean; };');
    expect(ts).toContain('path: { id: string; };');
    expect(ts).toContain('requestBody: { content: { "application/json": { version: number; }; }; };');
    expect(ts).toContain('204: { headers: { [name: string]: unknown }; content?: never; };');
  });
});
