import { sql, type ColumnType } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Executor } from './customers.tables.ts';
import { maskIdNumber, normaliseResidentId } from './domain/pii.ts';
import { normaliseName, searchVector } from './domain/search.ts';
import type { PiiVault } from '../../platform/pii/vault.ts';
import type { ContactInput, CustomerInput, InstanceInput } from './customers.schemas.ts';
import type {
  CustomerBranchesTable,
  CustomerContactsTable,
  CustomerPhonesTable,
  CustomersTable,
  ProductInstancesTable,
} from './customers.tables.ts';

/** Associated data binding an ID-number ciphertext to its row. */
export const idNumberContext = (customerId: string) => `customers.id_number:${customerId}`;

export function normaliseIdNumber(idType: string | null | undefined, raw: string): string {
  return (idType ?? 'resident_id') === 'resident_id' ? normaliseResidentId(raw) : raw.trim().toUpperCase();
}

/** The stored form of an ID number: ciphertext, keyed hash, masked copy and key id. */
export function protectIdNumber(vault: PiiVault, customerId: string, normalised: string) {
  return {
    id_number_enc: vault.encrypt(normalised, idNumberContext(customerId)),
    id_number_hash: vault.blindIndex(normalised),
    id_number_masked: maskIdNumber(normalised),
    pii_key_id: vault.currentKeyId,
  };
}

// ---- What a bulk insert writes: each table's columns, checked against its Kysely type ----

type PgType = 'uuid' | 'text' | 'tsvector' | 'jsonb' | 'boolean' | 'numeric' | 'integer' | 'date';
/** The columns a bulk insert writes and their PostgreSQL types; a key the table lacks does not compile. */
type ColumnSpec<T> = { readonly [K in keyof T]?: PgType };
/** A column's value in a bulk row: what it reads as or is written as (JSON columns as values). */
type BulkValue<C> = C extends ColumnType<infer S, infer I, unknown> ? S | Exclude<I, undefined> : C;
/** One row for a bulk insert: exactly the spec's columns (a missing or extra one does not compile). */
type BulkRow<T, S> = { [K in keyof S & keyof T]: BulkValue<T[K]> };

const CUSTOMER_COLUMNS = {
  id: 'uuid',
  customer_no: 'text',
  kind: 'text',
  name: 'text',
  name_norm: 'text',
  search_vector: 'tsvector',
  tier: 'text',
  org_unit_id: 'uuid',
  account_manager_id: 'uuid',
  status: 'text',
  phone: 'text',
  email: 'text',
  address: 'text',
  id_type: 'text',
  id_number_enc: 'text',
  id_number_hash: 'text',
  id_number_masked: 'text',
  pii_key_id: 'text',
  credit_code: 'text',
  industry: 'text',
  value_level: 'text',
  membership_level: 'text',
  tags: 'jsonb',
  notes: 'text',
  consents: 'jsonb',
} as const satisfies ColumnSpec<CustomersTable>;
const PHONE_COLUMNS = {
  phone: 'text',
  customer_id: 'uuid',
  contact_id: 'uuid',
  source: 'text',
} as const satisfies ColumnSpec<CustomerPhonesTable>;
const CONTACT_COLUMNS = {
  id: 'uuid',
  customer_id: 'uuid',
  name: 'text',
  role: 'text',
  title: 'text',
  mobile: 'text',
  office_phone: 'text',
  email: 'text',
  preferred_channel: 'text',
  quiet_hours_start: 'text',
  quiet_hours_end: 'text',
  is_primary: 'boolean',
} as const satisfies ColumnSpec<CustomerContactsTable>;
const BRANCH_COLUMNS = {
  id: 'uuid',
  customer_id: 'uuid',
  org_unit_id: 'uuid',
  name: 'text',
  address: 'text',
} as const satisfies ColumnSpec<CustomerBranchesTable>;
const INSTANCE_COLUMNS = {
  id: 'uuid',
  customer_id: 'uuid',
  product_code: 'text',
  account_no: 'text',
  status: 'text',
  org_unit_id: 'uuid',
  service_address: 'text',
  access_type: 'text',
  exchange: 'text',
  device_type: 'text',
  device_id: 'text',
  device_port: 'text',
  route_length_km: 'numeric',
  switch_occupancy: 'numeric',
  stb_id: 'text',
  circuit_id: 'text',
  bandwidth_mbps: 'integer',
  a_end: 'text',
  z_end: 'text',
  attributes: 'jsonb',
  started_on: 'date',
  ended_on: 'date',
  location_class: 'text',
} as const satisfies ColumnSpec<ProductInstancesTable>;

