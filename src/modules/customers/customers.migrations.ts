import { sql, type Kysely, type Migration } from 'kysely';
import { customersIntakeAccess } from './intake-access.ts';
import type { MigrationList } from '../../platform/db/migrate.ts';
import { PRODUCT_SEEDS } from './domain/catalogue.ts';

export const customersInit: Migration = {
  async up(db: Kysely<unknown>) {
    // 产品目录: seeded here, extended by administrators.
    await sql`
      create table products (
        code text primary key check (code ~ '^[a-z][a-z0-9_.-]{1,63}$'),
        name text not null check (length(name) between 1 and 100),
        name_en text not null check (length(name_en) between 1 and 100),
        category text not null,
        segment text not null check (segment in ('consumer', 'enterprise', 'both')),
        resource_kind text not null
          check (resource_kind in ('dsl', 'lan', 'pon', 'iptv', 'voice', 'circuit', 'none')),
        description text check (length(description) <= 2000),
        active boolean not null default true,
        sort_order integer not null default 0,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`.execute(db);
    const seeds = PRODUCT_SEEDS.map((p, i) => ({ ...p, sortOrder: (i + 1) * 10 }));
    await sql`
      insert into products (code, name, name_en, category, segment, resource_kind, sort_order)
      select code, name, "nameEn", category, segment, "resourceKind", "sortOrder"
      from jsonb_to_recordset(${JSON.stringify(seeds)}::jsonb)
        as p(code text, name text, "nameEn" text, category text, segment text, "resourceKind" text,
             "sortOrder" integer)`.execute(db);

    await sql`create sequence customer_no_seq start 1000001`.execute(db);
    // 客户: personal identifiers are stored normalised (phone, email, address) or encrypted (ID
    // number: AES-256-GCM ciphertext + HMAC for lookups + a masked copy for display).
    await sql`
      create table customers (
        id uuid primary key,
        customer_no text not null unique check (customer_no ~ '^[A-Za-z0-9_-]{1,32}$'),
        kind text not null check (kind in ('individual', 'enterprise')),
        name text not null check (length(name) between 1 and 200),
        name_norm text not null,
        search_vector tsvector not null default ''::tsvector,
        tier text check (tier in ('group', 'province', 'localA', 'localB', 'localC')),
        org_unit_id uuid not null references org_units(id),
        account_manager_id uuid references users(id),
        status text not null default 'active' check (status in ('active', 'suspended', 'closed', 'erased')),
        phone text check (phone ~ '^[0-9]{5,20}$'),
        email text check (length(email) <= 254),
        address text check (length(address) <= 300),
        id_type text check (id_type in ('resident_id', 'passport', 'other')),
        id_number_enc text,
        id_number_hash text,
        id_number_masked text,
        pii_key_id text,
        credit_code text check (credit_code ~ '^[0-9A-Z]{18}$'),
        industry text check (length(industry) <= 100),
        value_level text check (value_level in ('diamond', 'platinum', 'gold', 'silver', 'standard')),
        membership_level text check (length(membership_level) <= 50),
        tags jsonb not null default '[]'::jsonb check (jsonb_typeof(tags) = 'array'),
        notes text check (length(notes) <= 4000),
        consents jsonb not null default '{}'::jsonb check (jsonb_typeof(consents) = 'object'),
        erased_at timestamptz,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check ((kind = 'enterprise') = (tier is not null)),
        check ((id_number_enc is null) = (id_number_hash is null)),
        check ((id_number_enc is null) = (pii_key_id is null))
      )`.execute(db);
    await sql`create index customers_org_unit_idx on customers (org_unit_id, id)`.execute(db);
    await sql`create index customers_manager_idx on customers (account_manager_id, id)
      where account_manager_id is not null`.execute(db);
    await sql`create index customers_name_idx on customers (name_norm text_pattern_ops)`.execute(db);
    // No fast-update pending list: queries would scan it linearly (~5 ms per search after a bulk
    // load), and the embedded engine has no autovacuum to flush it.
    await sql`create index customers_search_idx on customers using gin (search_vector)
      with (fastupdate = off)`.execute(db);
    await sql`create unique index customers_id_hash_uq on customers (id_number_hash)
      where id_number_hash is not null`.execute(db);
    await sql`create unique index customers_credit_code_uq on customers (credit_code)
      where credit_code is not null and status <> 'erased'`.execute(db);
    await sql`create index customers_pii_key_idx on customers (pii_key_id)
      where pii_key_id is not null`.execute(db);
    await sql`create index customers_tags_idx on customers using gin (tags jsonb_path_ops)
      with (fastupdate = off)`.execute(db);

    // Branches of an enterprise in other regions (跨地域无差异服务): the customer is visible there too.
    await sql`
      create table customer_branches (
        id uuid primary key,
        customer_id uuid not null references customers(id) on delete cascade,
        org_unit_id uuid not null references org_units(id),
        name text not null check (length(name) between 1 and 200),
        address text check (length(address) <= 300),
        created_at timestamptz not null default now(),
        unique (customer_id, org_unit_id)
      )`.execute(db);
    await sql`create index customer_branches_unit_idx on customer_branches (org_unit_id, customer_id)`.execute(
      db,
    );

    await sql`
      create table customer_contacts (
        id uuid primary key,
        customer_id uuid not null references customers(id) on delete cascade,
        name text not null check (length(name) between 1 and 100),
        role text not null check (role in ('primary', 'technical', 'billing', 'manager', 'other')),
        title text check (length(title) <= 100),
        mobile text check (mobile ~ '^[0-9]{5,20}$'),
        office_phone text check (office_phone ~ '^[0-9]{5,20}$'),
        email text check (length(email) <= 254),
        preferred_channel text not null default 'phone'
          check (preferred_channel in ('phone', 'sms', 'email', 'wechat', 'none')),
        quiet_hours_start text check (quiet_hours_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        quiet_hours_end text check (quiet_hours_end ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        is_primary boolean not null default false,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check ((quiet_hours_start is null) = (quiet_hours_end is null))
      )`.execute(db);
    await sql`create index customer_contacts_customer_idx on customer_contacts (customer_id)`.execute(db);

    // Every phone number of a customer and its contacts, for "who is calling" lookups (exact/prefix).
    await sql`
      create table customer_phones (
        phone text not null,
        customer_id uuid not null references customers(id) on delete cascade,
        contact_id uuid references customer_contacts(id) on delete cascade,
        source text not null check (source in ('customer', 'contact_mobile', 'contact_office'))
      )`.execute(db);
    await sql`create index customer_phones_phone_idx on customer_phones (phone text_pattern_ops)`.execute(db);
    await sql`create index customer_phones_customer_idx on customer_phones (customer_id)`.execute(db);
    await sql`create index customer_phones_contact_idx on customer_phones (contact_id)
      where contact_id is not null`.execute(db);

    // 产品实例 and the network resources behind each one (the alarm-impact index).
    await sql`
      create table product_instances (
        id uuid primary key,
        customer_id uuid not null references customers(id),
        product_code text not null references products(code),
        account_no text not null check (length(account_no) between 1 and 64),
        status text not null default 'active' check (status in ('active', 'suspended', 'terminated')),
        org_unit_id uuid not null references org_units(id),
        service_address text check (length(service_address) <= 300),
        access_type text check (access_type in ('adsl', 'vdsl', 'lan', 'ftth', 'fttb', 'wireless', 'other')),
        exchange text check (length(exchange) <= 100),
        device_type text check (device_type in ('olt', 'dslam', 'switch', 'msan', 'other')),
        device_id text check (length(device_id) <= 100),
        device_port text check (length(device_port) <= 50),
        route_length_km numeric(6, 2) check (route_length_km >= 0),
        switch_occupancy numeric(5, 2) check (switch_occupancy between 0 and 100),
        stb_id text check (length(stb_id) <= 64),
        circuit_id text check (length(circuit_id) <= 100),
        bandwidth_mbps integer check (bandwidth_mbps > 0),
        a_end text check (length(a_end) <= 200),
        z_end text check (length(z_end) <= 200),
        attributes jsonb not null default '{}'::jsonb check (jsonb_typeof(attributes) = 'object'),
        started_on date,
        ended_on date,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check (device_port is null or device_id is not null)
      )`.execute(db);
    await sql`create index product_instances_customer_idx on product_instances (customer_id)`.execute(db);
    await sql`create index product_instances_account_idx on product_instances (account_no)`.execute(db);
    await sql`create unique index product_instances_account_uq on product_instances (product_code, account_no)
      where status <> 'terminated'`.execute(db);
    await sql`create index product_instances_device_idx on product_instances (device_id, device_port)
      where device_id is not null`.execute(db);
    await sql`create index product_instances_circuit_idx on product_instances (circuit_id)
      where circuit_id is not null`.execute(db);
    await sql`create index product_instances_stb_idx on product_instances (stb_id)
      where stb_id is not null`.execute(db);
    await sql`create index product_instances_exchange_idx on product_instances (exchange)
      where exchange is not null`.execute(db);

    // Who looked at which customer (MIIT Order 24). Lighter than the hash-chained audit log, which
    // keeps changes and reveals; append-only like it.
    await sql`
      create table customer_access_log (
        id bigint generated always as identity primary key,
        occurred_at timestamptz not null default now(),
        actor_id uuid,
        actor_login text,
        customer_id uuid not null,
        action text not null check (action in ('view', 'view360', 'list', 'search', 'export', 'tmf')),
        purpose text check (length(purpose) <= 100),
        ip text,
        request_id text
      )`.execute(db);
    await sql`create index customer_access_customer_idx on customer_access_log (customer_id, occurred_at)`.execute(
      db,
    );
    await sql`create index customer_access_actor_idx on customer_access_log (actor_id, occurred_at)`.execute(
      db,
    );
    await sql`
      create function customer_access_log_immutable() returns trigger language plpgsql as $$
      begin
        raise exception 'customer_access_log is append-only' using errcode = '42501';
      end $$`.execute(db);
    await sql`
      create trigger customer_access_log_no_update before update or delete on customer_access_log
      for each row execute function customer_access_log_immutable()`.execute(db);
  },
};

