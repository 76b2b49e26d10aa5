import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationList } from '../../platform/db/migrate.ts';

export const identityInit: Migration = {
  async up(db: Kysely<unknown>) {
    // 组织: one plane, three levels (集团 → 省 → 本地) plus functional units under them.
    await sql`
      create table org_units (
        id uuid primary key,
        parent_id uuid references org_units(id),
        code text not null unique check (code ~ '^[A-Za-z0-9_.-]{1,64}$'),
        name text not null check (length(name) between 1 and 100),
        name_en text check (length(name_en) <= 100),
        level text not null check (level in ('national', 'province', 'city', 'district')),
        kind text not null default 'administrative' check (kind in ('administrative', 'functional')),
        function_type text check (function_type in ('hotline_centre', 'monitoring_centre', 'field_service',
          'account_management', 'billing_centre', 'quality_team', 'dispatch_centre', 'support_line')),
        path text not null unique,
        time_zone text not null default 'Asia/Shanghai',
        active boolean not null default true,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check ((kind = 'functional') = (function_type is not null)),
        check ((parent_id is null) = (level = 'national'))
      )`.execute(db);
    await sql`create index org_units_parent_idx on org_units (parent_id)`.execute(db);
    await sql`create index org_units_path_idx on org_units (path text_pattern_ops)`.execute(db);

    await sql`
      create table roles (
        code text primary key check (code ~ '^[a-z][a-z0-9_]{1,40}$'),
        name text not null,
        name_en text not null,
        permissions jsonb not null default '[]'::jsonb check (jsonb_typeof(permissions) = 'array'),
        builtin boolean not null default false,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`.execute(db);

    await sql`
      create table users (
        id uuid primary key,
        login text not null check (login ~ '^[a-z0-9][a-z0-9_.-]{1,63}$'),
        display_name text not null check (length(display_name) between 1 and 100),
        org_unit_id uuid not null references org_units(id),
        password_hash text,
        status text not null default 'active' check (status in ('active', 'disabled')),
        email text check (length(email) <= 254),
        employee_no text check (length(employee_no) <= 32),
        support_line smallint check (support_line between 1 and 3),
        failed_logins integer not null default 0,
        last_login_at timestamptz,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`.execute(db);
    await sql`create unique index users_login_uq on users (login)`.execute(db);
    await sql`create index users_org_unit_idx on users (org_unit_id)`.execute(db);

    await sql`
      create table user_roles (
        user_id uuid not null references users(id) on delete cascade,
        role_code text not null references roles(code),
        primary key (user_id, role_code)
      )`.execute(db);
    await sql`create index user_roles_role_idx on user_roles (role_code)`.execute(db);

    await sql`
      create table sessions (
        id uuid primary key,
        user_id uuid not null references users(id) on delete cascade,
        token_hash text not null unique,
        csrf_token text not null,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        revoked_at timestamptz,
        ip text,
        user_agent text
      )`.execute(db);
    await sql`create index sessions_user_idx on sessions (user_id)`.execute(db);

    await sql`
      create table api_tokens (
        id uuid primary key,
        user_id uuid not null references users(id) on delete cascade,
        name text not null check (length(name) between 1 and 100),
        token_hash text not null unique,
        token_prefix text not null,
        created_by uuid references users(id),
        created_at timestamptz not null default now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz
      )`.execute(db);
    await sql`create index api_tokens_user_idx on api_tokens (user_id)`.execute(db);

    // 技能组: agents who can handle a kind of work (routing uses these later).
    await sql`
      create table skill_groups (
        id uuid primary key,
        code text not null unique check (code ~ '^[A-Za-z0-9_.-]{1,64}$'),
        name text not null check (length(name) between 1 and 100),
        name_en text check (length(name_en) <= 100),
        org_unit_id uuid not null references org_units(id),
        description text check (length(description) <= 1000),
        skills jsonb not null default '[]'::jsonb check (jsonb_typeof(skills) = 'array'),
        active boolean not null default true,
        version integer not null default 1,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`.execute(db);
    await sql`create index skill_groups_org_unit_idx on skill_groups (org_unit_id)`.execute(db);
    await sql`
      create table skill_group_members (
        skill_group_id uuid not null references skill_groups(id) on delete cascade,
        user_id uuid not null references users(id) on delete cascade,
        proficiency smallint not null default 3 check (proficiency between 1 and 5),
        primary key (skill_group_id, user_id)
      )`.execute(db);
    await sql`create index skill_group_members_user_idx on skill_group_members (user_id)`.execute(db);
  },
};