export type CustomerBulkRow = BulkRow<CustomersTable, typeof CUSTOMER_COLUMNS>;
export type PhoneBulkRow = BulkRow<CustomerPhonesTable, typeof PHONE_COLUMNS>;
export type ContactBulkRow = BulkRow<CustomerContactsTable, typeof CONTACT_COLUMNS>;
export type BranchBulkRow = BulkRow<CustomerBranchesTable, typeof BRANCH_COLUMNS>;
export type InstanceBulkRow = BulkRow<ProductInstancesTable, typeof INSTANCE_COLUMNS>;

export interface PreparedCustomer {
  customer: CustomerBulkRow;
  phones: PhoneBulkRow[];
  contacts: ContactBulkRow[];
  branches: BranchBulkRow[];
  instances: InstanceBulkRow[];
}

export function contactRow(customerId: string, c: ContactInput, id: string = uuidv7()): ContactBulkRow {
  return {
    id,
    customer_id: customerId,
    name: c.name,
    role: c.role,
    title: c.title ?? null,
    mobile: c.mobile ?? null,
    office_phone: c.officePhone ?? null,
    email: c.email ?? null,
    preferred_channel: c.preferredChannel,
    quiet_hours_start: c.quietHours?.start ?? null,
    quiet_hours_end: c.quietHours?.end ?? null,
    is_primary: c.isPrimary,
  };
}

export function contactPhones(
  customerId: string,
  contactId: string,
  c: { mobile?: string | null | undefined; officePhone?: string | null | undefined },
): PhoneBulkRow[] {
  const rows: PhoneBulkRow[] = [];
  if (c.mobile)
    rows.push({ phone: c.mobile, customer_id: customerId, contact_id: contactId, source: 'contact_mobile' });
  if (c.officePhone)
    rows.push({
      phone: c.officePhone,
      customer_id: customerId,
      contact_id: contactId,
      source: 'contact_office',
    });
  return rows;
}

export function instanceRow(
  customerId: string,
  defaultUnit: string,
  i: InstanceInput,
  id: string = uuidv7(),
): InstanceBulkRow {
  return {
    id,
    customer_id: customerId,
    product_code: i.productCode,
    account_no: i.accountNo,
    status: i.status,
    org_unit_id: i.orgUnitId ?? defaultUnit,
    service_address: i.serviceAddress ?? null,
    access_type: i.accessType ?? null,
    exchange: i.exchange ?? null,
    device_type: i.deviceType ?? null,
    device_id: i.deviceId ?? null,
    device_port: i.devicePort ?? null,
    route_length_km: i.routeLengthKm ?? null,
    switch_occupancy: i.switchOccupancy ?? null,
    stb_id: i.stbId ?? null,
    circuit_id: i.circuitId ?? null,
    bandwidth_mbps: i.bandwidthMbps ?? null,
    a_end: i.aEnd ?? null,
    z_end: i.zEnd ?? null,
    attributes: i.attributes ?? {},
    started_on: i.startedOn ?? null,
    ended_on: i.endedOn ?? null,
    location_class: i.locationClass ?? null,
  };
}

