// The whole schema as one Kysely type, composed from the tables each module owns.
import type { Kysely, Transaction } from 'kysely';
import type { AuditTables } from './modules/audit/index.ts';
import type { CustomersTables } from './modules/customers/index.ts';
import type { EventsTables } from './modules/events/index.ts';
import type { ProductsTables } from './modules/products/index.ts';
import type { IdentityTables } from './modules/identity/index.ts';

export type DB = IdentityTables & AuditTables & CustomersTables & ProductsTables & EventsTables;
export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;
/** A database handle or an open transaction: repositories accept either. */
export type Executor = Kysely<DB> | Transaction<DB>;
