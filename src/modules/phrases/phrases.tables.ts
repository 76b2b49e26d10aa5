import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Executor as OwnExecutor } from '../../platform/db/executor.ts';
import type { ModuleContext as PlatformModuleContext } from '../../platform/module.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/**
 * A canned phrase (常用语): shared by a unit (seen by the unit and every unit under it) or
 * personal (seen by its owner only).
 */
export interface PhrasesTable {
  id: string;
  scope: 'unit' | 'personal';
  /** The unit that shares it (unit scope), or the owner's unit when it was written (personal). */
  org_unit_id: string;
  /** The owner (personal scope); null for a unit's phrase. */
  owner_id: string | null;
  title: string;
  body: string;
  category: string;
  tags: ColumnType<string[], string, string>;
  version: Generated<number>;
  created_at: Timestamp;
  created_by: string | null;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface PhrasesTables {
  phrases: PhrasesTable;
}

export type Db = Kysely<PhrasesTables>;
export type Tx = Transaction<PhrasesTables>;
export type Executor = OwnExecutor<PhrasesTables>;
export type ModuleContext = PlatformModuleContext<PhrasesTables>;
