import { describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './auth.ts';
import { callerFor, callerOf, scopeFromPath } from './caller.ts';

const principal: Principal = {
  userId: 'u1',
  login: 'agent',
  displayName: 'Agent',
  orgUnitId: 'o2',
  roles: [],
  permissions: new Set(),
  scopePath: '/o1/o2/',
  via: 'api_token',
  credentialId: 't1',
};

describe('caller', () => {
  it('is built once per request, with one now from the clock', () => {
    let ticks = 0;
    const clock = { now: () => new Date(Date.UTC(2026, 0, 1, 0, 0, ticks++)) };
    const request = { principal, ip: '10.0.0.1', id: 'req-1' } as unknown as FastifyRequest;
    const a = callerOf(request, clock);
    const b = callerOf(request, clock);
    expect(b).toBe(a);
    expect(ticks).toBe(1);
    expect(a.actor).toEqual({
      actorId: 'u1',
      actorLogin: 'agent',
      actorKind: 'api_token',
      ip: '10.0.0.1',
      requestId: 'req-1',
    });
    expect(a.scope).toEqual({ path: '/o1/o2/', all: false });
  });

  it('sees the whole tree from its root', () => {
    expect(scopeFromPath('/o1/')).toEqual({ path: '/o1/', all: true });
    expect(callerFor({ ...principal, scopePath: '/o1/' }, { now: () => new Date(0) }).scope.all).toBe(true);
  });
});
