/**
 * What TMF629 keeps beyond our own customer model (tables from the `0007_customers_tmf629`
 * migration): its attributes row and every contact medium, values encrypted with the PII keys.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Executor } from '../customers.tables.ts';
import type { PiiVault } from '../../../platform/pii/vault.ts';
import {
  addressLine,
  emptyMedium,
  maskedValues,
  mediaFromColumns,
  primaryIndexes,
  toTmfMedium,
  type Medium,
  type MediumKind,
} from './contact-media.ts';

export interface TmfAttributes {
  description: string | null;
  statusReason: string | null;
  role: string | null;
  baseType: string | null;
  schemaLocation: string | null;
  validFrom: string | null;
  validTo: string | null;
  engagedParty: Record<string, unknown> | null;
  relatedParties: Array<Record<string, unknown>>;
}

export const NO_ATTRIBUTES: TmfAttributes = {
  description: null,
  statusReason: null,
  role: null,
  baseType: null,
  schemaLocation: null,
  validFrom: null,
  validTo: null,
  engagedParty: null,
  relatedParties: [],
};

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
const parsed = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

export async function attributesOf(db: Executor, ids: string[]): Promise<Map<string, TmfAttributes>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('customer_tmf_attributes')
    .selectAll()
    .where('customer_id', 'in', ids)
    .execute();
  return new Map(
    rows.map((r) => [
      r.customer_id,
      {
        description: r.description,
        statusReason: r.status_reason,
        role: r.role,
        baseType: r.base_type,
        schemaLocation: r.schema_location,
        validFrom: iso(r.valid_from),
        validTo: iso(r.valid_to),
        engagedParty: r.engaged_party ? parsed(r.engaged_party) : null,
        relatedParties: parsed(r.related_parties),
      },
    ]),
  );
}

/** Marks the customer as one TMF629 keeps more of (its events then read it). */
const markKept = (db: Executor, customerId: string) =>
  db
    .updateTable('customers')
    .set({ tmf_kept: true })
    .where('id', '=', customerId)
    .where('tmf_kept', '=', false)
    .execute();

export async function writeAttributes(db: Executor, customerId: string, a: TmfAttributes) {
  await markKept(db, customerId);
  const values = {
    description: a.description,
    status_reason: a.statusReason,
    role: a.role,
    base_type: a.baseType,
    schema_location: a.schemaLocation,
    valid_from: a.validFrom,
    valid_to: a.validTo,
    engaged_party: a.engagedParty ? JSON.stringify(a.engagedParty) : null,
    related_parties: JSON.stringify(a.relatedParties),
  };
  await db
    .insertInto('customer_tmf_attributes')
    .values({ customer_id: customerId, ...values })
    .onConflict((oc) => oc.column('customer_id').doUpdateSet(values))
    .execute();
}

// ---- Contact media ----

interface Own {
  id: string;
  phone: string | null;
  email: string | null;
  address: string | null;
}
const COLUMN: Partial<Record<MediumKind, 'phone' | 'email' | 'address'>> = {
  phone: 'phone',
  email: 'email',
  address: 'address',
};
const context = (customerId: string) => `customer_contact_media:${customerId}`;
const hashInput = (m: Medium) => (m.kind === 'address' ? (addressLine(m) ?? '') : (m.value ?? ''));

type MediumRow = Awaited<ReturnType<typeof mediaRows>>[number];
async function mediaRows(db: Executor, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('customer_contact_media')
    .selectAll()
    .where('customer_id', 'in', ids)
    .orderBy('customer_id')
    .orderBy('position')
    .execute();
}

const metaOf = (r: MediumRow): Medium => ({
  ...emptyMedium(r.kind),
  id: r.id,
  contactType: r.contact_type,
  preferred: r.preferred,
  validFrom: iso(r.valid_from),
  validTo: iso(r.valid_to),
});

/**
 * A primary row whose value the customer's own column no longer holds (changed through our API).
 * Without the vault (an event built inside a write) the masks are compared: what shows is the same.
 */
function stale(vault: PiiVault | undefined, r: MediumRow, current: string): boolean {
  if (!vault) {
    if (r.kind === 'address') return false;
    const shown = maskedValues({ ...emptyMedium(r.kind), value: current });
    const kept = JSON.parse(r.value_masked) as Record<string, string>;
    return Object.entries(shown).some(([k, v]) => kept[k] !== v);
  }
  try {
    return vault.blindIndex(current, r.pii_key_id) !== r.value_hash;
  } catch {
    return true; // its key is gone: the column is the truth
  }
}

/**
 * The media of each customer (clear, in memory only) or, with `masked`, as TMF JSON (masked copies,
 * nothing decrypted). The customer's own phone, email and address always show: a change made
 * through our API since the TMF write wins over the kept copy.
 */
