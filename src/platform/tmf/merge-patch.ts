/**
 * JSON Merge Patch (RFC 7386): an object in the patch merges into the target key by key, `null`
 * removes a key, anything else (arrays included) replaces. Pure; neither argument is changed.
 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    // defineProperty: a key named __proto__ stays a plain key, never the prototype.
    else
      Object.defineProperty(out, key, {
        value: applyMergePatch(out[key], value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return out;
}

/** The attributes a merge patch removes (`null`) at its first level. */
export const removedBy = (patch: Record<string, unknown>): string[] =>
  Object.entries(patch)
    .filter(([, v]) => v === null)
    .map(([k]) => k);
