/** What every service-request use case is given. */
import type { Clock } from '../../platform/clock.ts';
import type { PiiVault } from '../../platform/pii/vault.ts';
import { vaultFor } from '../customers/index.ts';
import type { RoutingPort } from './routing-port.ts';
import type { Db, ModuleContext } from './service-requests.tables.ts';

export type { Caller } from '../../platform/http/caller.ts';

export interface RequestDeps {
  db: Db;
  /** The customers' vault: the caller's phone is encrypted with the same keys as customers' data. */
  vault: PiiVault;
  clock: Clock;
  routing: RoutingPort;
  /** False for demo data: nothing happened that other systems should hear about (no outbox events). */
  recordEvents?: boolean;
}

export const requestDeps = (ctx: ModuleContext, routing: RoutingPort): RequestDeps => ({
  db: ctx.db,
  vault: vaultFor(ctx.config),
  clock: ctx.clock,
  routing,
});
