import type { FastifyReply, FastifyRequest } from 'fastify';

/** The authenticated caller. The platform knows nothing else about users. */
export interface Principal {
  userId: string;
  login: string;
  displayName: string;
  orgUnitId: string;
  roles: string[];
  permissions: ReadonlySet<string>;
  /** Materialised path of the caller's data-scope root in the org tree. */
  scopePath: string;
  via: 'session' | 'api_token';
  credentialId: string;
  /** Set for cookie sessions: unsafe methods must echo it in X-CSRF-Token. */
  csrfToken?: string | undefined;
}

export interface Authenticator {
  /** Resolves a bearer secret (session or API token) to a principal; undefined if invalid. */
  authenticate(token: string, request: FastifyRequest): Promise<Principal | undefined>;
}

/** The caller's data scope, resolved by the module that owns the org tree. */
export interface ScopeResolver {
  /** The org units the caller's scope covers, or undefined when it covers everything. */
  unitIds(principal: Principal): Promise<string[] | undefined>;
}

/**
 * Every route says who may call it. 'public' needs nothing, 'authenticated' any valid caller,
 * otherwise the named permission, or any one of several (a read that two separate duties need).
 * Routes under the API prefixes without it refuse to register.
 */
export type RouteAccess =
  | { public: true }
  | { authenticated: true }
  | { permission: string }
  | { anyPermission: readonly [string, ...string[]] };

/** The permissions a route accepts (any one of them suffices); empty for public/authenticated. */
export function permissionsOf(access: RouteAccess): readonly string[] {
  return 'permission' in access ? [access.permission] : 'anyPermission' in access ? access.anyPermission : [];
}

export interface RouteAccessEntry {
  method: string;
  url: string;
  access: RouteAccess;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyInstance {
    /** Every API route with its declared access rule (filled as routes register). */
    routeAccess: RouteAccessEntry[];
  }
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}

export const SESSION_COOKIE = 'op_session';

export function bearerOf(request: FastifyRequest): { token: string; fromCookie: boolean } | undefined {
  const header = request.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    return m ? { token: m[1]!, fromCookie: false } : undefined;
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  return cookie ? { token: cookie, fromCookie: true } : undefined;
}

/** The caller, or a 401 if none: for use inside handlers of non-public routes. */
export function requirePrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('route reached without a principal');
  return request.principal;
}

export type { FastifyReply };
