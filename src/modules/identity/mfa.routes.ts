/**
 * The second factor (TOTP): the code step of a sign-in (or a recovery code), enrolment, status,
 * recovery codes, the administrator's reset.
 */
import { z } from 'zod';
import type { FastifyReply } from 'fastify';
import type { App } from '../../platform/http/app.ts';
import { requirePrincipal } from '../../platform/http/auth.ts';
import { openSession } from './auth.service.ts';
import { sendSession, sessionContext, sessionView } from './auth.routes.ts';
import { callerOf } from './caller.ts';
import { idParams } from './identity.schemas.ts';
import type { ModuleContext } from './identity.tables.ts';
import {
  completeEnrolment,
  completeSignIn,
  completeSignInWithRecoveryCode,
  CHALLENGE_FORMAT,
  confirmEnrolment,
  mfaDeps,
  mfaStatus,
  regenerateRecoveryCodes,
  resetMfa,
  startEnrolment,
  startEnrolmentForChallenge,
  type Enrolment,
} from './mfa.service.ts';
import { AppError } from '../../platform/errors.ts';

// Malformed is bad input (400 naming it), not an expired step (401): only the answer to a
// sign-in holds a challenge, so anything else is a client's mistake.
const challenge = z
  .string()
  .regex(CHALLENGE_FORMAT, 'must be the challenge from the sign-in answer (opc_ and 43 characters)')
  .describe('the challenge from the sign-in answer');
/** Six digits; spaces and dashes as apps show them are ignored. */
const code = z
  .string()
  .trim()
  .max(20)
  .regex(/^[\d\s-]+$/, 'must be the 6-digit code from your authenticator app');

/** A one-time recovery code as printed (`abcd-efgh-jkmn-pqrs`); case, spaces and dashes are ignored. */
const recoveryCode = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9\s-]+$/, 'must be one of your recovery codes (16 letters and digits)');

/** Shown once, after enrolment or regeneration: the user copies or downloads them. */
const recoveryCodesView = z.object({
  recoveryCodes: z
    .array(z.string())
    .describe('Ten one-time recovery codes, shown this once (only their hashes are kept)'),
});
const recoveryCodesLeft = z
  .number()
  .int()
  .min(0)
  .describe('Unused recovery codes; the console warns at 2 or fewer');
/** A session opened by the code step: with how many recovery codes are left. */
const secondFactorSessionView = sessionView.extend({ recoveryCodesLeft });

const enrolmentView = z.object({
  secret: z.string(),
  otpauthUri: z.string(),
  qrDataUrl: z.string(),
});

/** The secret (and recovery codes) are shown once and must not sit in any cache. */
function noStore<T>(reply: FastifyReply, body: T): T {
  void reply.header('cache-control', 'no-store');
  return body;
}
const sendEnrolment = (reply: FastifyReply, enrolment: Enrolment) => noStore(reply, enrolment);

