/** What every customer use case is given: its dependencies and who is calling. */
import type { FastifyRequest } from 'fastify';
import type { ModuleContext } from '../../context.ts';
import type { Db } from '../../db.ts';
import type { Clock } from '../../platform/clock.ts';
import { requirePrincipal, type Principal } from '../../platform/http/auth.ts';
import type { AuditActor } from '../audit/index.ts';
import { actorOf } from '../identity/index.ts';
import { scopeFromPath, type Scope } from './customers.repository.ts';
import type { PiiVault } from './domain/vault.ts';
import { vaultFor } from './pii-keys.service.ts';

export interface CustomerDeps {
  db: Db;
  vault: PiiVault;
  clock: Clock;
}

/** Who is calling: their principal (permissions, scope) and the audit actor. */
export interface Caller {
  principal: Principal;
  actor: AuditActor;
}

export const scopeOf = (p: Principal): Scope => scopeFromPath(p.scopePath);

export const customerDeps = (ctx: ModuleContext): CustomerDeps => ({
  db: ctx.db,
  vault: vaultFor(ctx.config),
  clock: ctx.clock,
});

export const callerOf = (request: FastifyRequest): Caller => {
  const principal = requirePrincipal(request);
  return { principal, actor: actorOf(principal, request) };
};
