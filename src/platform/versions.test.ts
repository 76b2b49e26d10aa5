import { describe, expect, it } from 'vitest';
import { AppError } from './errors.ts';
import { assertOneUpdated, checkVersion } from './versions.ts';

describe('optimistic version checks', () => {
  it('accepts the current version and a missing one', () => {
    expect(() => checkVersion('customer', 3, 3)).not.toThrow();
    expect(() => checkVersion('customer', 3, undefined)).not.toThrow();
  });

  it('refuses a stale version with 409, naming both versions', () => {
    let err: unknown;
    try {
      checkVersion('contact', 4, 2);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(409);
    expect((err as AppError).message).toContain('version 4, you sent 2');
    expect((err as AppError).details).toEqual({ currentVersion: 4 });
  });

  it('treats an update that touched no row as a concurrent change', () => {
    expect(() => assertOneUpdated('customer', 1n)).not.toThrow();
    expect(() => assertOneUpdated('customer', 0n)).toThrow(/changed by someone else/);
  });
});
