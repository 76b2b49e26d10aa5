import type { ColumnType, Generated } from 'kysely';

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
