import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationList } from '../../platform/db/migrate.ts';

const codeList = (column: string) =>
  sql.raw(
    `${column} jsonb check (${column} is null or (jsonb_typeof(${column}) = 'array' and jsonb_array_length(${column}) > 0))`,
  );

/** The seeded rules: the operator's practice, which administrators change through the API. */
const SEED_RULES: Array<Record<string, unknown>> = [
  {
    position: 100,
    name: '政企专线/电路故障：属地监控中心统一受理',
    description:
      "An enterprise customer's fault on a centrally managed product (circuits, MPLS-VPN, dedicated lines) is accepted by the monitoring centre of the affected site's unit, whatever the channel.",
    kinds: ['fault'],
    customer_kinds: ['enterprise'],
    product_categories: ['data_circuit', 'internet_dedicated'],
    target_anchor: 'site',
    target_function_type: 'monitoring_centre',
    skill_group_code: 'NOC_FAULT',
    support_line: 2,
    priority: 'high',
  },
  {
    position: 200,
    name: '公众宽带/IPTV/固话故障：属地装维调度',
    description:
      "A consumer's broadband, IPTV or voice fault goes to the local fault group of the site's unit.",
    kinds: ['fault'],
    customer_kinds: ['individual'],
    product_categories: ['broadband', 'iptv', 'voice'],
    target_anchor: 'site',
    target_function_type: 'dispatch_centre',
    skill_group_code: 'LOCAL_FAULT',
    support_line: 1,
  },
  {
    position: 300,
    name: '投诉：归属省投诉处理组',
    description:
      "Complaints go to the complaint handling group of the customer's province (its 10000 centre).",
    kinds: ['complaint'],
    target_anchor: 'home',
    target_function_type: 'hotline_centre',
    skill_group_code: 'COMPLAINT',
    support_line: 2,
  },
  {
    position: 400,
    name: '计费/账务：计费争议处理组',
    description: "Billing enquiries and disputes go to the billing group of the customer's province.",
    kinds: ['billing'],
    target_anchor: 'home',
    target_function_type: 'billing_centre',
    skill_group_code: 'BILLING',
    support_line: 2,
  },
  {
    position: 500,
    name: '咨询：首问受理单位当场解答',
    description: 'Consultations stay with the intake unit (answered on the call).',
    kinds: ['consultation'],
    target_anchor: 'intake',
    support_line: 1,
  },
];

export const routingInit: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table routing_rules (
        id uuid primary key,
        position integer not null check (position between 1 and 1000000),
        name text not null check (length(name) between 1 and 100),
        description text check (length(description) <= 500),
        active boolean not null default true,
        ${codeList('kinds')},
        ${codeList('categories')},
        ${codeList('product_codes')},
        ${codeList('product_categories')},
        ${codeList('customer_kinds')},
        ${codeList('customer_tiers')},
        ${codeList('value_levels')},
        ${codeList('channels')},
        region_unit_id uuid,
        target_anchor text not null check (target_anchor in ('site', 'home', 'intake', 'fixed')),
        target_function_type text check (length(target_function_type) <= 64),
        target_unit_id uuid,
        skill_group_code text check (length(skill_group_code) <= 64),
        support_line smallint not null check (support_line between 1 and 3),
        priority text check (priority in ('urgent', 'high', 'normal', 'low')),
        version integer not null default 1,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        check ((target_anchor = 'fixed') = (target_unit_id is not null))
      )`.execute(db);
    await sql`create index routing_rules_position_idx on routing_rules (position, id)`.execute(db);
    await sql`
      create table routing_group_settings (
        skill_group_id uuid primary key,
        strategy text not null check (strategy in ('round_robin', 'least_loaded', 'skill')),
        capacity integer check (capacity between 1 and 10000),
        reserved_slots integer not null default 0 check (reserved_slots >= 0),
        version integer not null default 1,
        updated_at timestamptz not null,
        check (capacity is null or reserved_slots < capacity)
      )`.execute(db);
    // Round-robin state per member, claimed with FOR UPDATE SKIP LOCKED: concurrent assignments
    // in one group take different members instead of queueing on one row. Turns come from a
    // sequence (no lock, no clock).
    await sql`
      create table routing_member_turns (
        skill_group_id uuid not null,
        user_id uuid not null,
        last_turn bigint,
        primary key (skill_group_id, user_id)
      )`.execute(db);
    await sql`create sequence routing_turn_seq`.execute(db);
    for (const r of SEED_RULES) {
      const list = (k: string) => (r[k] ? JSON.stringify(r[k]) : null);
      await sql`
        insert into routing_rules (id, position, name, description, kinds, customer_kinds,
          product_categories, target_anchor, target_function_type, skill_group_code, support_line,
          priority, created_at, updated_at)
        values (gen_random_uuid(), ${r.position}, ${r.name}, ${r.description}, ${list('kinds')}::jsonb,
          ${list('customer_kinds')}::jsonb, ${list('product_categories')}::jsonb, ${r.target_anchor},
          ${r.target_function_type ?? null}, ${r.skill_group_code ?? null}, ${r.support_line},
          ${r.priority ?? null}, now(), now())`.execute(db);
    }
  },
};

export const routingMigrations: MigrationList = [['0016_routing_init', routingInit]];