/**
 * TMF629 keeps what it is given: the attributes of a Customer with no home in our own model
 * (description, validFor, statusReason, role, the engagedParty sent, related parties other than
 * the account manager and contacts) and every contact medium with its type, preference, validity
 * and address structure. Contact media values are personal: encrypted with the PII keys, found by
 * keyed hash, shown from a masked copy.
 */
export const customersTmf629: Migration = {
  async up(db: Kysely<unknown>) {
    // Set once TMF629 keeps something for the customer: events of the others read nothing more.
    await sql`alter table customers add column tmf_kept boolean not null default false`.execute(db);
    await sql`
      create table customer_tmf_attributes (
        customer_id uuid primary key references customers(id) on delete cascade,
        description text check (length(description) <= 2000),
        status_reason text check (length(status_reason) <= 500),
        role text check (length(role) <= 100),
        base_type text check (length(base_type) <= 100),
        schema_location text check (length(schema_location) <= 500),
        valid_from timestamptz,
        valid_to timestamptz,
        engaged_party jsonb check (engaged_party is null or jsonb_typeof(engaged_party) = 'object'),
        related_parties jsonb not null default '[]'::jsonb check (jsonb_typeof(related_parties) = 'array'),
        check (valid_to is null or valid_from is null or valid_to >= valid_from)
      )`.execute(db);
    await sql`create index customer_tmf_engaged_party_idx on customer_tmf_attributes
      ((engaged_party ->> 'id')) where engaged_party is not null`.execute(db);
    await sql`create index customer_tmf_related_idx on customer_tmf_attributes
      using gin (related_parties jsonb_path_ops) with (fastupdate = off)`.execute(db);
    await sql`
      create table customer_contact_media (
        id uuid primary key,
        customer_id uuid not null references customers(id) on delete cascade,
        position smallint not null check (position between 0 and 49),
        kind text not null check (kind in ('phone', 'email', 'address', 'fax', 'social')),
        is_primary boolean not null default false,
        contact_type text check (length(contact_type) <= 50),
        preferred boolean not null default false,
        valid_from timestamptz,
        valid_to timestamptz,
        value_enc text not null,
        value_hash text not null,
        value_masked text not null,
        pii_key_id text not null,
        unique (customer_id, position)
      )`.execute(db);
    await sql`create index customer_contact_media_hash_idx on customer_contact_media (value_hash)`.execute(
      db,
    );
  },
};

