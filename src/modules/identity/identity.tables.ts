import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Executor as OwnExecutor } from '../../platform/db/executor.ts';
import type { ModuleContext as PlatformModuleContext } from '../../platform/module.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface OrgUnitsTable {
  id: string;
  parent_id: string | null;
  code: string;
  name: string;
  name_en: string | null;
  level: 'national' | 'province' | 'city' | 'district';
  kind: 'administrative' | 'functional';
  function_type: string | null;
  path: string;
  time_zone: Generated<string>;
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RolesTable {
  code: string;
  name: string;
  name_en: string;
  permissions: Json<string[]>;
  builtin: Generated<boolean>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: string;
  login: string;
  display_name: string;
  org_unit_id: string;
  password_hash: string | null;
  status: Generated<'active' | 'disabled'>;
  email: string | null;
  employee_no: string | null;
  support_line: number | null;
  last_login_at: Date | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UserRolesTable {
  user_id: string;
  role_code: string;
}

export interface SessionsTable {
  id: string;
  user_id: string;
  token_hash: string;
  csrf_token: string;
  created_at: Timestamp;
  expires_at: Date;
  revoked_at: Date | null;
  /** Last use, to the minute (written at most once a minute): the idle timeout counts from it. */
  last_seen_at: Date;
  ip: string | null;
  user_agent: string | null;
}

/** Failed sign-ins in a row per login as typed (lower case), whether or not such a user exists. */
export interface LoginFailuresTable {
  login: string;
  failures: number;
  last_failed_at: Date;
  locked_until: Date | null;
}

/** A user's TOTP authenticator (second factor); confirmed_at null while enrolment is pending. */
export interface UserMfaTable {
  user_id: string;
  secret_enc: string;
  created_at: Date;
  confirmed_at: Date | null;
  /** The TOTP time step of the last accepted code: that code and older ones are refused (replay). */
  last_step: ColumnType<string | null, string | number | null, string | number | null>;
  failed_attempts: Generated<number>;
  locked_until: Date | null;
}

/** A one-time recovery code of a user's second factor: only its hash; used_at once spent. */
export interface UserMfaRecoveryCodesTable {
  user_id: string;
  code_hash: string;
  created_at: Date;
  used_at: Date | null;
}

/** The step between a correct password and the second factor (a code, or enrolment). */
export interface LoginChallengesTable {
  id: string;
  token_hash: string;
  user_id: string;
  purpose: 'verify' | 'enrol';
  created_at: Date;
  expires_at: Date;
  attempts: Generated<number>;
  consumed_at: Date | null;
  ip: string | null;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  token_prefix: string;
  created_by: string | null;
  created_at: Timestamp;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface SkillGroupsTable {
  id: string;
  code: string;
  name: string;
  name_en: string | null;
  org_unit_id: string;
  description: string | null;
  skills: Json<string[]>;
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface SkillGroupMembersTable {
  skill_group_id: string;
  user_id: string;
  proficiency: Generated<number>;
}

/** A staff user's availability for routing (no row: available). */
export interface UserPresenceTable {
  user_id: string;
  status: 'available' | 'away' | 'offline';
  /** When away/offline ends by itself (null: until changed). */
  until: Date | null;
  /** Who answers the user's customers meanwhile (首问负责制's named deputy). */
  deputy_user_id: string | null;
  version: Generated<number>;
  updated_at: Date;
}

export interface IdentityTables {
  org_units: OrgUnitsTable;
  roles: RolesTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  api_tokens: ApiTokensTable;
  user_mfa: UserMfaTable;
  user_mfa_recovery_codes: UserMfaRecoveryCodesTable;
  login_challenges: LoginChallengesTable;
  skill_groups: SkillGroupsTable;
  skill_group_members: SkillGroupMembersTable;
  user_presence: UserPresenceTable;
}

// The module's own database types: its code sees these tables and no other module's.
export type Db = Kysely<IdentityTables>;
export type Tx = Transaction<IdentityTables>;
export type Executor = OwnExecutor<IdentityTables>;
export type ModuleContext = PlatformModuleContext<IdentityTables>;
