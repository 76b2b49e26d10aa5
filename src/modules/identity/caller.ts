import type { FastifyRequest } from 'fastify';
import type { Clock } from '../../platform/clock.ts';
import { requirePrincipal, type Principal } from '../../platform/http/auth.ts';
import type { AuditActor } from '../audit/index.ts';
import { actorOf } from './auth.service.ts';

/** Who is acting, for the administration use cases: scope and permissions, audit actor, the time. */
export interface Caller {
  principal: Principal;
  actor: AuditActor;
  now: Date;
}

export function callerOf(request: FastifyRequest, clock: Clock): Caller {
  const principal = requirePrincipal(request);
  return { principal, actor: actorOf(principal, request), now: clock.now() };
}

// The error helpers moved to the platform; re-exported for identity's use cases.
export { invalidField, unprocessableField, versionConflict } from '../../platform/errors.ts';
