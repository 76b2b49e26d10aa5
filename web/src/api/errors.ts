/** The server's one error model: `{code, message, details?}` with an HTTP status. */
export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Builds an ApiError from a response and its (possibly non-JSON) body; status 0 = network failure. */
export function toApiError(status: number, body: unknown): ApiError {
  const b = body as Partial<ErrorBody> | undefined;
  if (b && typeof b === 'object' && typeof b.code === 'string') {
    return new ApiError(status, b.code, typeof b.message === 'string' ? b.message : b.code, b.details);
  }
  return new ApiError(status, status === 0 ? 'NETWORK' : `HTTP_${status}`, `HTTP ${status}`);
}

/** How the console reacts to a failed call: what a person sees instead of a blank page. */
export type ErrorKind =
  'unauthenticated' | 'forbidden' | 'notFound' | 'conflict' | 'invalid' | 'unavailable' | 'failed';

export function errorKind(err: unknown): ErrorKind {
  if (!(err instanceof ApiError)) return 'failed';
  if (err.status === 401) return 'unauthenticated';
  if (err.status === 403) return 'forbidden';
  if (err.status === 404) return 'notFound';
  if (err.status === 409) return 'conflict';
  if (err.status === 400 || err.status === 422) return 'invalid';
  if (err.status === 0 || err.status === 429 || err.status >= 502) return 'unavailable';
  return 'failed';
}

/** A login locked after failed sign-ins (423 ACCOUNT_LOCKED): until when, and minutes to wait. */
export function accountLock(err: unknown): { until: string; minutes: number } | undefined {
  if (!(err instanceof ApiError) || err.code !== 'ACCOUNT_LOCKED') return undefined;
  const d = err.details as { lockedUntil?: unknown; retryAfterSeconds?: unknown } | undefined;
  if (typeof d?.lockedUntil !== 'string') return undefined;
  const seconds = typeof d.retryAfterSeconds === 'number' ? d.retryAfterSeconds : 60;
  return { until: d.lockedUntil, minutes: Math.max(1, Math.ceil(seconds / 60)) };
}

/** The password-policy rule a new password broke (`details.passwordRule`), if that was the error. */
export function passwordRule(err: unknown): 'length' | 'classes' | 'login' | 'common' | undefined {
  if (!(err instanceof ApiError)) return undefined;
  const rule = (err.details as { passwordRule?: unknown } | undefined)?.passwordRule;
  return rule === 'length' || rule === 'classes' || rule === 'login' || rule === 'common' ? rule : undefined;
}

/**
 * The error code whose text fits an error the console has no text for (a code it does not know, or
 * an answer that was not the error model, e.g. a proxy's HTML page): by its HTTP status.
 */
export function codeForStatus(status: number): string {
  if (status === 0) return 'NETWORK';
  if (status === 400) return 'VALIDATION_FAILED';
  const byStatus: Record<number, string> = {
    401: 'UNAUTHENTICATED',
    403: 'FORBIDDEN',
    404: 'NOT_FOUND',
    405: 'METHOD_NOT_ALLOWED',
    409: 'CONFLICT',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
    422: 'UNPROCESSABLE',
    429: 'RATE_LIMITED',
  };
  return byStatus[status] ?? (status >= 502 && status <= 504 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL');
}

/** Field names the server named in a validation error (`details.fields[].field`, e.g. "body.login"). */
export function invalidFields(err: unknown): string[] {
  if (!(err instanceof ApiError)) return [];
  const fields = (err.details as { fields?: Array<{ field?: unknown }> } | undefined)?.fields;
  if (!Array.isArray(fields)) return [];
  return fields
    .map((f) => (typeof f.field === 'string' ? f.field.replace(/^(body|querystring|params)\./, '') : ''))
    .filter(Boolean);
}

export interface FieldError {
  name: Array<string | number>;
  errors: string[];
}

/**
 * A validation error's fields as form fields: `body.idNumber` → ['idNumber'],
 * `body.branches.0.name` → ['branches', 0, 'name'] (details.fields of the server's error).
 */
export function serverFieldErrors(err: unknown): FieldError[] {
  if (!(err instanceof ApiError)) return [];
  const details = err.details as
    { fields?: Array<{ field?: unknown; message?: unknown }>; field?: unknown } | undefined;
  const fields = Array.isArray(details?.fields)
    ? details.fields
    : typeof details?.field === 'string'
      ? [{ field: details.field, message: err.message }]
      : [];
  const byName = new Map<string, FieldError>();
  for (const f of fields) {
    if (typeof f.field !== 'string') continue;
    const path = f.field.replace(/^(body|querystring|params)\.?/, '');
    if (!path) continue;
    const name = path.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    const message = typeof f.message === 'string' ? f.message : err.message;
    const entry = byName.get(path) ?? { name, errors: [] };
    entry.errors.push(message);
    byName.set(path, entry);
  }
  return [...byName.values()];
}

/**
 * A 409 because the record changed since it was read (the server's versionConflict, with
 * `details.currentVersion`, or a write that lost the race): the form offers to reload. Other 409s
 * (a duplicate value, a refused state move) are said like any other error.
 */
export function isVersionConflict(err: unknown): boolean {
  if (!(err instanceof ApiError) || err.status !== 409) return false;
  const d = err.details as { currentVersion?: unknown } | undefined;
  return typeof d?.currentVersion === 'number' || /changed by someone else/.test(err.message);
}
