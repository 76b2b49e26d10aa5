import createClient, { type Middleware } from 'openapi-fetch';
import { ApiError, toApiError } from './errors.ts';
import type { ApiPaths } from './paths.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Session state the client needs: the CSRF token echoed on unsafe methods (the session itself is
 * the HttpOnly cookie, which the browser sends), and who to tell when the session is gone.
 */
const session: { csrfToken: string | null; onUnauthenticated: () => void } = {
  csrfToken: null,
  onUnauthenticated: () => {},
};

export function setCsrfToken(token: string | null): void {
  session.csrfToken = token;
}

export function onUnauthenticated(handler: () => void): () => void {
  session.onUnauthenticated = handler;
  return () => {
    if (session.onUnauthenticated === handler) session.onUnauthenticated = () => {};
  };
}

const sessionMiddleware: Middleware = {
  onRequest({ request }) {
    if (UNSAFE.has(request.method) && session.csrfToken) {
      request.headers.set('X-CSRF-Token', session.csrfToken);
    }
    return request;
  },
  onResponse({ request, response }) {
    // A 401 anywhere but the login call itself means the session ended: back to the login page.
    if (response.status === 401 && !new URL(request.url).pathname.endsWith('/auth/login')) {
      session.onUnauthenticated();
    }
    return response;
  },
};

/** The typed API client (types generated from the server's OpenAPI document). */
export const api = createClient<ApiPaths>({
  baseUrl: typeof window === 'undefined' ? 'http://localhost' : window.location.origin,
  credentials: 'same-origin',
});
api.use(sessionMiddleware);

/**
 * Awaits an openapi-fetch call and returns its data, or throws an ApiError with the server's
 * `{code, message, details}` (status 0 when the server could not be reached).
 */
export async function ok<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<Exclude<T, undefined>> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw toApiError(0, undefined);
  }
  if (!result.response.ok) throw toApiError(result.response.status, result.error);
  return result.data as Exclude<T, undefined>;
}

export { ApiError };

/** For calls outside the typed client (api/raw.ts): the CSRF token and the session-ended signal. */
export const sessionHooks = {
  csrfToken: (): string | null => session.csrfToken,
  unauthenticated: (): void => session.onUnauthenticated(),
};