/**
 * Sign-in hardening (issue 9): failed sign-ins counted per login as typed — known or not, so a
 * lock says nothing about whether a login exists — and sessions' last use for the idle timeout.
 * The per-user counter (users.failed_logins) counted known logins only and locked nothing: gone.
 */
export const identityLoginSecurity: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table login_failures (
        login text primary key check (length(login) between 1 and 64),
        failures integer not null check (failures > 0),
        last_failed_at timestamptz not null,
        locked_until timestamptz
      )`.execute(db);
    await sql`create index login_failures_last_failed_idx on login_failures (last_failed_at)`.execute(db);
    await sql`alter table users drop column failed_logins`.execute(db);
    await sql`alter table sessions add column last_seen_at timestamptz`.execute(db);
    await sql`update sessions set last_seen_at = created_at`.execute(db);
    await sql`alter table sessions alter column last_seen_at set not null`.execute(db);
  },
};

/**
 * Second factor (TOTP, RFC 6238) for staff, and the short-lived challenges between the password
 * step and the code step of a sign-in (issue 9).
 */
export const identityMfa: Migration = {
  async up(db: Kysely<unknown>) {
    // One authenticator per user. The secret is encrypted with ONEPOINT_PII_KEYS (AES-256-GCM,
    // bound to the user); confirmed_at is null while enrolment waits for its first code.
    await sql`
      create table user_mfa (
        user_id uuid primary key references users(id) on delete cascade,
        secret_enc text not null,
        created_at timestamptz not null,
        confirmed_at timestamptz,
        last_step bigint,
        failed_attempts integer not null default 0 check (failed_attempts >= 0),
        locked_until timestamptz
      )`.execute(db);
    // Between the password and the code: no session exists yet, only this (its SHA-256 stored).
    await sql`
      create table login_challenges (
        id uuid primary key,
        token_hash text not null unique,
        user_id uuid not null references users(id) on delete cascade,
        purpose text not null check (purpose in ('verify', 'enrol')),
        created_at timestamptz not null,
        expires_at timestamptz not null,
        attempts integer not null default 0,
        consumed_at timestamptz,
        ip text
      )`.execute(db);
    await sql`create index login_challenges_user_idx on login_challenges (user_id)`.execute(db);
    await sql`create index login_challenges_expires_idx on login_challenges (expires_at)`.execute(db);
  },
};

/** Staff presence (available / away / offline) for routing and first-contact deputies (issue 10). */
export const identityPresence: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table user_presence (
        user_id uuid primary key references users(id) on delete cascade,
        status text not null check (status in ('available', 'away', 'offline')),
        until timestamptz,
        deputy_user_id uuid references users(id) on delete set null check (deputy_user_id <> user_id),
        version integer not null default 1,
        updated_at timestamptz not null
      )`.execute(db);
  },
};

/**
 * Recovery codes for the second factor: ten one-time codes per user, kept as SHA-256 hashes
 * (domain/mfa-recovery.ts says why not scrypt). They belong to the authenticator: removing it
 * (the security administrator's reset) removes them.
 */
export const identityMfaRecoveryCodes: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table user_mfa_recovery_codes (
        user_id uuid not null references user_mfa(user_id) on delete cascade,
        code_hash text not null check (length(code_hash) = 64),
        created_at timestamptz not null,
        used_at timestamptz,
        primary key (user_id, code_hash)
      )`.execute(db);
  },
};

/** This module's migrations with their global names, in order. Forward only: append, never edit. */
export const identityMigrations: MigrationList = [
  ['0001_identity_init', identityInit],
  ['0010_identity_login_security', identityLoginSecurity],
  ['0011_identity_mfa', identityMfa],
  ['0017_identity_presence', identityPresence],
  ['0051_identity_mfa_recovery_codes', identityMfaRecoveryCodes],
];
