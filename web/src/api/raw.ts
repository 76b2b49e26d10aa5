// Calls the typed client does not carry (a file as the request body, an answer read as a stream),
// kept out of client.ts so that the login page does not load them.
import { sessionHooks } from './client.ts';
import { toApiError, type ApiError } from './errors.ts';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * fetch() for what the typed client does not carry — a file as the request body, an answer read
 * as a stream — with the same session rules: CSRF token on changes, back to login on a 401.
 * A network failure is an ApiError with status 0; other answers are returned as they are.
 */
export async function sessionFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase();
  const headers = new Headers(init.headers);
  const csrf = sessionHooks.csrfToken();
  if (UNSAFE.has(method) && csrf) headers.set('X-CSRF-Token', csrf);
  let response: Response;
  try {
    response = await fetch(path, { credentials: 'same-origin', ...init, method, headers });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw toApiError(0, undefined);
  }
  if (response.status === 401) sessionHooks.unauthenticated();
  return response;
}

/** The ApiError of a failed answer obtained with sessionFetch (its JSON error body, if any). */
export async function errorOf(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  return toApiError(response.status, body);
}
