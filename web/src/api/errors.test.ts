import { describe, expect, it } from 'vitest';
import {
  accountLock,
  ApiError,
  codeForStatus,
  isVersionConflict,
  errorKind,
  invalidFields,
  passwordRule,
  toApiError,
} from './errors.ts';

describe('API errors', () => {
  it('keeps the server’s code, message and details', () => {
    const e = toApiError(409, { code: 'CONFLICT', message: 'changed', details: { version: 3 } });
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.code, e.message, e.details]).toEqual([409, 'CONFLICT', 'changed', { version: 3 }]);
  });

  it('copes with a body that is not the error model (a proxy’s HTML, no network)', () => {
    expect(toApiError(502, '<html>').code).toBe('HTTP_502');
    expect(toApiError(0, undefined).code).toBe('NETWORK');
  });

  it('tells what the console must do', () => {
    const kind = (status: number) => errorKind(toApiError(status, { code: 'X', message: 'x' }));
    expect([401, 403, 404, 409, 400, 422, 429, 503, 0, 500].map(kind)).toEqual([
      'unauthenticated',
      'forbidden',
      'notFound',
      'conflict',
      'invalid',
      'invalid',
      'unavailable',
      'unavailable',
      'unavailable',
      'failed',
    ]);
    expect(errorKind(new TypeError('boom'))).toBe('failed');
  });

  it('finds a text for any status (never "HTTP 500" on screen)', () => {
    expect([0, 400, 403, 404, 409, 422, 429, 500, 502, 503, 418].map(codeForStatus)).toEqual([
      'NETWORK',
      'VALIDATION_FAILED',
      'FORBIDDEN',
      'NOT_FOUND',
      'CONFLICT',
      'UNPROCESSABLE',
      'RATE_LIMITED',
      'INTERNAL',
      'SERVICE_UNAVAILABLE',
      'SERVICE_UNAVAILABLE',
      'INTERNAL',
    ]);
  });

  it('names the fields a validation error points at', () => {
    const e = toApiError(400, {
      code: 'VALIDATION_FAILED',
      message: 'Invalid input',
      details: { fields: [{ field: 'body.login', message: 'too short' }, { field: 'body.roles.0' }] },
    });
    expect(invalidFields(e)).toEqual(['login', 'roles.0']);
    expect(invalidFields(new Error('x'))).toEqual([]);
  });

  it('reads a lock’s end and the password rule broken from the details', () => {
    const locked = toApiError(423, {
      code: 'ACCOUNT_LOCKED',
      message: 'locked',
      details: { lockedUntil: '2026-12-07T10:02:00.000Z', retryAfterSeconds: 61 },
    });
    expect(accountLock(locked)).toEqual({ until: '2026-12-07T10:02:00.000Z', minutes: 2 });
    expect(accountLock(toApiError(401, { code: 'UNAUTHENTICATED', message: 'x' }))).toBeUndefined();
    const weak = toApiError(400, {
      code: 'VALIDATION_FAILED',
      message: 'x',
      details: { passwordRule: 'common' },
    });
    expect(passwordRule(weak)).toBe('common');
    expect(passwordRule(toApiError(400, { code: 'VALIDATION_FAILED', message: 'x' }))).toBeUndefined();
  });
});

describe('a version conflict', () => {
  it('is a 409 naming the current version or a lost race, not any 409', () => {
    expect(
      isVersionConflict(
        new ApiError(
          409,
          'CONFLICT',
          'The role was changed by someone else (version 3, you sent 2); reload and retry',
          { currentVersion: 3 },
        ),
      ),
    ).toBe(true);
    expect(
      isVersionConflict(
        new ApiError(409, 'CONFLICT', 'The service instance was changed by someone else; reload and retry'),
      ),
    ).toBe(true);
    expect(
      isVersionConflict(new ApiError(409, 'CONFLICT', 'A record with the same unique value already exists')),
    ).toBe(false);
    expect(isVersionConflict(new ApiError(409, 'CONFLICT', 'state: cannot move', { state: 'open' }))).toBe(
      false,
    );
    expect(isVersionConflict(new ApiError(400, 'VALIDATION_FAILED', 'changed by someone else'))).toBe(false);
  });
});