/**
 * Search that confirms no hidden digit (issue 9): a phone is found by its whole number or by its
 * last four digits (尾号, shown by every mask), never by a prefix; customer numbers by a prefix
 * (not personal data); and a search that found nobody is access-logged too, without a customer.
 */
export const customersSearch: Migration = {
  async up(db: Kysely<unknown>) {
    // Last four digits of every phone of a customer and its contacts (the expression the lookup
    // repeats literally: right(phone, 4)).
    await sql`create index customer_phones_tail_idx on customer_phones (right(phone, 4))`.execute(db);
    // … and of the service numbers that are phone numbers (voice, mobile); the lookup repeats the
    // predicate literally so that the planner may use this partial index.
    await sql`create index product_instances_account_tail_idx on product_instances (right(account_no, 4))
      where account_no ~ '^(1[3-9][0-9]{9}|0[0-9]{9,11})$'`.execute(db);
    // Prefix search on customer numbers whatever the database's collation.
    await sql`create index customers_customer_no_prefix_idx on customers (customer_no text_pattern_ops)`.execute(
      db,
    );
    // A miss has no customer; the per-user count of misses reads these rows (append-only still).
    await sql`alter table customer_access_log alter column customer_id drop not null`.execute(db);
    await sql`create index customer_access_miss_idx on customer_access_log (actor_id, occurred_at)
      where customer_id is null`.execute(db);
  },
};

