/**
 * TMF629 writes: a Customer body (POST) or a JSON Merge Patch (PATCH) checked and split into our
 * customer's fields and what TMF629 keeps beside them, written in one transaction.
 */
import { applyMergePatch, invalidTmfAttribute, invalidTmfInput } from '../../../platform/tmf/index.ts';
import type { Caller, CustomerDeps } from '../caller.ts';
import { loadInScope } from '../customer-checks.ts';
import { createCustomer, updateCustomer } from '../customer.service.ts';
import { contactsOf } from '../customers.repository.ts';
import { customerInput, customerPatch, type CustomerPatch } from '../customers.schemas.ts';
import { columnsOf, fromTmfMedia, sameMedia, type Medium } from './contact-media.ts';
import {
  checkAttributes,
  customerHref,
  engagedPartyOf,
  fromCharacteristics,
  referredType,
  tmfField,
  type Json,
} from './tmf629.mapper.ts';
import { attributesAfter, partyRef, relatedParties, sameAttributes } from './tmf629.parties.ts';
import {
  attributesOf,
  clearMediaOf,
  NO_ATTRIBUTES,
  replaceMedia,
  writeAttributes,
  type TmfAttributes,
} from './tmf629.store.ts';

const plainObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Related parties sent: the account manager is ours, contacts are read-only, the rest kept. */
function sortRelatedParties(
  raw: unknown,
  contacts: Array<{ id: string; role: string }>,
): { accountManagerId: string | null; kept: TmfAttributes['relatedParties'] } {
  const sent = relatedParties(raw);
  const managers = sent.filter((r) => r.role === 'accountManager');
  if (managers.length > 1)
    throw invalidTmfAttribute(`relatedParty[${managers[1]!.index}]`, 'a customer has one account manager');
  for (const r of sent.filter((x) => x.role.startsWith('contact:')))
    if (!contacts.some((k) => k.id === r.ref.id && `contact:${k.role}` === r.role))
      throw invalidTmfAttribute(
        `relatedParty[${r.index}]`,
        'contacts are added and changed through /api/v1/customers/{id}/contacts',
      );
  return {
    accountManagerId: managers[0]?.ref.id ?? null,
    kept: sent
      .filter((r) => r.role !== 'accountManager' && !r.role.startsWith('contact:'))
      .map((r) => ({ role: r.role, partyOrPartyRole: r.ref })),
  };
}

function checkType(body: Json) {
  if (body['@type'] !== undefined && body['@type'] !== 'Customer')
    throw invalidTmfAttribute('@type', 'must be "Customer"');
}

export async function createTmf(deps: CustomerDeps, caller: Caller, body: unknown) {
  if (!plainObject(body)) throw invalidTmfAttribute('body', 'send a Customer object');
  checkAttributes(body);
  if (body['@type'] === undefined) throw invalidTmfAttribute('@type', 'is required ("Customer")');
  checkType(body);
  for (const k of ['id', 'href'] as const)
    if (body[k] !== undefined) throw invalidTmfAttribute(k, 'is assigned by the server; leave it out');
  if (body.engagedParty === undefined || body.engagedParty === null)
    throw invalidTmfAttribute('engagedParty', 'is required');
  const party = partyRef(body.engagedParty, 'engagedParty', false);
  const referred = party['@referredType'];
  if (referred !== 'Individual' && referred !== 'Organization')
    throw invalidTmfAttribute('engagedParty.@referredType', 'must be Individual or Organization');
  if (body.status !== undefined && body.status !== 'active')
    throw invalidTmfAttribute('status', 'a new customer is active; change it with PATCH');
  const media = body.contactMedium === undefined ? [] : fromTmfMedia(body.contactMedium, []);
  const related = sortRelatedParties(body.relatedParty ?? [], []);
  const characteristics = body.characteristic === undefined ? {} : fromCharacteristics(body.characteristic);
  if (characteristics.customerNo !== undefined)
    throw invalidTmfAttribute('characteristic[customerNo]', 'is assigned by the server; leave it out');
  const columns = columnsOf(media);
  const native: Json = {
    kind: referred === 'Organization' ? 'enterprise' : 'individual',
    name: body.name ?? party.name,
    orgUnitId: caller.principal.scopePath.split('/').filter(Boolean).at(-1),
    ...characteristics,
    ...Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== null)),
    ...(related.accountManagerId ? { accountManagerId: related.accountManagerId } : {}),
  };
  const input = customerInput.safeParse(native);
  if (!input.success) throw invalidTmfInput(input.error, tmfField);
  const attributes: TmfAttributes = {
    ...attributesAfter(NO_ATTRIBUTES, body),
    engagedParty: party,
    relatedParties: related.kept,
  };
  const created = await createCustomer(deps, caller, input.data, async (trx, id) => {
    await writeAttributes(trx, id, attributes);
    await replaceMedia(trx, deps.vault, id, media);
  });
  return created.id;
}

