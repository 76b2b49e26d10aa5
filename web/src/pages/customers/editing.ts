// Pure helpers of the customer edit forms (no React): what a PATCH sends, where a server error goes.

/** Personal information: the API sends it masked, so an edit form starts these empty. */
export const PII_FIELDS = ['phone', 'email', 'address', 'idNumber', 'mobile', 'officePhone'] as const;

const isEmpty = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** Trims text; an emptied text field becomes null (cleared), anything else is kept as it is. */
function clean(v: unknown): unknown {
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  return v ?? null;
}

function same(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  return JSON.stringify(clean(a)) === JSON.stringify(clean(b));
}

/**
 * The body of a PATCH: only the fields the user changed. A personal-information field is sent only
 * when something new was typed into it (it starts empty, with the mask as placeholder): the API
 * refuses a masked value sent back, and an empty box means "keep what is stored".
 */
export function changedFields(
  initial: Record<string, unknown>,
  values: Record<string, unknown>,
  pii: readonly string[] = PII_FIELDS,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (pii.includes(key)) {
      if (!isEmpty(value)) body[key] = clean(value);
    } else if (!same(initial[key], value)) body[key] = clean(value);
  }
  return body;
}

/** A new record's body: empty fields left out (the server's defaults apply), text trimmed. */
export function filledFields(values: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (isEmpty(value) || (Array.isArray(value) && value.length === 0)) continue;
    body[key] = clean(value);
  }
  return body;
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/**
 * 居民身份证 (GB 11643): for 18 characters whose check digit is wrong, the digit it should be;
 * undefined when the number is not yet 17 digits + 1 or the check digit matches. A hint only: the
 * server decides.
 */
export function residentIdCheckHint(raw: string): string | undefined {
  const id = raw.replace(/\s+/g, '').toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * ID_WEIGHTS[i]!;
  const expected = ID_CHECK[sum % 11]!;
  return expected === id[17] ? undefined : expected;
}

// Where a server error goes in a form: shared by every form (api/errors.ts).
export { serverFieldErrors, type FieldError } from '../../api/errors.ts';

export type ResourceKind = 'dsl' | 'lan' | 'pon' | 'iptv' | 'voice' | 'circuit' | 'none';

/** The network resources an instance of a product of this kind records (what the form asks for). */
export const RESOURCE_FIELDS: Record<ResourceKind, readonly string[]> = {
  dsl: ['accessType', 'exchange', 'deviceType', 'deviceId', 'devicePort', 'routeLengthKm'],
  lan: ['accessType', 'exchange', 'deviceType', 'deviceId', 'devicePort', 'switchOccupancy'],
  pon: ['accessType', 'exchange', 'deviceType', 'deviceId', 'devicePort', 'routeLengthKm'],
  iptv: ['stbId', 'exchange', 'deviceId', 'devicePort'],
  voice: ['exchange', 'deviceType', 'deviceId', 'devicePort'],
  circuit: ['circuitId', 'bandwidthMbps', 'aEnd', 'zEnd', 'exchange'],
  none: [],
};

/** Status changes offered for an instance in a status (暂停 / 拆机 / 恢复). */
export function instanceTransitions(status: string): Array<'suspended' | 'terminated' | 'active'> {
  if (status === 'active') return ['suspended', 'terminated'];
  if (status === 'suspended') return ['active', 'terminated'];
  return ['active'];
}