/**
 * Uniqueness within what a caller can see (issue 9): an ID number, credit code or live account
 * number held by a customer outside the caller's scope must not be refused (that refusal told
 * staff of one province who is a customer in another), so the database no longer refuses it
 * either. The write path checks, under an advisory lock per value, the customers the caller sees
 * (409) and records a duplicate outside them for review (customer-uniqueness.ts). The same
 * indexes stay for the lookups, no longer unique.
 */
export const customersScopedUniqueness: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`drop index customers_id_hash_uq`.execute(db);
    await sql`create index customers_id_hash_idx on customers (id_number_hash)
      where id_number_hash is not null`.execute(db);
    await sql`drop index customers_credit_code_uq`.execute(db);
    await sql`create index customers_credit_code_idx on customers (credit_code)
      where credit_code is not null and status <> 'erased'`.execute(db);
    await sql`drop index product_instances_account_uq`.execute(db);
    await sql`create index product_instances_live_account_idx on product_instances (product_code, account_no)
      where status <> 'terminated'`.execute(db);
  },
};

/**
 * Cross-scope caller identification (跨地域无差异服务, issue 10): its lookups, hits and misses, go to
 * the access log under their own action, with the purpose given.
 */
export const customersIdentify: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table customer_access_log drop constraint customer_access_log_action_check`.execute(db);
    await sql`alter table customer_access_log add constraint customer_access_log_action_check
      check (action in ('view', 'view360', 'list', 'search', 'export', 'tmf', 'identify'))`.execute(db);
  },
};

/**
 * Migration 0044: the facts a service commitment depends on (issue 12) — where a service's site is
 * (`location_class`: urban 城市 / county 县城 / rural 农村; the regulations' 48 h vs 72 h repair),
 * and an enterprise's signed service agreements (`customer_contracts`: the number names its rows in
 * the SLA policy matrix; the contract valid on a request's day applies to it).
 */
export const customersServiceFacts: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table product_instances add column location_class text
      check (location_class in ('urban', 'county', 'rural'))`.execute(db);
    await sql`
      create table customer_contracts (
        contract_no text primary key check (contract_no ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
        customer_id uuid not null references customers (id),
        name text not null check (length(name) between 1 and 200),
        valid_from date not null,
        valid_to date check (valid_to is null or valid_to >= valid_from),
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index customer_contracts_customer on customer_contracts (customer_id, valid_from)`.execute(
      db,
    );
  },
};

/** This module's migrations with their global names, in order. Forward only: append, never edit. */
export const customersMigrations: MigrationList = [
  ['0003_customers_init', customersInit],
  ['0007_customers_tmf629', customersTmf629],
  ['0012_customers_search', customersSearch],
  ['0013_customers_scoped_uniqueness', customersScopedUniqueness],
  ['0020_customers_identify', customersIdentify],
  ['0023_customers_intake_access', customersIntakeAccess], // intake-access.ts
  ['0044_customers_service_facts', customersServiceFacts],
];
