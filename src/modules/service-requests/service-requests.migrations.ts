import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationList } from '../../platform/db/migrate.ts';
import { CATEGORY_SEEDS, CHANNELS, KINDS, PRIORITIES, STATES, TIMELINE_KINDS } from './domain/catalogue.ts';
import {
  CANCELLABLE_FROM,
  cancelRule,
  DEFAULT_WORKFLOWS,
  withArrival,
  type WorkflowDefinition,
} from './domain/workflow.ts';
import { serviceRequestsSearch } from './search.migrations.ts';
import { serviceRequestsExtras } from './extras.migrations.ts';
import { serviceRequestsTmf621 } from './tmf621/tmf621.migrations.ts';

const list = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

export const serviceRequestsInit: Migration = {
  async up(db: Kysely<unknown>) {
    // The number's sequence part: a SEQUENCE, never a counter row (no hot spot on every create).
    await sql`create sequence service_request_number_seq start 1`.execute(db);
    await sql`
      create table service_requests (
        id uuid primary key,
        number text not null unique,
        kind text not null check (kind in (${list(KINDS)})),
        category_code text,
        channel text not null check (channel in (${list(CHANNELS)})),
        channel_ref text check (length(channel_ref) <= 100),
        access_number text check (access_number in ('10000', '10000-9')),
        customer_id uuid,
        product_instance_id uuid,
        caller_phone_enc text,
        caller_phone_hash text,
        caller_phone_last4 text check (caller_phone_last4 ~ '^[0-9]{4}$'),
        caller_phone_masked text,
        pii_key_id text,
        site_unit_id uuid,
        intake_unit_id uuid not null,
        handling_unit_id uuid not null,
        handling_unit_path text not null,
        skill_group_id uuid,
        assignee_id uuid,
        owner_user_id uuid not null,
        owner_unit_id uuid not null,
        owner_unit_path text not null,
        deputy_user_id uuid,
        support_line smallint not null default 1 check (support_line between 1 and 3),
        status text not null check (status in (${list(STATES)})),
        suspended_reason text,
        priority text not null default 'normal' check (priority in (${list(PRIORITIES)})),
        title text not null check (length(title) between 1 and 200),
        description text not null check (length(description) <= 10000),
        resolution text check (length(resolution) <= 10000),
        urge_count integer not null default 0,
        escalation_level integer not null default 0,
        reopen_count integer not null default 0,
        first_contact_resolution boolean not null default false,
        routing_rule_id text,
        routing_explanation text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        resolved_at timestamptz,
        closed_at timestamptz,
        version integer not null default 1
      )`.execute(db);
    // Newest first, with the filters queues use most; scope filters by path prefix.
    await sql`create index service_requests_newest on service_requests (created_at desc, id desc)`.execute(
      db,
    );
    await sql`create index service_requests_status on service_requests (status, created_at desc, id desc)`.execute(
      db,
    );
    await sql`create index service_requests_assignee on service_requests (assignee_id, created_at desc, id desc)
      where status <> 'closed'`.execute(db);
    await sql`create index service_requests_handling_path on service_requests (handling_unit_path text_pattern_ops)`.execute(
      db,
    );
    await sql`create index service_requests_owner_path on service_requests (owner_unit_path text_pattern_ops)`.execute(
      db,
    );
    await sql`create index service_requests_customer on service_requests (customer_id, created_at desc)
      where customer_id is not null`.execute(db);
    await sql`create index service_requests_phone_hash on service_requests (caller_phone_hash)
      where caller_phone_hash is not null`.execute(db);
    await sql`create index service_requests_phone_last4 on service_requests (caller_phone_last4)
      where caller_phone_last4 is not null`.execute(db);

    await sql`
      create table service_request_timeline (
        id uuid primary key,
        request_id uuid not null references service_requests (id),
        kind text not null check (kind in (${list(TIMELINE_KINDS)})),
        visibility text not null check (visibility in ('internal', 'customer')),
        actor_id uuid,
        actor_login text,
        from_status text,
        to_status text,
        body text check (length(body) <= 10000),
        details jsonb not null default '{}',
        created_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index service_request_timeline_request on service_request_timeline (request_id, created_at, id)`.execute(
      db,
    );

    await sql`
      create table service_request_categories (
        id uuid primary key default gen_random_uuid(),
        kind text not null check (kind in (${list(KINDS)})),
        code text not null check (code ~ '^[a-z][a-z0-9_.-]{1,63}$'),
        name text not null check (length(name) between 1 and 100),
        name_en text not null check (length(name_en) between 1 and 100),
        sort_order integer not null default 0,
        active boolean not null default true,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (kind, code)
      )`.execute(db);
    const seeds = CATEGORY_SEEDS.map((s, i) => ({ ...s, sortOrder: (i + 1) * 10 }));
    await sql`
      insert into service_request_categories (kind, code, name, name_en, sort_order)
      select kind, code, name, "nameEn", "sortOrder"
      from jsonb_to_recordset(${JSON.stringify(seeds)}::jsonb)
        as c(kind text, code text, name text, "nameEn" text, "sortOrder" integer)`.execute(db);

    await sql`
      create table service_request_workflows (
        kind text primary key check (kind in (${list(KINDS)})),
        definition jsonb not null,
        version integer not null default 1,
        updated_at timestamptz not null default now(),
        updated_by uuid
      )`.execute(db);
    const workflows = Object.entries(DEFAULT_WORKFLOWS).map(([kind, definition]) => ({ kind, definition }));
    await sql`
      insert into service_request_workflows (kind, definition)
      select kind, definition from jsonb_to_recordset(${JSON.stringify(workflows)}::jsonb)
        as w(kind text, definition jsonb)`.execute(db);

    await sql`
      create table service_request_idempotency (
        principal_id uuid not null,
        key text not null,
        body_hash text not null,
        request_id uuid not null,
        response jsonb not null,
        created_at timestamptz not null default now(),
        primary key (principal_id, key)
      )`.execute(db);
    await sql`create index service_request_idempotency_age on service_request_idempotency (created_at)`.execute(
      db,
    );
  },
};

