import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { App } from '../../platform/http/app.ts';
import { requirePrincipal, SESSION_COOKIE, type Principal } from '../../platform/http/auth.ts';
import { actorOf, login, logout } from './auth.service.ts';
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
function cookieSecure(ctx: ModuleContext, request: FastifyRequest): boolean {
  return ctx.config.cookieSecure === 'always' || request.protocol === 'https';
}

export function authRoutes(ctx: ModuleContext) {
  return async (app: App) => {
    app.post(
      '/auth/login',
      {
        schema: {
          tags: ['auth'],
          summary:
            'Sign in with login and password; returns a session token (also set as an HttpOnly cookie)',
          description:
            'After ONEPOINT_LOGIN_LOCKOUT_THRESHOLD failed sign-ins in a row (default 5) the login is ' +
            'locked for a growing time: 423 ACCOUNT_LOCKED with Retry-After and details.lockedUntil, ' +
            'the same for a login that does not exist. An administrator may unlock it (POST /users/{id}/unlock).',
          body: loginBody,
          security: [],
          response: {
            200: z.object({
              token: z.string(),
              csrfToken: z.string(),
              expiresAt: z.iso.datetime(),
              user: principalView,
            }),
          },
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
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
          requestId: String(request.id),
          ttlHours: ctx.config.sessionTtlHours,
          lockout: lockoutPolicy(ctx),
          clock: ctx.clock,
        });
        void reply.setCookie(SESSION_COOKIE, result.token, {
          httpOnly: true,
          sameSite: 'strict',
          secure: cookieSecure(ctx, request),
          path: '/',
          expires: result.expiresAt,
        });
        return {
          token: result.token,
          csrfToken: result.csrfToken,
          expiresAt: result.expiresAt.toISOString(),
          user: viewPrincipal(result.principal),
        };
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
