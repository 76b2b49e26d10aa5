import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Executor as OwnExecutor } from '../../platform/db/executor.ts';
import type { ModuleContext as PlatformModuleContext } from '../../platform/module.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;

export interface CustomersTable {
  id: string;
  customer_no: string;
  kind: 'individual' | 'enterprise';
  name: string;
  name_norm: string;
  /** tsvector, written as its text literal. */
  search_vector: ColumnType<string, string | undefined, string>;
  tier: string | null;
  org_unit_id: string;
  account_manager_id: string | null;
  status: Generated<'active' | 'suspended' | 'closed' | 'erased'>;
  phone: string | null;
  email: string | null;
  address: string | null;
  id_type: string | null;
  id_number_enc: string | null;
  id_number_hash: string | null;
  id_number_masked: string | null;
  pii_key_id: string | null;
  credit_code: string | null;
  industry: string | null;
  value_level: string | null;
  membership_level: string | null;
  tags: Json<string[]>;
  notes: string | null;
  consents: Json<Record<string, boolean>>;
  erased_at: Date | null;
  /** TMF629 keeps attributes or contact media for this customer (tmf/tmf629.store.ts). */
  tmf_kept: Generated<boolean>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CustomerBranchesTable {
  id: string;
  customer_id: string;
  org_unit_id: string;
  name: string;
  address: string | null;
  created_at: Timestamp;
}

export interface CustomerContactsTable {
  id: string;
  customer_id: string;
  name: string;
  role: string;
  title: string | null;
  mobile: string | null;
  office_phone: string | null;
  email: string | null;
  preferred_channel: Generated<string>;
  quiet_hours_start: string | null;
  quiet_hours_end: string | null;
  is_primary: Generated<boolean>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CustomerPhonesTable {
  phone: string;
  customer_id: string;
  contact_id: string | null;
  source: 'customer' | 'contact_mobile' | 'contact_office';
}

export interface ProductInstancesTable {
  id: string;
  customer_id: string;
  product_code: string;
  account_no: string;
  status: Generated<'active' | 'suspended' | 'terminated'>;
  org_unit_id: string;
  service_address: string | null;
  access_type: string | null;
  exchange: string | null;
  device_type: string | null;
  device_id: string | null;
  device_port: string | null;
  /** numeric: a string on both engines. */
  route_length_km: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  switch_occupancy: ColumnType<string | null, string | number | null | undefined, string | number | null>;
  stb_id: string | null;
  circuit_id: string | null;
  bandwidth_mbps: number | null;
  a_end: string | null;
  z_end: string | null;
  attributes: Json<Record<string, unknown>>;
  started_on: string | null;
  ended_on: string | null;
  /** 城市 / 县城 / 农村 (migration 0044); null: not recorded. */
  location_class: 'urban' | 'county' | 'rural' | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** An enterprise's signed service agreement (migration 0044): its number names its SLA policy rows. */
export interface CustomerContractsTable {
  contract_no: string;
  customer_id: string;
  name: string;
  /** Dates (YYYY-MM-DD), both days included; `valid_to` null: open-ended. */
  valid_from: string;
  valid_to: string | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CustomerAccessLogTable {
  id: Generated<string>;
  occurred_at: Timestamp;
  actor_id: string | null;
  actor_login: string | null;
  /** Null for a search that found nobody (its kind is in `purpose`). */
  customer_id: string | null;
  action: 'view' | 'view360' | 'list' | 'search' | 'export' | 'tmf' | 'identify' | 'intake';
  purpose: string | null;
  ip: string | null;
  request_id: string | null;
}

export interface CustomerTmfAttributesTable {
  customer_id: string;
  description: string | null;
  status_reason: string | null;
  role: string | null;
  base_type: string | null;
  schema_location: string | null;
  valid_from: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  valid_to: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  engaged_party: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  related_parties: Json<Array<Record<string, unknown>>>;
}

export interface CustomerContactMediaTable {
  id: string;
  customer_id: string;
  position: number;
  kind: 'phone' | 'email' | 'address' | 'fax' | 'social';
  is_primary: boolean;
  contact_type: string | null;
  preferred: boolean;
  valid_from: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  valid_to: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  /** The medium's values (JSON), encrypted with the PII keys. */
  value_enc: string;
  /** Keyed hash of the value (an address: its one-line form) under `pii_key_id`. */
  value_hash: string;
  /** The masked values shown by default (JSON). */
  value_masked: string;
  pii_key_id: string;
}

export interface CustomersTables {
  customers: CustomersTable;
  customer_branches: CustomerBranchesTable;
  customer_contacts: CustomerContactsTable;
  customer_phones: CustomerPhonesTable;
  /** intake-access.ts (migration 0023): the customer a portal login speaks for. */
  customer_portal_accounts: {
    user_id: string;
    customer_id: string;
    created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  };
  product_instances: ProductInstancesTable;
  customer_contracts: CustomerContractsTable;
  customer_access_log: CustomerAccessLogTable;
  customer_tmf_attributes: CustomerTmfAttributesTable;
  customer_contact_media: CustomerContactMediaTable;
}

// The module's own database types: its code sees these tables and no other module's.
export type Db = Kysely<CustomersTables>;
export type Tx = Transaction<CustomersTables>;
export type Executor = OwnExecutor<CustomersTables>;
export type ModuleContext = PlatformModuleContext<CustomersTables>;
