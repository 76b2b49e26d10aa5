import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Executor as OwnExecutor } from '../../platform/db/executor.ts';
import type { ModuleContext as PlatformModuleContext } from '../../platform/module.ts';
import type { Anchor, Priority } from './domain/rules.ts';
import type { Strategy } from './domain/assignment.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A jsonb list of codes; null means "any". */
type CodeList = ColumnType<string[] | null, string | null, string | null>;

export interface RoutingRulesTable {
  id: string;
  position: number;
  name: string;
  description: string | null;
  active: Generated<boolean>;
  kinds: CodeList;
  categories: CodeList;
  product_codes: CodeList;
  product_categories: CodeList;
  customer_kinds: CodeList;
  customer_tiers: CodeList;
  value_levels: CodeList;
  channels: CodeList;
  region_unit_id: string | null;
  target_anchor: Anchor;
  target_function_type: string | null;
  target_unit_id: string | null;
  skill_group_code: string | null;
  support_line: number;
  priority: Priority | null;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A skill group's assignment strategy (no row: round-robin, no capacity limit). */
export interface RoutingGroupSettingsTable {
  skill_group_id: string;
  strategy: Strategy;
  capacity: number | null;
  reserved_slots: Generated<number>;
  version: Generated<number>;
  updated_at: Timestamp;
}

/** A member's last turn in a group (round-robin state: one row per member, never one per group). */
export interface RoutingMemberTurnsTable {
  skill_group_id: string;
  user_id: string;
  last_turn: ColumnType<string | null, string | number | null, string | number | null>;
}

export interface RoutingTables {
  routing_rules: RoutingRulesTable;
  routing_group_settings: RoutingGroupSettingsTable;
  routing_member_turns: RoutingMemberTurnsTable;
}

export type Db = Kysely<RoutingTables>;
export type Tx = Transaction<RoutingTables>;
export type Executor = OwnExecutor<RoutingTables>;
export type ModuleContext = PlatformModuleContext<RoutingTables>;
