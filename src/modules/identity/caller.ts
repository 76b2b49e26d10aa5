import type { FastifyRequest } from 'fastify';
import type { Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
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

/** A 400 naming one field, in the same shape as schema validation errors. */
export function invalidField(field: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `Invalid input — ${field}: ${message}`, {
    fields: [{ field, message }],
  });
}

/** A 422 naming one field: the input is well-formed but breaks a rule that depends on stored data. */
export function unprocessableField(
  field: string,
  message: string,
  extra?: Record<string, unknown>,
): AppError {
  return new AppError('UNPROCESSABLE', `${field}: ${message}`, { fields: [{ field, message }], ...extra });
}

export function versionConflict(what: string, current: number): AppError {
  return new AppError(
    'CONFLICT',
    `The ${what} was changed by someone else (now version ${current}); reload and try again`,
    { currentVersion: current },
  );
}
