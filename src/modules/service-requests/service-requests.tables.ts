import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Executor as OwnExecutor } from '../../platform/db/executor.ts';
import type { ModuleContext as PlatformModuleContext } from '../../platform/module.ts';
import type {
  AccessNumber,
  Channel,
  Kind,
  Priority,
  State,
  TimelineKind,
  Visibility,
} from './domain/catalogue.ts';
import type { WorkflowDefinition } from './domain/workflow.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

/** 服务请求/工单: one row per request, whatever its kind. Column names are stable (search, queues). */
export interface ServiceRequestsTable {
  id: string;
  /** Read aloud: province code + yyyymmdd (China time) + a sequence number, e.g. JS20261207000123. */
  number: string;
  kind: Kind;
  category_code: string | null;
  channel: Channel;
  /** The call id, chat id, message id … of the channel. */
  channel_ref: string | null;
  /** 10000 or the enterprise line 10000+9 (`10000-9`), for hotline requests. */
  access_number: AccessNumber | null;
  customer_id: string | null;
  product_instance_id: string | null;
  /** The caller's contact phone: encrypted, keyed hash (exact search), last four, masked copy. */
  caller_phone_enc: string | null;
  caller_phone_hash: string | null;
  caller_phone_last4: string | null;
  caller_phone_masked: string | null;
  pii_key_id: string | null;
  /** The unit of the affected site (the product instance's unit), when known. */
  site_unit_id: string | null;
  intake_unit_id: string;
  handling_unit_id: string;
  /** The handling unit's org path, for data-scope filters (`like '<scope path>%'`). */
  handling_unit_path: string;
  skill_group_id: string | null;
  assignee_id: string | null;
  /**
   * 首问负责制: the person and unit that accepted the request stay its owner toward the customer.
   * A request the customer submits (portal) has an owner unit (routing's) and no owner person
   * until the first agent takes it (migration 0031).
   */
  owner_user_id: string | null;
  owner_unit_id: string;
  owner_unit_path: string;
  deputy_user_id: string | null;
  /** 一线/二线/三线. */
  support_line: 1 | 2 | 3;
  status: State;
  /** The state a suspended request resumes to (kept for the record; resume leads where the workflow says). */
  suspended_reason: string | null;
  priority: Priority;
  title: string;
  description: string;
  resolution: string | null;
  urge_count: Generated<number>;
  escalation_level: Generated<number>;
  reopen_count: Generated<number>;
  /** 一次解决: closed at intake, answered on the call. */
  first_contact_resolution: Generated<boolean>;
  routing_rule_id: string | null;
  routing_explanation: string | null;
  /** CJK pairs and words of title, description and notes (request-search.ts keeps it). */
  search_vector: ColumnType<string, string | undefined, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
  resolved_at: NullableTimestamp;
  closed_at: NullableTimestamp;
  version: Generated<number>;
  // extras.migrations.ts (0022)
  /** 重复: the earlier requests about the same instance (or customer) and category in the window. */
  repeat_of: ColumnType<string[], string[] | undefined, string[]>;
  /** Related requests linked from this one (the other side finds them by the GIN index). */
  related_ids: ColumnType<string[], string[] | undefined, string[]>;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  /** Set on a duplicate merged into another request (closed). */
  merged_into_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/** Every change, note, reply, contact attempt, transfer, assignment and urge of a request. */
export interface ServiceRequestTimelineTable {
  id: string;
  request_id: string;
  kind: TimelineKind;
  /** `customer` entries are what the customer (portal) sees. */
  visibility: Visibility;
  actor_id: string | null;
  actor_login: string | null;
  from_status: State | null;
  to_status: State | null;
  /** Free text (reason, result, note); masked on the way out. */
  body: string | null;
  details: Json<Record<string, unknown>>;
  created_at: Timestamp;
}

/** A category taxonomy per kind that administrators edit. */
export interface ServiceRequestCategoriesTable {
  id: string;
  kind: Kind;
  code: string;
  name: string;
  name_en: string;
  sort_order: number;
  active: Generated<boolean>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Each kind's workflow (states and transitions) as data. */
export interface ServiceRequestWorkflowsTable {
  kind: Kind;
  definition: Json<WorkflowDefinition>;
  version: Generated<number>;
  updated_at: Timestamp;
  updated_by: string | null;
}

/** Idempotency keys of creates, per caller, kept 24 h: a replay returns the first answer. */
export interface ServiceRequestIdempotencyTable {
  principal_id: string;
  key: string;
  body_hash: string;
  request_id: string;
  response: Json<Record<string, unknown>>;
  created_at: Timestamp;
}

/** Who has a request open (heartbeats), for "someone else is on it" notices across nodes. */
export interface ServiceRequestViewersTable {
  request_id: string;
  user_id: string;
  login: string;
  seen_at: Date;
}

/** TMF621 attributes without a column of their own (tmf621/tmf621.store.ts). */
export interface ServiceRequestTmfTicketsTable {
  request_id: string;
  severity: string | null;
  requested_resolution_date: NullableTimestamp;
  expected_resolution_date: NullableTimestamp;
  attributes: Json<Record<string, unknown>>;
  updated_at: Timestamp;
}

export interface ServiceRequestsTables {
  service_request_tmf_tickets: ServiceRequestTmfTicketsTable;
  service_request_viewers: ServiceRequestViewersTable;
  service_requests: ServiceRequestsTable;
  service_request_timeline: ServiceRequestTimelineTable;
  service_request_categories: ServiceRequestCategoriesTable;
  service_request_workflows: ServiceRequestWorkflowsTable;
  service_request_idempotency: ServiceRequestIdempotencyTable;
}

export type Db = Kysely<ServiceRequestsTables>;
export type Tx = Transaction<ServiceRequestsTables>;
export type Executor = OwnExecutor<ServiceRequestsTables>;
export type ModuleContext = PlatformModuleContext<ServiceRequestsTables>;
