/** What every customer use case is given: its dependencies (and, from the platform, its caller). */
import type { ModuleContext } from '../../context.ts';
import type { Db } from '../../db.ts';
import type { Clock } from '../../platform/clock.ts';
import type { PiiVault } from '../../platform/pii/vault.ts';
import { vaultFor } from './pii-keys.service.ts';

export type { Caller } from '../../platform/http/caller.ts';

export interface CustomerDeps {
  db: Db;
  vault: PiiVault;
  clock: Clock;
}

export const customerDeps = (ctx: ModuleContext): CustomerDeps => ({
  db: ctx.db,
  vault: vaultFor(ctx.config),
  clock: ctx.clock,
});