export function mfaRoutes(ctx: ModuleContext) {
  const deps = mfaDeps(ctx);
  // The public steps cost like a sign-in: the same limit per client address.
  const limited = (name: string) => ({
    access: { public: true } as const,
    rateLimit: {
      max: ctx.config.loginRateLimitPerMinute,
      timeWindow: '1 minute',
      keyGenerator: (req: { ip: string }) => `${name}:${req.ip}`,
    },
  });
  return async (app: App) => {
    const tags = ['auth'];
    app.post(
      '/auth/login/mfa',
      {
        schema: {
          tags,
          summary: 'Second sign-in step: the code from the authenticator app (each code works once)',
          body: z.strictObject({ challenge, code }),
          security: [],
          response: { 200: secondFactorSessionView },
        },
        config: limited('mfa'),
      },
      async (request, reply) => {
        const session = sessionContext(request, ctx);
        const done = await completeSignIn(deps, request.body, session);
        const result = await openSession(ctx.db, done.user, done.actor, session, ctx.clock.now(), {
          secondFactor: 'totp',
        });
        return { ...sendSession(ctx, request, reply, result), recoveryCodesLeft: done.recoveryCodesLeft };
      },
    );
    app.post(
      '/auth/login/mfa/recovery',
      {
        schema: {
          tags,
          summary: 'Second sign-in step with a recovery code instead of a code from the app (lost phone)',
          description:
            'Each recovery code works once; the answer says how many are left. A wrong or used one ' +
            'counts as a wrong code (401 with details.reason recovery_code_wrong or recovery_code_used; ' +
            'after 5 in a row 429 RATE_LIMITED). Audited as auth.mfa_recovery_code_used.',
          body: z.strictObject({ challenge, recoveryCode }),
          security: [],
          response: { 200: secondFactorSessionView },
        },
        // The same limit as the code step: a recovery code is one more guess at the second factor.
        config: limited('mfa'),
      },
      async (request, reply) => {
        const session = sessionContext(request, ctx);
        const done = await completeSignInWithRecoveryCode(deps, request.body, session);
        const result = await openSession(ctx.db, done.user, done.actor, session, ctx.clock.now(), {
          secondFactor: 'recovery_code',
        });
        return { ...sendSession(ctx, request, reply, result), recoveryCodesLeft: done.recoveryCodesLeft };
      },
    );
    app.post(
      '/auth/login/mfa/enrolment',
      {
        schema: {
          tags,
          summary:
            'During a sign-in that must enrol a second factor: a new secret, its otpauth URI and QR code',
          body: z.strictObject({ challenge }),
          security: [],
          response: { 200: enrolmentView },
        },
        config: limited('mfa-enrol'),
      },
      async (request, reply) =>
        sendEnrolment(reply, await startEnrolmentForChallenge(deps, request.body.challenge)),
    );
    app.post(
      '/auth/login/mfa/enrolment/confirm',
      {
        schema: {
          tags,
          summary:
            'The first code from the app confirms the enrolment and completes the sign-in; ' +
            'the answer carries the ten recovery codes, shown this once',
          body: z.strictObject({ challenge, code }),
          security: [],
          response: { 200: sessionView.extend(recoveryCodesView.shape) },
        },
        config: limited('mfa'),
      },
      async (request, reply) => {
        const session = sessionContext(request, ctx);
        const done = await completeEnrolment(deps, request.body, session);
        const result = await openSession(ctx.db, done.user, done.actor, session, ctx.clock.now(), {
          secondFactor: 'totp',
          enrolled: true,
        });
        return noStore(reply, {
          ...sendSession(ctx, request, reply, result),
          recoveryCodes: done.recoveryCodes,
        });
      },
    );

    app.get(
      '/auth/mfa',
      {
        schema: {
          tags,
          summary: 'Your second factor: enrolled or not, whether you must use one, recovery codes left',
          response: {
            200: z.object({
              enrolled: z.boolean(),
              enrolledAt: z.iso.datetime().nullable(),
              required: z.boolean(),
              recoveryCodesLeft,
            }),
          },
        },
        config: { access: { authenticated: true } },
      },
      async (request) => {
        const status = await mfaStatus(deps, requirePrincipal(request));
        return { ...status, enrolledAt: status.enrolledAt?.toISOString() ?? null };
      },
    );
    app.post(
      '/auth/mfa/enrolment',
      {
        schema: {
          tags,
          summary: 'Start enrolling a second factor: a new secret, its otpauth URI and QR code',
          // No body, or an empty object: anything else is a client's mistake, not to be ignored.
          body: z.strictObject({}).nullish(),
          response: { 200: enrolmentView },
        },
        config: { access: { authenticated: true } },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        if (principal.via !== 'session')
          throw new AppError(
            'FORBIDDEN',
            'A second factor is enrolled in a signed-in session, not with an API token',
          );
        return sendEnrolment(
          reply,
          await startEnrolment(deps, { id: principal.userId, login: principal.login }),
        );
      },
    );
    app.post(
      '/auth/mfa/enrolment/confirm',
      {
        schema: {
          tags,
          summary:
            'Confirm the enrolment with the first code from the app; the answer carries the ten ' +
            'recovery codes, shown this once',
          body: z.strictObject({ code }),
          response: { 200: recoveryCodesView },
        },
        config: {
          access: { authenticated: true },
          rateLimit: {
            max: ctx.config.loginRateLimitPerMinute,
            timeWindow: '1 minute',
            keyGenerator: (req) => `mfa-confirm:${req.ip}`,
          },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request, ctx.clock);
        if (caller.principal.via !== 'session')
          throw new AppError(
            'FORBIDDEN',
            'A second factor is enrolled in a signed-in session, not with an API token',
          );
        return noStore(reply, { recoveryCodes: await confirmEnrolment(deps, caller, request.body.code) });
      },
    );
    app.post(
      '/auth/mfa/recovery-codes',
      {
        schema: {
          tags,
          summary: 'New recovery codes (the old ones stop working), shown this once',
          description:
            'Needs a current code from the authenticator app (`code`) or your password (`password`), ' +
            'one of them. A wrong one counts as a wrong code (400 on body.code, 422 on body.password; ' +
            'after 5 in a row 429 RATE_LIMITED). 409 CONFLICT (details.reason mfa_not_enrolled) ' +
            'without a second factor. Audited as auth.mfa_recovery_codes_issued.',
          body: z.strictObject({ code: code.optional(), password: z.string().min(1).max(128).optional() }),
          response: { 200: recoveryCodesView },
        },
        config: {
          access: { authenticated: true },
          // Each try may cost a password hash, and is a guess at the second factor.
          rateLimit: {
            max: ctx.config.loginRateLimitPerMinute,
            timeWindow: '1 minute',
            keyGenerator: (req) => `mfa-recovery-codes:${req.ip}`,
          },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request, ctx.clock);
        if (caller.principal.via !== 'session')
          throw new AppError(
            'FORBIDDEN',
            'Recovery codes are made in a signed-in session, not with an API token',
          );
        return noStore(reply, { recoveryCodes: await regenerateRecoveryCodes(deps, caller, request.body) });
      },
    );

    app.delete(
      '/users/:id/mfa',
      {
        schema: {
          tags: ['users'],
          summary:
            "Reset a user's second factor (lost phone): they enrol again at their next sign-in; their sessions end and their recovery codes are void",
          params: idParams,
          response: { 204: z.null() },
        },
        config: { access: { permission: 'mfa.reset' } },
      },
      async (request, reply) => {
        await resetMfa(deps, callerOf(request, ctx.clock), request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
