import type { ZodError } from 'zod';
import { AppError } from '../errors.ts';

/** TM Forum APIs live under this prefix; their errors use the TMF `Error` shape. */
export const TMF_API_PREFIX = '/tmf-api/';

export const isTmfUrl = (url: string): boolean => url.startsWith(TMF_API_PREFIX);

/** The TMF `Error` body (TMF630; the same in every v4/v5 API): code and status are strings. */
export interface TmfErrorBody {
  '@type': 'Error';
  code: string;
  status: string;
  reason: string;
  message: string;
}

/**
 * Our error in the TMF shape: `code` `ERR404`, `status` `"404"`, `reason` our stable code
 * (clients may branch on it), `message` for people (the caller masks personal data in it).
 */
export function tmfErrorBody(error: AppError, message = error.message): TmfErrorBody {
  return {
    '@type': 'Error',
    code: `ERR${error.status}`,
    status: String(error.status),
    reason: error.code,
    message,
  };
}

/**
 * A schema failure of a TMF body as one 400 naming the attribute by its TMF path. `rename`
 * turns an internal field name into the TMF attribute a client sent (e.g. phone → contactMedium…).
 */
export function invalidTmfInput(error: ZodError, rename: (field: string) => string = (f) => f): AppError {
  const fields = error.issues.map((i) => ({
    field: rename(i.path.map(String).join('.')),
    message: i.message,
  }));
  const first = fields[0] ?? { field: 'body', message: 'is invalid' };
  return new AppError('VALIDATION_FAILED', `Invalid input — ${first.field || 'body'}: ${first.message}`, {
    fields,
  });
}

/** One refused attribute, named by its TMF path. */
export const invalidTmfAttribute = (field: string, message: string): AppError =>
  new AppError('VALIDATION_FAILED', `Invalid input — ${field}: ${message}`, { fields: [{ field, message }] });