/** The TMF names of the kept attributes that differ (for the audit entry and the change event). */
function changedAttributes(before: TmfAttributes, after: TmfAttributes): string[] {
  const names: Array<[keyof TmfAttributes, string]> = [
    ['description', 'description'],
    ['statusReason', 'statusReason'],
    ['role', 'role'],
    ['baseType', '@baseType'],
    ['schemaLocation', '@schemaLocation'],
    ['validFrom', 'validFor'],
    ['validTo', 'validFor'],
    ['engagedParty', 'engagedParty'],
    ['relatedParties', 'relatedParty'],
  ];
  const differs = (k: keyof TmfAttributes) =>
    !sameAttributes({ ...NO_ATTRIBUTES, [k]: before[k] }, { ...NO_ATTRIBUTES, [k]: after[k] });
  return [...new Set(names.filter(([k]) => differs(k)).map(([, n]) => n))];
}

export async function patchTmf(deps: CustomerDeps, caller: Caller, id: string, body: unknown, base: string) {
  if (!plainObject(body) || Object.keys(body).length === 0)
    throw invalidTmfAttribute(
      'body',
      'send a JSON object with at least one attribute to change (JSON Merge Patch)',
    );
  checkAttributes(body);
  checkType(body);
  if (body.id !== undefined && body.id !== id) throw invalidTmfAttribute('id', 'cannot be changed');
  if (body.href !== undefined && body.href !== customerHref(base, id))
    throw invalidTmfAttribute('href', 'cannot be changed');
  const row = await loadInScope(deps.db, caller, id);
  const has = (k: string) => Object.hasOwn(body, k);
  for (const k of ['name', 'status', 'engagedParty'])
    if (has(k) && body[k] === null) throw invalidTmfAttribute(k, 'cannot be removed');
  const native: Json = {};
  if (has('name')) native.name = body.name;
  if (has('status')) native.status = body.status;
  if (has('characteristic')) Object.assign(native, fromCharacteristics(body.characteristic));
  if (native.customerNo !== undefined) {
    // Sent back unchanged by a client that round-trips what it read: fine; a new number: not.
    if (row.customer_no !== String(native.customerNo).toUpperCase())
      throw invalidTmfAttribute('characteristic[customerNo]', 'cannot be changed');
    delete native.customerNo;
  }
  const before = (await attributesOf(deps.db, [id])).get(id) ?? NO_ATTRIBUTES;
  const after: TmfAttributes = attributesAfter(before, body);
  if (has('engagedParty')) {
    const current = engagedPartyOf({ id, name: row.name, kind: row.kind }, before.engagedParty);
    const party = partyRef(applyMergePatch(current, body.engagedParty), 'engagedParty', false);
    if (party['@referredType'] !== referredType(row.kind))
      throw invalidTmfAttribute('engagedParty.@referredType', 'cannot be changed');
    after.engagedParty = party;
  }
  if (has('relatedParty')) {
    const contacts = await contactsOf(deps.db, id);
    const related = sortRelatedParties(body.relatedParty, contacts);
    if (related.accountManagerId !== row.account_manager_id)
      native.accountManagerId = related.accountManagerId;
    after.relatedParties = related.kept;
  }
  let media: Medium[] | undefined;
  if (has('contactMedium')) {
    const existing = await clearMediaOf(deps.db, deps.vault, row);
    const next = fromTmfMedia(body.contactMedium, existing);
    if (!sameMedia(existing, next)) {
      media = next;
      const columns = columnsOf(next);
      for (const k of ['phone', 'email', 'address'] as const)
        if (columns[k] !== row[k]) native[k] = columns[k];
    }
  }
  const attributesChanged = !sameAttributes(before, after);
  // Only masked values or unchanged attributes sent back: nothing to write (no new version).
  if (Object.keys(native).length === 0 && !media && !attributesChanged) return;
  let patch = {} as CustomerPatch;
  if (Object.keys(native).length) {
    const parsed = customerPatch.safeParse(native);
    if (!parsed.success) throw invalidTmfInput(parsed.error, tmfField);
    patch = parsed.data as CustomerPatch;
  }
  const changed = [...(media ? ['contactMedium'] : []), ...changedAttributes(before, after)];
  await updateCustomer(deps, caller, id, patch, {
    changed,
    write: async (trx) => {
      if (attributesChanged) await writeAttributes(trx, id, after);
      if (media) await replaceMedia(trx, deps.vault, id, media);
    },
  });
}
