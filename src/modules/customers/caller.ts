/** What every customer use case is given: its dependencies (and, from the platform, its caller). */
import type { ModuleContext } from './customers.tables.ts';
import type { Db } from './customers.tables.ts';
import type { Clock } from '../../platform/clock.ts';
import type { PiiVault } from '../../platform/pii/vault.ts';
import { vaultFor } from './pii-keys.service.ts';
import { SearchGuard, searchGuardPolicy } from './search-guard.ts';

export type { Caller } from '../../platform/http/caller.ts';

export interface CustomerDeps {
  db: Db;
  vault: PiiVault;
  clock: Clock;
  /**
   * Slows down and reports users whose phone/ID searches keep finding nobody. The server always
   * has one; without it (a command, a benchmark) misses are still access-logged, never slowed.
   */
  searchGuard?: SearchGuard;
}

// One per platform context: the guard's queue of slowed-down users is shared by every route.
const depsOf = new WeakMap<ModuleContext, CustomerDeps>();

export const customerDeps = (ctx: ModuleContext): CustomerDeps => {
  let deps = depsOf.get(ctx);
  if (!deps) {
    deps = {
      db: ctx.db,
      vault: vaultFor(ctx.config),
      clock: ctx.clock,
      searchGuard: new SearchGuard(searchGuardPolicy(ctx.config), ctx.raiseSecurityAlert),
    };
    depsOf.set(ctx, deps);
  }
  return deps;
};
