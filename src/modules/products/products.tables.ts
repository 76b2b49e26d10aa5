import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Executor as OwnExecutor } from '../../platform/db/executor.ts';
import type { ModuleContext as PlatformModuleContext } from '../../platform/module.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** The service product catalogue (created and seeded by the customers migration, owned here). */
export interface ProductsTable {
  code: string;
  name: string;
  name_en: string;
  category: string;
  segment: 'consumer' | 'enterprise' | 'both';
  resource_kind: string;
  description: string | null;
  active: Generated<boolean>;
  sort_order: Generated<number>;
  version: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ProductsTables {
  products: ProductsTable;
}

// The module's own database types: its code sees these tables and no other module's.
export type Db = Kysely<ProductsTables>;
export type Tx = Transaction<ProductsTables>;
export type Executor = OwnExecutor<ProductsTables>;
export type ModuleContext = PlatformModuleContext<ProductsTables>;