/**
 * Migration 0031: a request the customer submits on the portal is owned by the unit routing picks,
 * with no owner person until the first agent takes it (首问负责制).
 */
const serviceRequestsPortalOwner: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table service_requests alter column owner_user_id drop not null`.execute(db);
  },
};

/** The timeline takes the SLA's warnings and breaches (kind `sla`, internal entries by the scheduler). */
export const serviceRequestsSlaTimeline: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table service_request_timeline drop constraint service_request_timeline_kind_check`.execute(
      db,
    );
    await sql`alter table service_request_timeline add constraint service_request_timeline_kind_check
      check (kind in (${list(TIMELINE_KINDS)}))`.execute(db);
  },
};

/**
 * Migration 0038: 撤单 — the terminal state `cancelled` and the action `cancel` (from the states
 * before anyone worked on the request) in every stored workflow that lacks it. A workflow an
 * administrator changed keeps its rules; only the cancel rule is added, from the early states it has.
 */
const serviceRequestsCancel: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table service_requests drop constraint service_requests_status_check`.execute(db);
    await sql`alter table service_requests add constraint service_requests_status_check
      check (status in (${list(STATES)}))`.execute(db);
    const rows = await sql<{ kind: string; definition: WorkflowDefinition }>`
      select kind, definition from service_request_workflows`.execute(db);
    for (const { kind, definition } of rows.rows) {
      if (definition.transitions.some((r) => r.action === 'cancel')) continue;
      const from = CANCELLABLE_FROM.filter((s) => definition.states.includes(s));
      const next: WorkflowDefinition = {
        ...definition,
        states: [...definition.states.filter((s) => s !== 'cancelled'), 'cancelled'],
        transitions: [...definition.transitions, cancelRule(from)],
      };
      await sql`update service_request_workflows
        set definition = ${JSON.stringify(next)}::jsonb, version = version + 1
        where kind = ${kind}`.execute(db);
    }
  },
};

/**
 * Migration 0045: 到场 — the action `arrive` (the technician is on site: the SLA's arrival clock
 * stops) in the stored fault workflow, from the working states it has (taken, in progress) into
 * in progress. An administrator's other rules stay; a workflow that has `arrive` already is left.
 */
const serviceRequestsArrive: Migration = {
  async up(db: Kysely<unknown>) {
    const rows = await sql<{ kind: string; definition: WorkflowDefinition }>`
      select kind, definition from service_request_workflows where kind = 'fault'`.execute(db);
    for (const { kind, definition } of rows.rows) {
      const next = withArrival(definition);
      if (!next) continue;
      await sql`update service_request_workflows
        set definition = ${JSON.stringify(next)}::jsonb, version = version + 1
        where kind = ${kind}`.execute(db);
    }
  },
};

export const serviceRequestsMigrations: MigrationList = [
  ['0014_service_requests_init', serviceRequestsInit],
  // Search vector and queue indexes (search.migrations.ts).
  ['0021_service_requests_search', serviceRequestsSearch],
  ['0022_service_requests_extras', serviceRequestsExtras], // extras.migrations.ts
  ['0026_service_requests_tmf621', serviceRequestsTmf621], // tmf621/tmf621.migrations.ts
  ['0031_service_requests_portal_owner', serviceRequestsPortalOwner],
  ['0035_service_requests_sla_timeline', serviceRequestsSlaTimeline],
  ['0038_service_requests_cancel', serviceRequestsCancel],
  ['0045_service_requests_arrive', serviceRequestsArrive],
];
