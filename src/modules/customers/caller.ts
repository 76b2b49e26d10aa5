/** What every customer use case is given: its dependencies (and, from the platform, its caller). */
import type { ModuleContext } from './customers.tables.ts';
import type { Db } from './customers.tables.ts';
import type { Clock } from '../../platform/clock.ts';
import type { PiiVault } from '../../platform/pii/vault.ts';
import { vaultFor } from './pii-keys.service.ts';

export type { Caller } from '../../platform/http/caller.ts';

export interface CustomerDeps {
  db: Db;
  vault: PiiVault;
  clock: Clock;
  /** Reveals per user per China calendar day (ONEPOINT_REVEAL_DAILY_CAP); default 50. */
  revealDailyCap?: number;
}

export const customerDeps = (ctx: ModuleContext): CustomerDeps => ({
  db: ctx.db,
  vault: vaultFor(ctx.config),
  clock: ctx.clock,
  revealDailyCap: ctx.config.revealDailyCap,
});
