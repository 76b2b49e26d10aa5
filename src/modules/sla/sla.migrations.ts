import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationList } from '../../platform/db/migrate.ts';
import { DEFAULT_POLICIES } from './domain/matrix.ts';

/**
 * Business calendars: the national schedule per year (filled from chinese-days at start-up, for
 * the years the package covers and the table lacks; admins enter others), the calendars
 * administrators define per org unit, and per-unit overrides.
 */
export const slaCalendars: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table sla_calendar_years (
        year integer primary key check (year between 1990 and 2200),
        source text not null check (length(source) between 1 and 64),
        updated_at timestamptz not null
      )`.execute(db);
    await sql`
      create table sla_calendar_days (
        day date primary key,
        year integer not null references sla_calendar_years (year) on delete cascade,
        kind text not null check (kind in ('holiday', 'workday')),
        name text check (length(name) <= 50),
        check (extract(year from day) = year)
      )`.execute(db);
    await sql`create index sla_calendar_days_year_idx on sla_calendar_days (year)`.execute(db);
    await sql`
      create table sla_calendars (
        id uuid primary key,
        code text not null unique check (code ~ '^[a-z0-9][a-z0-9-]{1,63}$'),
        name text not null check (length(name) between 1 and 100),
        org_unit_id uuid not null,
        replaces text check (replaces in ('24x7', 'cn-workdays', 'cn-office')),
        zone text not null check (length(zone) between 1 and 64),
        days text not null check (days in ('national', 'every_day')),
        periods jsonb not null check (jsonb_typeof(periods) = 'array'),
        version integer not null default 1,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`.execute(db);
    // One stand-in per built-in calendar and unit.
    await sql`
      create unique index sla_calendars_replaces_idx on sla_calendars (org_unit_id, replaces)
        where replaces is not null`.execute(db);
    await sql`create index sla_calendars_unit_idx on sla_calendars (org_unit_id)`.execute(db);
    await sql`
      create table sla_calendar_overrides (
        id uuid primary key,
        org_unit_id uuid not null,
        day date not null,
        kind text not null check (kind in ('closed', 'working')),
        reason text not null check (length(reason) between 1 and 200),
        version integer not null default 1,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        unique (org_unit_id, day)
      )`.execute(db);
  },
};

/**
 * The policy matrix: one row per policy (match columns, null = any; targets as jsonb), seeded with
 * the default matrix (`domain/matrix.ts`: 物流E通, the regulations, the enterprise tier table).
 * `position` keeps the listed order, which breaks a tie between equally specific rows.
 */
export const slaPolicies: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table sla_policies (
        code text primary key check (code ~ '^[a-zA-Z0-9][a-zA-Z0-9._-]{1,63}$'),
        name text not null check (length(name) between 1 and 100),
        source text not null check (length(source) between 1 and 300),
        position integer not null,
        active boolean not null default true,
        contract_id text check (length(contract_id) between 1 and 64),
        product_code text check (length(product_code) between 1 and 64),
        product_family text check (length(product_family) between 1 and 64),
        tier text check (tier in ('group', 'province', 'localA', 'localB', 'localC', 'public')),
        kind text check (length(kind) between 1 and 64),
        category text check (length(category) between 1 and 64),
        priority text check (length(priority) between 1 and 32),
        location_class text check (location_class in ('urban', 'county', 'rural')),
        targets jsonb not null check (jsonb_typeof(targets) = 'object'),
        version integer not null default 1,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`.execute(db);
    for (const [i, row] of DEFAULT_POLICIES.entries()) {
      const m = row.match;
      await sql`
        insert into sla_policies (code, name, source, position, contract_id, product_code, product_family,
          tier, kind, category, priority, location_class, targets, created_at, updated_at)
        values (${row.code}, ${row.name}, ${row.source}, ${(i + 1) * 10}, ${m.contractId ?? null},
          ${m.productCode ?? null}, ${m.productFamily ?? null}, ${m.tier ?? null}, ${m.kind ?? null},
          ${m.category ?? null}, ${m.priority ?? null}, ${m.locationClass ?? null},
          ${JSON.stringify(row.targets)}::jsonb, now(), now())`.execute(db);
    }
  },
};

