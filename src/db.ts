// The whole schema as one Kysely type: the union of the tables every registered module owns. Only
// the composition (server, command line, tests) holds it; a module's code sees its own tables.
import type { Kysely, Transaction } from 'kysely';
import type { modules } from './modules.ts';
import type { TablesOf } from './platform/module.ts';

export type DB = TablesOf<typeof modules>;
export type Db = Kysely<DB>;
export type Tx = Transaction<DB>;
/** A database handle or an open transaction: repositories accept either. */
export type Executor = Kysely<DB> | Transaction<DB>;
