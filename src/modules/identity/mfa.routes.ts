/** The second factor (TOTP): the code step of a sign-in, enrolment, status, the administrator's reset. */
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
  confirmEnrolment,
  mfaDeps,
  mfaStatus,
  resetMfa,
  startEnrolment,
  startEnrolmentForChallenge,
  type Enrolment,
} from './mfa.service.ts';
import { AppError } from '../../platform/errors.ts';

const challenge = z.string().min(10).max(200);
/** Six digits; spaces and dashes as apps show them are ignored. */
const code = z
  .string()
  .trim()
  .max(20)
  .regex(/^[\d\s-]+$/, 'must be the 6-digit code from your authenticator app');

const enrolmentView = z.object({
  secret: z.string(),
  otpauthUri: z.string(),
  qrDataUrl: z.string(),
});

/** The secret is shown once and must not sit in any cache. */
function sendEnrolment(reply: FastifyReply, enrolment: Enrolment) {
  void reply.header('cache-control', 'no-store');
  return enrolment;
}

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
          response: { 200: sessionView },
        },
        config: limited('mfa'),
      },
      async (request, reply) => {
        const session = sessionContext(request, ctx);
        const done = await completeSignIn(deps, request.body, session);
        const result = await openSession(ctx.db, done.user, done.actor, session, ctx.clock.now(), {
          secondFactor: 'totp',
        });
        return sendSession(ctx, request, reply, result);
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
          summary: 'The first code from the app confirms the enrolment and completes the sign-in',
          body: z.strictObject({ challenge, code }),
          security: [],
          response: { 200: sessionView },
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
        return sendSession(ctx, request, reply, result);
      },
    );

    app.get(
      '/auth/mfa',
      {
        schema: {
          tags,
          summary: 'Your second factor: enrolled or not, and whether you must use one',
          response: {
            200: z.object({
              enrolled: z.boolean(),
              enrolledAt: z.iso.datetime().nullable(),
              required: z.boolean(),
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
          summary: 'Confirm the enrolment with the first code from the app',
          body: z.strictObject({ code }),
          response: { 204: z.null() },
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
        await confirmEnrolment(deps, caller, request.body.code);
        return reply.status(204).send(null);
      },
    );

    app.delete(
      '/users/:id/mfa',
      {
        schema: {
          tags: ['users'],
          summary:
            "Reset a user's second factor (lost phone): they enrol again at their next sign-in; their sessions end",
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
