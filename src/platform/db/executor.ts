import type { Kysely, Transaction } from 'kysely';

/** A module's database handle or open transaction, typed with the tables it owns. */
export type Executor<Tables> = Kysely<Tables> | Transaction<Tables>;

/**
 * Another module's handle or open transaction, as taken by a function a module publishes through
 * its `index.ts` (an audit entry or an outbox event written in the caller's transaction, a read
 * of the org tree). The publishing module types it with its own tables at once
 * (`const db: Executor<OwnTables> = caller`): the caller never sees those tables.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any module's tables
export type AnyExecutor = Kysely<any>;

/** Another module's open transaction, for a write that must commit or roll back with the caller's. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any module's tables
export type AnyTransaction = Transaction<any>;
