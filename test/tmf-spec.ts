// Validates bodies against a TM Forum OpenAPI file in ../shared/tmf (the v5 specs the TMF APIs
// follow): `validator('TMF629-Customer_Management-v5.0.1.oas.yaml')('Hub', body)` → the errors.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

const SPEC_DIR = path.resolve(import.meta.dirname, '../../shared/tmf');

export function tmfValidator(file: string): (schema: string, value: unknown) => string[] {
  const spec = parse(fs.readFileSync(path.join(SPEC_DIR, file), 'utf8')) as object;
  // OpenAPI 3.0 keywords (discriminator, nullable, example) are not JSON Schema: not strict.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats.default(ajv);
  ajv.addSchema(spec, 'spec');
  const compiled = new Map<string, ValidateFunction>();
  return (schema, value) => {
    let v = compiled.get(schema);
    if (!v) {
      v = ajv.compile({ $ref: `spec#/components/schemas/${schema}` });
      compiled.set(schema, v);
    }
    return v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
  };
}
