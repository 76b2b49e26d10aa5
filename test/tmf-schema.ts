/**
 * Validates responses against TM Forum's own OpenAPI documents (vendored in spec/tmf). OpenAPI 3.0's
 * `discriminator` is not JSON Schema: a `oneOf` over look-alike references (PartyRef, PartyRoleRef…)
 * matches several of them, so each such `oneOf` is read the way the discriminator means it —
 * by `@type`, through its mapping.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

const SHARED_TMF = path.resolve(import.meta.dirname, '../spec/tmf');

type Node = Record<string, unknown>;

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (node === null || typeof node !== 'object') return node;
  const n = node as Node;
  const out: Node = {};
  for (const [k, v] of Object.entries(n)) if (k !== 'discriminator' && k !== 'oneOf') out[k] = rewrite(v);
  const disc = n.discriminator as { propertyName: string; mapping?: Record<string, string> } | undefined;
  if (n.oneOf && disc?.mapping) {
    const tags = Object.keys(disc.mapping);
    out.required = [...new Set([...((out.required as string[]) ?? []), disc.propertyName])];
    out.properties = { ...((out.properties as Node) ?? {}), [disc.propertyName]: { enum: tags } };
    out.allOf = [
      ...((out.allOf as unknown[]) ?? []),
      ...tags.map((tag) => ({
        if: { properties: { [disc.propertyName]: { const: tag } } },
        then: { $ref: disc.mapping![tag] },
      })),
    ];
  } else if (n.oneOf) out.oneOf = rewrite(n.oneOf);
  return out;
}

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export function tmfSchemas(file: string) {
  // YAML is a superset of JSON: the v4 Swagger 2.0 documents (TMF681) read the same way.
  const doc = parse(fs.readFileSync(path.join(SHARED_TMF, file), 'utf8')) as Node;
  // OpenAPI 3 keeps schemas in components.schemas, Swagger 2.0 in definitions.
  const where = doc.definitions ? 'definitions' : 'components/schemas';
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('base64', /^[A-Za-z0-9+/=]*$/);
  ajv.addSchema(
    doc.definitions
      ? { $id: 'tmf', definitions: rewrite(doc.definitions) as Node }
      : { $id: 'tmf', components: rewrite(doc.components) as Node },
  );
  /** The problems of `data` against `#/components/schemas/<name>` (or `#/definitions/<name>`): empty if valid. */
  return (name: string, data: unknown): string[] => {
    const validate = ajv.getSchema(`tmf#/${where}/${name}`);
    if (!validate) throw new Error(`no schema ${name} in ${file}`);
    if (validate(data)) return [];
    return (validate.errors as ErrorObject[]).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  };
}