async function mediaOf(db: Executor, vault: PiiVault | undefined, customers: Own[], masked: boolean) {
  const rows = await mediaRows(
    db,
    customers.map((c) => c.id),
  );
  const out = new Map<string, Array<Medium | Record<string, unknown>>>();
  for (const c of customers) {
    const mine = rows.filter((r) => r.customer_id === c.id);
    const list: Array<Medium | Record<string, unknown>> = [];
    const seen = new Set<MediumKind>();
    for (const r of mine) {
      const column = COLUMN[r.kind];
      const current = column && r.is_primary ? c[column] : undefined;
      if (r.is_primary) {
        if (!current) continue;
        seen.add(r.kind);
        if (stale(vault, r, current)) {
          const m = { ...metaOf(r), value: current };
          list.push(masked ? toTmfMedium(m) : m);
          continue;
        }
      }
      if (masked) {
        list.push({ ...toTmfMedium(metaOf(r)), ...(JSON.parse(r.value_masked) as Record<string, string>) });
      } else
        list.push({
          ...metaOf(r),
          ...(JSON.parse(vault!.decrypt(r.value_enc, context(c.id))) as Partial<Medium>),
        });
    }
    for (const m of mediaFromColumns(c)) if (!seen.has(m.kind)) list.push(masked ? toTmfMedium(m) : m);
    out.set(c.id, list);
  }
  return out;
}

export const maskedMediaOf = (db: Executor, vault: PiiVault | undefined, customers: Own[]) =>
  mediaOf(db, vault, customers, true) as Promise<Map<string, Array<Record<string, unknown>>>>;

export async function clearMediaOf(db: Executor, vault: PiiVault, customer: Own): Promise<Medium[]> {
  return ((await mediaOf(db, vault, [customer], false)).get(customer.id) ?? []) as Medium[];
}

/** Replaces a customer's media (ids kept where the client named them). */
export async function replaceMedia(
  db: Executor,
  vault: PiiVault,
  customerId: string,
  media: readonly Medium[],
) {
  await markKept(db, customerId);
  await db.deleteFrom('customer_contact_media').where('customer_id', '=', customerId).execute();
  if (media.length === 0) return;
  const primary = primaryIndexes(media);
  await db
    .insertInto('customer_contact_media')
    .values(
      media.map((m, i) => ({
        id: m.id ?? uuidv7(),
        customer_id: customerId,
        position: i,
        kind: m.kind,
        is_primary: primary.has(i),
        contact_type: m.contactType,
        preferred: m.preferred,
        valid_from: m.validFrom,
        valid_to: m.validTo,
        value_enc: vault.encrypt(
          JSON.stringify({
            value: m.value,
            street2: m.street2,
            city: m.city,
            stateOrProvince: m.stateOrProvince,
            postCode: m.postCode,
            country: m.country,
          }),
          context(customerId),
        ),
        value_hash: vault.blindIndex(hashInput(m)),
        value_masked: JSON.stringify(maskedValues(m)),
        pii_key_id: vault.currentKeyId,
      })),
    )
    .execute();
}

/** Customers with a kept medium of this kind and exact value (a phone: normalised digits). */
export async function idsByMedium(db: Executor, vault: PiiVault, kind: MediumKind, value: string) {
  const rows = await db
    .selectFrom('customer_contact_media')
    .select('customer_id')
    .distinct()
    .where('kind', '=', kind)
    .where('value_hash', 'in', vault.blindIndexes(value))
    .limit(500)
    .execute();
  return rows.map((r) => r.customer_id);
}

/** Erasure (PIPL Art. 47): everything TMF629 kept about the customer goes. */
export async function eraseTmfData(db: Executor, customerId: string) {
  await db.deleteFrom('customer_contact_media').where('customer_id', '=', customerId).execute();
  await db.deleteFrom('customer_tmf_attributes').where('customer_id', '=', customerId).execute();
}

// ---- Key rotation: contact media re-encrypted under the current key (with rotate-keys) ----

const notCurrent = (db: Executor, keyId: string) =>
  db.selectFrom('customer_contact_media').where('pii_key_id', '<>', keyId);

export async function mediaToRotate(db: Executor, vault: PiiVault): Promise<number> {
  const { n } = await notCurrent(db, vault.currentKeyId)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

/** Re-encrypts (and re-hashes) up to `batchSize` media not under the current key; how many. */
export async function rotateMediaBatch(db: Executor, vault: PiiVault, batchSize: number): Promise<number> {
  const rows = await notCurrent(db, vault.currentKeyId)
    .select(['id', 'customer_id', 'kind', 'value_enc'])
    .orderBy('id')
    .limit(batchSize)
    .execute();
  for (const r of rows) {
    const values = JSON.parse(vault.decrypt(r.value_enc, context(r.customer_id))) as Partial<Medium>;
    await db
      .updateTable('customer_contact_media')
      .set({
        value_enc: vault.encrypt(JSON.stringify(values), context(r.customer_id)),
        value_hash: vault.blindIndex(hashInput({ ...emptyMedium(r.kind), ...values })),
        pii_key_id: vault.currentKeyId,
      })
      .where('id', '=', r.id)
      .execute();
  }
  return rows.length;
}
