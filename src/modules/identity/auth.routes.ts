import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { requirePrincipal, SESSION_COOKIE, type Principal } from '../../platform/http/auth.ts';
import { actorOf, login, logout, type LoginResult } from './auth.service.ts';
import { mfaDeps, secondFactorStep } from './mfa.service.ts';
import type { ModuleContext } from './identity.tables.ts';
import { callerOf } from './caller.ts';
import type { LockoutPolicy } from './domain/lockout.ts';
import { changeOwnPasswordBody } from './identity.schemas.ts';
import { changeOwnPassword } from './users.service.ts';

export const principalView = z.object({
  id: z.string(),
  login: z.string(),
  displayName: z.string(),
  orgUnitId: z.string(),
  roles: z.array(z.string()),
  permissions: z.array(z.string()),
});

export function viewPrincipal(p: Principal): z.infer<typeof principalView> {
  return {
    id: p.userId,
    login: p.login,
    displayName: p.displayName,
    orgUnitId: p.orgUnitId,
    roles: p.roles,
    permissions: [...p.permissions].sort(),
  };
}

const loginBody = z.strictObject({
  login: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(128),
});

/** A signed-in session (also set as the HttpOnly cookie). */
export const sessionView = z.object({
  status: z.literal('ok'),
  token: z.string(),
  csrfToken: z.string(),
  expiresAt: z.iso.datetime(),
  user: principalView,
});

/** After a correct password, when a second factor comes next: no session yet, a short-lived step. */
export const challengeView = z.object({
  status: z.enum(['mfa_required', 'mfa_enrolment_required']),
  challenge: z.string(),
  challengeExpiresAt: z.iso.datetime(),
});

/** Sets the session cookie and answers with the session (sign-in, and its second-factor step). */
export function sendSession(
  ctx: ModuleContext,
  request: FastifyRequest,
  reply: FastifyReply,
  result: LoginResult,
): z.infer<typeof sessionView> {
  void reply.setCookie(SESSION_COOKIE, result.token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: cookieSecure(ctx, request),
    path: '/',
    expires: result.expiresAt,
  });
  return {
    status: 'ok',
    token: result.token,
    csrfToken: result.csrfToken,
    expiresAt: result.expiresAt.toISOString(),
    user: viewPrincipal(result.principal),
  };
}

export const sessionContext = (request: FastifyRequest, ctx: ModuleContext) => ({
  ip: request.ip,
  userAgent: request.headers['user-agent'] ?? null,
  requestId: String(request.id),
  ttlHours: ctx.config.sessionTtlHours,
  clock: ctx.clock,
});

export function lockoutPolicy(ctx: ModuleContext): LockoutPolicy {
  return {
    threshold: ctx.config.loginLockoutThreshold,
    baseMinutes: ctx.config.loginLockoutMinutes,
    maxMinutes: ctx.config.loginLockoutMaxMinutes,
  };
}

/**
 * `Secure` when the request came over HTTPS — directly, or per X-Forwarded-Proto from a proxy in
 * ONEPOINT_TRUST_PROXY (request.protocol trusts no one else) — or always when so configured.
 */
export function cookieSecure(ctx: ModuleContext, request: FastifyRequest): boolean {
  return ctx.config.cookieSecure === 'always' || request.protocol === 'https';
}

export function authRoutes(ctx: ModuleContext) {
  const mfa = mfaDeps(ctx);
  return async (app: App) => {
    app.post(
      '/auth/login',
      {
        schema: {
          tags: ['auth'],
          summary:
            'Sign in with login and password; returns a session token (also set as an HttpOnly cookie), ' +
            'or — for users with a second factor, or who must enrol one (ONEPOINT_REQUIRE_MFA) — a ' +
            'short-lived challenge for POST /auth/login/mfa (or /auth/login/mfa/enrolment)',
          description:
            'After ONEPOINT_LOGIN_LOCKOUT_THRESHOLD failed sign-ins in a row (default 5) the login is ' +
            'locked for a growing time: 423 ACCOUNT_LOCKED with Retry-After and details.lockedUntil, ' +
            'the same for a login that does not exist. An administrator may unlock it (POST /users/{id}/unlock).',
          body: loginBody,
          security: [],
          response: { 200: z.discriminatedUnion('status', [sessionView, challengeView]) },
        },
        config: {
          access: { public: true },
          rateLimit: {
            max: ctx.config.loginRateLimitPerMinute,
            timeWindow: '1 minute',
            keyGenerator: (req) => `login:${req.ip}`,
          },
        },
      },
      async (request, reply) => {
        const result = await login(ctx.db, request.body, {
          ...sessionContext(request, ctx),
          lockout: lockoutPolicy(ctx),
          secondFactor: (user, actor) => secondFactorStep(mfa, user, actor),
        });
        if (result.status !== 'ok')
          return { ...result, challengeExpiresAt: result.challengeExpiresAt.toISOString() };
        return sendSession(ctx, request, reply, result);
      },
    );

    app.post(
      '/auth/logout',
      {
        schema: { tags: ['auth'], summary: 'End the current session', response: { 204: z.null() } },
        config: { access: { authenticated: true } },
      },
      async (request, reply) => {
        const principal = requirePrincipal(request);
        await logout(ctx.db, principal, actorOf(principal, request), ctx.clock);
        void reply.clearCookie(SESSION_COOKIE, { path: '/', secure: cookieSecure(ctx, request) });
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/auth/password',
      {
        schema: {
          tags: ['auth'],
          summary: 'Change your own password (your other sessions end)',
          body: changeOwnPasswordBody,
          response: { 204: z.null() },
        },
        config: {
          access: { authenticated: true },
          // Each attempt costs a password hash; a stolen session must not guess the password quickly.
          rateLimit: {
            max: ctx.config.loginRateLimitPerMinute,
            timeWindow: '1 minute',
            keyGenerator: (req) => `password:${req.ip}`,
          },
        },
      },
      async (request, reply) => {
        await changeOwnPassword(ctx.db, callerOf(request, ctx.clock), request.body);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/auth/me',
      {
        schema: {
          tags: ['auth'],
          summary: 'The signed-in user, roles and permissions',
          response: { 200: principalView.extend({ csrfToken: z.string().nullable() }) },
        },
        config: { access: { authenticated: true } },
      },
      async (request) => {
        const p = requirePrincipal(request);
        return { ...viewPrincipal(p), csrfToken: p.csrfToken ?? null };
      },
    );
  };
}
