/**
 * TMF629 party references and attributes without a home in our model (pure): the engagedParty a
 * client sends and the related parties other than the account manager and contacts are kept as
 * sent (their allowed attributes), as are description, validFor, statusReason, role.
 */
import { applyMergePatch, invalidTmfAttribute } from '../../../platform/tmf/index.ts';
import { restoreMaskedFreeText } from '../domain/pii.ts';
import { parseValidFor } from './contact-media.ts';
import type { TmfAttributes } from './tmf629.store.ts';

const REF_KEYS = [
  '@type',
  '@baseType',
  '@schemaLocation',
  'id',
  'href',
  'name',
  '@referredType',
  'partyId',
  'partyName',
];
const REF_TYPES = ['PartyRef', 'PartyRoleRef'];

/** A PartyRef / PartyRoleRef as sent, checked: known attributes, text values, an id when required. */
export function partyRef(raw: unknown, field: string, needId: boolean): Record<string, string> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw invalidTmfAttribute(field, 'must be a PartyRef object');
  const r = raw as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(r)) {
    if (!REF_KEYS.includes(k)) throw invalidTmfAttribute(`${field}.${k}`, 'is not supported by this server');
    if (typeof v !== 'string') throw invalidTmfAttribute(`${field}.${k}`, 'must be text');
    if (v.length > 500) throw invalidTmfAttribute(`${field}.${k}`, 'must be at most 500 characters');
    out[k] = v;
  }
  out['@type'] ??= 'PartyRef';
  if (!REF_TYPES.includes(out['@type']!))
    throw invalidTmfAttribute(
      `${field}.@type`,
      `must be ${REF_TYPES.join(' or ')} (a reference, not a party)`,
    );
  if (needId && !out.id) throw invalidTmfAttribute(`${field}.id`, 'is required');
  return out;
}

export interface SentRelatedParty {
  role: string;
  ref: Record<string, string>;
  index: number;
}

/** A `relatedParty` array checked: every entry a role and a reference with an id. */
export function relatedParties(raw: unknown): SentRelatedParty[] {
  if (raw === null) return [];
  if (!Array.isArray(raw)) throw invalidTmfAttribute('relatedParty', 'must be an array');
  if (raw.length > 50) throw invalidTmfAttribute('relatedParty', 'at most 50 related parties');
  return raw.map((e, i) => {
    const at = `relatedParty[${i}]`;
    if (e === null || typeof e !== 'object' || Array.isArray(e))
      throw invalidTmfAttribute(at, 'must be a RelatedPartyOrPartyRole object');
    const r = e as Record<string, unknown>;
    for (const k of Object.keys(r))
      if (!['@type', 'role', 'partyOrPartyRole'].includes(k))
        throw invalidTmfAttribute(`${at}.${k}`, 'is not supported by this server');
    if (typeof r.role !== 'string' || !r.role.trim() || r.role.length > 100)
      throw invalidTmfAttribute(`${at}.role`, 'is required (text, at most 100 characters)');
    return {
      role: r.role.trim(),
      ref: partyRef(r.partyOrPartyRole, `${at}.partyOrPartyRole`, true),
      index: i,
    };
  });
}

/** A stored related party in the v5 shape. */
export const relatedPartyJson = (role: string, ref: Record<string, unknown>) => ({
  '@type': 'RelatedPartyOrPartyRole',
  role,
  partyOrPartyRole: ref,
});

function text(v: unknown, field: string, max: number): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') throw invalidTmfAttribute(field, 'must be text');
  if (v.length > max) throw invalidTmfAttribute(field, `must be at most ${max} characters`);
  return v;
}

/**
 * The kept attributes after a body (POST) or a merge patch (PATCH: `null` removes; validFor merges).
 * Related parties are set by the caller (they need the account manager and contacts sorted out).
 * Description, statusReason and role are shown masked (free text): a mask sent back stands for what
 * it hides in the kept text.
 */
export function attributesAfter(current: TmfAttributes, body: Record<string, unknown>): TmfAttributes {
  const next = { ...current };
  const has = (k: string) => Object.hasOwn(body, k);
  const freeText = (k: 'description' | 'statusReason' | 'role', max: number) => {
    const v = text(body[k], k, max);
    return v === null ? null : restoreMaskedFreeText(v, current[k]);
  };
  if (has('description')) next.description = freeText('description', 2000);
  if (has('statusReason')) next.statusReason = freeText('statusReason', 500);
  if (has('role')) next.role = freeText('role', 100);
  if (has('@baseType')) next.baseType = text(body['@baseType'], '@baseType', 100);
  if (has('@schemaLocation')) next.schemaLocation = text(body['@schemaLocation'], '@schemaLocation', 500);
  if (has('validFor')) {
    const was = {
      ...(current.validFrom ? { startDateTime: current.validFrom } : {}),
      ...(current.validTo ? { endDateTime: current.validTo } : {}),
    };
    const merged = body.validFor === null ? null : applyMergePatch(was, body.validFor);
    Object.assign(next, parseValidFor(merged, 'validFor'));
  }
  return next;
}

/** JSON with keys in one order (jsonb gives them back in its own). */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
  );
}

export const sameAttributes = (a: TmfAttributes, b: TmfAttributes) =>
  JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
