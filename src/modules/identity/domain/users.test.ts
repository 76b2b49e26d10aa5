import { describe, expect, it } from 'vitest';
import { selfChangeProblem } from './users.ts';

describe('changing your own account', () => {
  const me = { id: 'u1', roles: ['admin', 'supervisor'] };
  it('refuses disabling yourself', () => {
    expect(selfChangeProblem('u1', me, { status: 'disabled' })).toMatchObject({ field: 'status' });
  });
  it('refuses dropping your own admin role', () => {
    expect(selfChangeProblem('u1', me, { roles: ['supervisor'] })).toMatchObject({ field: 'roles' });
  });
  it('allows other changes to yourself', () => {
    expect(selfChangeProblem('u1', me, { roles: ['admin'] })).toBeUndefined();
    expect(selfChangeProblem('u1', me, { status: 'active' })).toBeUndefined();
    expect(selfChangeProblem('u1', { id: 'u1', roles: ['agent'] }, { roles: [] })).toBeUndefined();
  });
  it('does not restrict changes to other users', () => {
    expect(selfChangeProblem('u2', me, { status: 'disabled', roles: [] })).toBeUndefined();
  });
});