/** Turns a validated customer (with contacts, branches, instances) into table rows. */
export function prepareCustomer(
  vault: PiiVault,
  input: CustomerInput,
  customerNo: string,
  id: string = uuidv7(),
): PreparedCustomer {
  const idNumber = input.idNumber ? normaliseIdNumber(input.idType, input.idNumber) : null;
  const customer: CustomerBulkRow = {
    id,
    customer_no: customerNo,
    kind: input.kind,
    name: input.name,
    name_norm: normaliseName(input.name),
    search_vector: searchVector(input.name),
    tier: input.kind === 'enterprise' ? (input.tier ?? null) : null,
    org_unit_id: input.orgUnitId,
    account_manager_id: input.accountManagerId ?? null,
    status: input.status ?? 'active',
    phone: input.phone ?? null,
    email: input.email ?? null,
    address: input.address ?? null,
    id_type: idNumber ? (input.idType ?? 'resident_id') : (input.idType ?? null),
    ...(idNumber
      ? protectIdNumber(vault, id, idNumber)
      : { id_number_enc: null, id_number_hash: null, id_number_masked: null, pii_key_id: null }),
    credit_code: input.creditCode ?? null,
    industry: input.industry ?? null,
    value_level: input.valueLevel ?? null,
    membership_level: input.membershipLevel ?? null,
    tags: input.tags ?? [],
    notes: input.notes ?? null,
    consents: input.consents ?? {},
  };
  const contacts = (input.contacts ?? []).map((c) => contactRow(id, c));
  const phones: PhoneBulkRow[] = [];
  if (input.phone) phones.push({ phone: input.phone, customer_id: id, contact_id: null, source: 'customer' });
  (input.contacts ?? []).forEach((c, k) => phones.push(...contactPhones(id, contacts[k]!.id, c)));
  const branches = (input.branches ?? []).map((b) => ({
    id: uuidv7(),
    customer_id: id,
    org_unit_id: b.orgUnitId,
    name: b.name,
    address: b.address ?? null,
  }));
  const instances = (input.instances ?? []).map((i) => instanceRow(id, input.orgUnitId, i));
  return { customer, phones, contacts, branches, instances };
}

/**
 * Many rows in one statement on both engines: the rows travel as one JSON parameter and
 * jsonb_to_recordset turns them back into typed columns (no per-row parameters, no array types).
 */
async function bulkInsert<S extends Record<string, PgType>>(
  db: Executor,
  table: string,
  spec: S,
  rows: ReadonlyArray<{ [K in keyof S]: unknown }>,
  chunk: number,
) {
  const columns = Object.entries(spec);
  const names = sql.join(columns.map(([n]) => sql.ref(n)));
  // tsvector cannot come out of jsonb_to_recordset directly: read it as text, then cast.
  const defs = sql.join(
    columns.map(([n, t]) => sql`${sql.ref(n)} ${sql.raw(t === 'tsvector' ? 'text' : t)}`),
  );
  const selects = sql.join(
    columns.map(([n, t]) => (t === 'tsvector' ? sql`${sql.ref(`r.${n}`)}::tsvector` : sql.ref(`r.${n}`))),
  );
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    await sql`insert into ${sql.table(table)} (${names})
      select ${selects} from jsonb_to_recordset(${JSON.stringify(part)}::jsonb) as r(${defs})`.execute(db);
  }
}

/** Inserts prepared customers and everything attached to them (call inside a transaction). */
export async function insertPrepared(
  db: Executor,
  prepared: PreparedCustomer[],
  chunk = 1000,
): Promise<void> {
  if (prepared.length === 0) return;
  await bulkInsert(
    db,
    'customers',
    CUSTOMER_COLUMNS,
    prepared.map((p) => p.customer),
    chunk,
  );
  await bulkInsert(
    db,
    'customer_contacts',
    CONTACT_COLUMNS,
    prepared.flatMap((p) => p.contacts),
    chunk,
  );
  await bulkInsert(
    db,
    'customer_phones',
    PHONE_COLUMNS,
    prepared.flatMap((p) => p.phones),
    chunk * 2,
  );
  await bulkInsert(
    db,
    'customer_branches',
    BRANCH_COLUMNS,
    prepared.flatMap((p) => p.branches),
    chunk,
  );
  await bulkInsert(
    db,
    'product_instances',
    INSTANCE_COLUMNS,
    prepared.flatMap((p) => p.instances),
    chunk,
  );
}

/** `count` new customer numbers (C + sequence). */
export async function nextCustomerNumbers(db: Executor, count: number): Promise<string[]> {
  if (count === 0) return [];
  const r = await sql<{
    n: string;
  }>`select nextval('customer_no_seq')::text as n from generate_series(1, ${count}::int)`.execute(db);
  return r.rows.map((x) => `C${x.n}`);
}