/**
 * Clocks per request: the facts each request's SLA was resolved from, one clock per target with
 * its deadline, pauses, state and steps (warnings, breach), the steps acted on (exactly once: the
 * primary key) and the recompute history. The scheduler seeks `next_step_at` (partial index).
 */
export const slaClocks: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table sla_requests (
        request_id uuid primary key,
        kind text not null,
        tier text,
        product_code text,
        product_family text,
        category text,
        priority text,
        location_class text,
        contract_id text,
        org_unit_id uuid,
        open boolean not null default true,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`.execute(db);
    await sql`
      create table sla_clocks (
        request_id uuid not null references sla_requests (request_id),
        target text not null check (target in ('response', 'feedback', 'arrival', 'restoration', 'resolution', 'progress')),
        period integer not null default 1,
        policy_code text not null,
        calendar text not null,
        calendar_used text not null,
        duration text not null,
        counting text check (counting in ('civil-code')),
        start_at timestamptz not null,
        deadline timestamptz,
        unpaused_deadline timestamptz not null,
        pauses jsonb not null default '[]',
        state text not null check (state in ('running', 'paused', 'met', 'missed', 'stopped')),
        met_at timestamptz,
        provisional boolean not null default false,
        steps jsonb not null,
        next_step integer,
        next_step_at timestamptz,
        recompute_reason text,
        updated_at timestamptz not null,
        primary key (request_id, target)
      )`.execute(db);
    // The scheduler's seek: the earliest due step (only clocks with one pending are indexed).
    await sql`create index sla_clocks_due on sla_clocks (next_step_at) where next_step_at is not null`.execute(
      db,
    );
    // Recompute after a policy change: the open clocks of the requests with given facts.
    await sql`create index sla_requests_open on sla_requests (kind, tier) where open`.execute(db);
    await sql`
      create table sla_clock_steps (
        request_id uuid not null,
        target text not null,
        period integer not null,
        percent integer not null,
        due_at timestamptz not null,
        acted_at timestamptz not null,
        actions jsonb not null,
        primary key (request_id, target, period, percent)
      )`.execute(db);
    await sql`
      create table sla_clock_changes (
        id bigint generated always as identity primary key,
        request_id uuid not null,
        target text not null,
        at timestamptz not null,
        reason text not null,
        policy_from text,
        policy_to text,
        deadline_from timestamptz,
        deadline_to timestamptz
      )`.execute(db);
    await sql`create index sla_clock_changes_request on sla_clock_changes (request_id, at)`.execute(db);
  },
};

/**
 * Reports: requests by the day they were accepted (the period a report counts them in), and the
 * open clocks by deadline (the supervisors' "about to breach" list: running, or breached and
 * still waiting for their milestone).
 */
export const slaReports: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`create index sla_requests_created on sla_requests (created_at)`.execute(db);
    await sql`
      create index sla_clocks_open_deadline on sla_clocks (deadline)
        where met_at is null and state in ('running', 'missed')`.execute(db);
  },
};

/**
 * Recompute after a policy change, targeted and resumable: the open clocks a row governs are found
 * through `sla_clocks_open_policy` (an ordered range per code), and each run of the `sla.recompute`
 * worker keeps its progress (the last request of the last committed chunk) in
 * `sla_recompute_runs`, so a run that crashed resumes there instead of starting again.
 */
export const slaRecomputeRuns: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create index sla_clocks_open_policy on sla_clocks (policy_code, request_id)
        where state in ('running', 'paused')`.execute(db);
    await sql`
      create table sla_recompute_runs (
        id text primary key check (length(id) between 1 and 100),
        reason text not null,
        policy_codes jsonb not null check (jsonb_typeof(policy_codes) = 'array'),
        after_request uuid,
        chunks integer not null default 0,
        requests integer not null default 0,
        recomputed integer not null default 0,
        added integer not null default 0,
        removed integer not null default 0,
        set_based integer not null default 0,
        started_at timestamptz not null,
        updated_at timestamptz not null,
        finished_at timestamptz
      )`.execute(db);
  },
};

export const slaMigrations: MigrationList = [
  ['0024_sla_calendars', slaCalendars],
  ['0033_sla_policies', slaPolicies],
  ['0034_sla_clocks', slaClocks],
  ['0046_sla_reports', slaReports],
  ['0049_sla_recompute_runs', slaRecomputeRuns],
];
