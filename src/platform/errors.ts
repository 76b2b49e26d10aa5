/**
 * One error type for the whole platform. `code` is stable (clients may branch on it);
 * `message` is for people; `details` names fields or limits where useful.
 */
export const errorStatus = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  /** A session ended by its absolute lifetime or by idleness: sign in again. */
  SESSION_EXPIRED: 401,
  /** An API token past its expiry: issue a new one. */
  TOKEN_EXPIRED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  /** A workflow action not allowed in the record's state; details name the allowed ones. */
  TRANSITION_NOT_ALLOWED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  /** An Idempotency-Key used before with a different request body. */
  IDEMPOTENCY_KEY_REUSED: 422,
  /** A login locked after repeated failed sign-ins; details say until when (and Retry-After). */
  ACCOUNT_LOCKED: 423,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    status?: number,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = status ?? errorStatus[code];
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const forbidden = (why = 'You do not have permission for this action') =>
  new AppError('FORBIDDEN', why);
export const conflict = (message: string, details?: unknown) => new AppError('CONFLICT', message, details);
export const unprocessable = (message: string, details?: unknown) =>
  new AppError('UNPROCESSABLE', message, details);

/** A 400 naming one field, in the same shape as schema validation errors (never the value). */
export function invalidField(field: string, message: string, extra?: Record<string, unknown>): AppError {
  return new AppError('VALIDATION_FAILED', `Invalid input — ${field}: ${message}`, {
    fields: [{ field, message }],
    ...extra,
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

/**
 * A 409 for optimistic concurrency: the record moved on since the client read it. With the
 * version the client sent, both are named; `details.currentVersion` lets a client reload.
 */
export function versionConflict(what: string, current: number, sent?: number): AppError {
  const versions = sent === undefined ? `now version ${current}` : `version ${current}, you sent ${sent}`;
  return new AppError('CONFLICT', `The ${what} was changed by someone else (${versions}); reload and retry`, {
    currentVersion: current,
  });
}

/** A 409 for a write that lost a race after its checks passed (the guarded UPDATE touched no row). */
export const concurrentChange = (what: string): AppError =>
  new AppError('CONFLICT', `The ${what} was changed by someone else; reload and retry`);

interface PgLikeError {
  code?: string;
  constraint?: string;
  detail?: string;
  column?: string;
  table?: string;
}

/** Maps a database error (pg or PGlite, same SQLSTATEs) to an AppError; undefined if not one. */
export function fromDatabaseError(err: unknown): AppError | undefined {
  const e = err as PgLikeError;
  if (typeof e?.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code)) return undefined;
  const info = { constraint: e.constraint, table: e.table, column: e.column };
  switch (e.code) {
    case '23505':
      return new AppError('CONFLICT', 'A record with the same unique value already exists', info);
    case '23503':
      return new AppError(
        'UNPROCESSABLE',
        'The record refers to something that does not exist or is in use',
        info,
      );
    case '23502':
    case '23514':
    case '23P01':
      return new AppError('UNPROCESSABLE', 'The record breaks a data rule', info);
    case '22001':
    case '22003':
    case '22007':
    case '22008':
    case '22P02':
      return new AppError('UNPROCESSABLE', 'A value has the wrong form or is out of range', info);
    case '40001':
    case '40P01':
    case '55P03':
      return new AppError('SERVICE_UNAVAILABLE', 'The database was busy; please retry', {
        retryAfterSeconds: 1,
      });
    case '57P01':
    case '57P03':
    case '08000':
    case '08003':
    case '08006':
      return new AppError('SERVICE_UNAVAILABLE', 'The database is not available; please retry', {
        retryAfterSeconds: 5,
      });
    default:
      return undefined;
  }
}
