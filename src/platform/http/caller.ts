/**
 * The caller of a use case — who (principal), as whom the audit log records it (actor), what data
 * they may see (scope) and when (now, from the platform clock) — built once per request.
 */
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../clock.ts';
import { requirePrincipal, type Principal } from './auth.ts';

/** Who did something, as audit entries record it. */
export interface Actor {
  actorId: string | null;
  actorLogin: string | null;
  actorKind: 'user' | 'api_token' | 'system';
  ip: string | null;
  requestId: string | null;
}

/** A data scope: the org path whose subtree the caller sees; `all` when that is the whole tree. */
export interface DataScope {
  path: string;
  all: boolean;
}

export interface Caller {
  principal: Principal;
  actor: Actor;
  scope: DataScope;
  /** The request's one "now": every timestamp a use case writes for this request. */
  now: Date;
}

export function scopeFromPath(scopePath: string): DataScope {
  return { path: scopePath, all: scopePath.split('/').filter(Boolean).length <= 1 };
}

export function actorFor(principal: Principal, request?: FastifyRequest): Actor {
  return {
    actorId: principal.userId,
    actorLogin: principal.login,
    actorKind: principal.via === 'api_token' ? 'api_token' : 'user',
    ip: request?.ip ?? null,
    requestId: request ? String(request.id) : null,
  };
}

/** A caller outside HTTP (a command, a test): same shape, no request. */
export function callerFor(principal: Principal, clock: Clock): Caller {
  return {
    principal,
    actor: actorFor(principal),
    scope: scopeFromPath(principal.scopePath),
    now: clock.now(),
  };
}

const callers = new WeakMap<FastifyRequest, Caller>();

/** The request's caller: built on first use, the same object (and the same `now`) after. */
export function callerOf(request: FastifyRequest, clock: Clock): Caller {
  let caller = callers.get(request);
  if (!caller) {
    const principal = requirePrincipal(request);
    caller = {
      principal,
      actor: actorFor(principal, request),
      scope: scopeFromPath(principal.scopePath),
      now: clock.now(),
    };
    callers.set(request, caller);
  }
  return caller;
}
