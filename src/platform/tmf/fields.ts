/** A TMF resource as sent: every one carries these three, whatever `fields=` asks for. */
export interface TmfResource {
  id: string;
  href: string;
  '@type': string;
  [attribute: string]: unknown;
}

const ALWAYS = ['id', 'href', '@type'] as const;

/**
 * `fields=name,status,contactMedium.phoneNumber` → the first-level attributes asked for
 * (a dotted name selects its first level). Undefined or empty: every attribute.
 */
export function parseFields(raw: string | undefined): ReadonlySet<string> | undefined {
  if (raw === undefined) return undefined;
  const names = raw
    .split(',')
    .map((f) => f.trim().split('.')[0]!)
    .filter(Boolean);
  return names.length ? new Set(names) : undefined;
}

/** The resource with only the selected attributes, plus `id`, `href` and `@type` (always, first). */
export function selectFields<T extends TmfResource>(
  resource: T,
  fields: ReadonlySet<string> | string | undefined,
): TmfResource {
  const wanted = typeof fields === 'string' ? parseFields(fields) : fields;
  if (!wanted) return resource;
  const out: TmfResource = { id: resource.id, href: resource.href, '@type': resource['@type'] };
  for (const [k, v] of Object.entries(resource))
    if (wanted.has(k) && !(ALWAYS as readonly string[]).includes(k)) out[k] = v;
  return out;
}
