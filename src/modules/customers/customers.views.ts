/**
 * Rows → API views (pure): every personal identifier leaves masked — the personal fields by their
 * own mask, every free-text field (notes, tags, industry, membership, branch names, contact titles,
 * A/Z ends, instance attributes) through maskFreeText, for every role: holders of `pii.reveal`
 * reveal one field with a reason like any other (README "Personal information").
 */
import type {
  BranchRow,
  ContactRow,
  CustomerRow,
  InstanceWithProduct,
  Names,
} from './customers.repository.ts';
import type { ContactView, CustomerListItem, CustomerView, InstanceView } from './customers.schemas.ts';
import {
  maskAccountNo,
  maskAddress,
  maskEmail,
  maskFreeText,
  maskFreeTextDeep,
  maskPhone,
} from './domain/pii.ts';

const freeText = (v: string | null) => (v ? maskFreeText(v) : v);

export const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());

export function customerView(row: CustomerRow, n: Names, branches: BranchRow[]): CustomerView {
  return {
    id: row.id,
    customerNo: row.customer_no,
    kind: row.kind,
    name: row.name,
    tier: row.tier as CustomerView['tier'],
    orgUnitId: row.org_unit_id,
    orgUnitName: n.unit.get(row.org_unit_id) ?? null,
    accountManager: row.account_manager_id
      ? { id: row.account_manager_id, name: n.user.get(row.account_manager_id) ?? '' }
      : null,
    status: row.status,
    phone: maskPhone(row.phone),
    email: maskEmail(row.email),
    address: maskAddress(row.address),
    idType: row.id_type as CustomerView['idType'],
    idNumber: row.id_number_masked,
    creditCode: row.credit_code,
    industry: freeText(row.industry),
    valueLevel: row.value_level as CustomerView['valueLevel'],
    membershipLevel: freeText(row.membership_level),
    tags: row.tags.map(maskFreeText),
    notes: freeText(row.notes),
    consents: row.consents,
    branches: branches
      .filter((b) => b.customer_id === row.id)
      .map((b) => ({
        id: b.id,
        orgUnitId: b.org_unit_id,
        orgUnitName: b.unit_name,
        name: maskFreeText(b.name),
        address: maskAddress(b.address),
      })),
    erasedAt: row.erased_at ? iso(row.erased_at) : null,
    version: row.version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** The columns a list item needs (lists skip ciphertexts, search vectors and notes). */
export const LIST_COLUMNS = [
  'c.id',
  'c.customer_no',
  'c.kind',
  'c.name',
  'c.name_norm',
  'c.tier',
  'c.org_unit_id',
  'c.status',
  'c.phone',
  'c.value_level',
  'c.tags',
  'c.created_at',
] as const;
export type ListRow = Pick<
  CustomerRow,
  | 'id'
  | 'customer_no'
  | 'kind'
  | 'name'
  | 'name_norm'
  | 'tier'
  | 'org_unit_id'
  | 'status'
  | 'phone'
  | 'value_level'
  | 'tags'
  | 'created_at'
>;

export function listItemView(row: ListRow): CustomerListItem {
  return {
    id: row.id,
    customerNo: row.customer_no,
    kind: row.kind,
    name: row.name,
    tier: row.tier as CustomerListItem['tier'],
    orgUnitId: row.org_unit_id,
    status: row.status,
    phone: maskPhone(row.phone),
    valueLevel: row.value_level as CustomerListItem['valueLevel'],
    tags: row.tags.map(maskFreeText),
    createdAt: iso(row.created_at),
  };
}

export function contactView(c: ContactRow): ContactView {
  return {
    id: c.id,
    customerId: c.customer_id,
    name: c.name,
    role: c.role as ContactView['role'],
    title: freeText(c.title),
    mobile: maskPhone(c.mobile),
    officePhone: maskPhone(c.office_phone),
    email: maskEmail(c.email),
    preferredChannel: c.preferred_channel as ContactView['preferredChannel'],
    quietHours:
      c.quiet_hours_start && c.quiet_hours_end
        ? { start: c.quiet_hours_start, end: c.quiet_hours_end }
        : null,
    isPrimary: c.is_primary,
    version: c.version,
  };
}

const num = (v: string | number | null) => (v === null ? null : Number(v));

export function instanceView(i: InstanceWithProduct): InstanceView {
  return {
    id: i.id,
    customerId: i.customer_id,
    productCode: i.product_code,
    productName: i.product_name ?? null,
    accountNo: maskAccountNo(i.account_no) ?? '',
    status: i.status,
    orgUnitId: i.org_unit_id,
    serviceAddress: maskAddress(i.service_address),
    accessType: i.access_type,
    exchange: i.exchange,
    deviceType: i.device_type,
    deviceId: i.device_id,
    devicePort: i.device_port,
    routeLengthKm: num(i.route_length_km),
    switchOccupancy: num(i.switch_occupancy),
    stbId: i.stb_id,
    circuitId: i.circuit_id,
    bandwidthMbps: i.bandwidth_mbps,
    aEnd: freeText(i.a_end),
    zEnd: freeText(i.z_end),
    attributes: maskFreeTextDeep(i.attributes),
    startedOn: i.started_on,
    endedOn: i.ended_on,
    locationClass: i.location_class,
    version: i.version,
  };
}
