// Sign-in hardening (issue 9, finding 5) through HTTP, on both engines: account lockout with
// backoff and unlock, the same time for unknown and known logins, the password policy, the idle
// timeout, API token expiry, and client addresses / Secure cookies behind a configured proxy.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_LOGINS, demoId } from '../../src/seed/demo.ts';
import { createTestServer, DEMO_PASSWORD, type TestServer } from '../harness.ts';

const engine = process.env.ONEPOINT_TEST_ENGINE ?? 'pglite';
const userId = (login: string) => demoId('user', login);
const WRONG = 'Not-the-pass-42';

/** The server's clock: tests move it forward to end locks and sessions without waiting. */
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
const advance = (ms: number) => {
  offsetMs += ms;
};

let s: TestServer;
beforeAll(async () => {
  s = await createTestServer({ clock });
});
afterAll(async () => {
  await s?.close();
});

function signIn(login: string, password: string, headers: Record<string, string> = {}, server = s) {
  return server.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { login, password },
    headers,
  });
}
/** A fresh session (the harness caches its own, which the moving clock would end). */
async function bearer(login: string): Promise<{ authorization: string }> {
  const res = await signIn(login, DEMO_PASSWORD);
  expect(res.statusCode).toBe(200);
  return { authorization: `Bearer ${res.json().token}` };
}
async function call(login: string, method: InjectOptions['method'], url: string, payload?: object) {
  return s.app.inject({
    method,
    url: `/api/v1${url}`,
    headers: await bearer(login),
    ...(payload ? { payload } : {}),
  });
}
const lockedFor = (res: LightMyRequestResponse) => {
  expect(res.statusCode).toBe(423);
  const body = res.json();
  expect(body.code).toBe('ACCOUNT_LOCKED');
  expect(body.message).toMatch(/locked until .*try again in \d+ min/);
  const seconds = Number(res.headers['retry-after']);
  expect(body.details.retryAfterSeconds).toBe(seconds);
  expect(new Date(body.details.lockedUntil).getTime() - clock.now().getTime()).toBeGreaterThan(
    (seconds - 2) * 1000,
  );
  return seconds;
};
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

describe(`sign-in hardening (${engine})`, { timeout: 240_000 }, () => {
  it('the 5th failure in a row locks the login, with the time to retry; the lock grows; a success resets the count', async () => {
    for (let i = 1; i <= 4; i++) {
      const res = await signIn('staff001', WRONG);
      expect({ i, status: res.statusCode, code: res.json().code }).toEqual({
        i,
        status: 401,
        code: 'UNAUTHENTICATED',
      });
    }
    expect(lockedFor(await signIn('staff001', WRONG))).toBe(60);
    // Locked means locked: the right password is not even looked at.
    expect(lockedFor(await signIn('staff001', DEMO_PASSWORD))).toBeLessThanOrEqual(60);

    advance(61_000);
    // Lock over; one more failure locks again, twice as long (6th in a row).
    expect(lockedFor(await signIn('staff001', WRONG))).toBe(120);
    advance(121_000);
    expect((await signIn('staff001', DEMO_PASSWORD)).statusCode).toBe(200);
    // The success forgot the failures: four more are just wrong passwords again.
    for (let i = 1; i <= 4; i++) expect((await signIn('staff001', WRONG)).statusCode).toBe(401);
    expect((await signIn('staff001', DEMO_PASSWORD)).statusCode).toBe(200);

    const audit = await s.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('entity_id', '=', userId('staff001'))
      .where('action', '=', 'auth.login_failed')
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => (a.details as { reason: string }).reason).slice(0, 6)).toEqual([
      'bad_password',
      'bad_password',
      'bad_password',
      'bad_password',
      'bad_password',
      'locked',
    ]);
    expect(audit[4]!.details).toMatchObject({ failures: 5, lockedUntil: expect.any(String) });
  });

  it('a login that does not exist locks the same way: the lock does not tell whether it exists', async () => {
    const known: LightMyRequestResponse[] = [];
    const unknown: LightMyRequestResponse[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await signIn('staff002', WRONG));
      unknown.push(await signIn('no.such.user', WRONG));
    }
    const shape = (r: LightMyRequestResponse) => {
      const b = r.json();
      return [r.statusCode, b.code, b.message.replace(/\d{4}-[\d:T.Z-]+|\d+ min/g, '…')];
    };
    expect(unknown.map(shape)).toEqual(known.map(shape));
    expect(lockedFor(unknown[4]!)).toBe(lockedFor(known[4]!));
  });

  it('an administrator unlocks a locked user (user.unlock, audited); others may not', async () => {
    advance(10 * 60_000);
    for (let i = 0; i < 5; i++) await signIn('staff003', WRONG);
    lockedFor(await signIn('staff003', DEMO_PASSWORD));

    const refused = await call('agent', 'POST', `/users/${userId('staff003')}/unlock`);
    expect(refused.statusCode).toBe(403);

    const res = await call('admin', 'POST', `/users/${userId('staff003')}/unlock`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ login: 'staff003', failures: 5, lockedUntil: expect.any(String) });
    expect((await signIn('staff003', DEMO_PASSWORD)).statusCode).toBe(200);

    const entry = await s.ctx.db
      .selectFrom('audit_log')
      .select(['actor_login', 'details'])
      .where('action', '=', 'user.unlock')
      .where('entity_id', '=', userId('staff003'))
      .executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ actor_login: 'admin', details: { failures: 5 } });

    // Nothing to unlock: said so, nothing audited.
    const again = await call('admin', 'POST', `/users/${userId('staff003')}/unlock`);
    expect(again.json()).toEqual({ login: 'staff003', failures: 0, lockedUntil: null });
  });

  it('answers an unknown login as slowly as a known one with a wrong password (median of 50 each, within 1.5×)', async () => {
    // Fifty known logins, each failing once (no lock), against fifty unknown ones, interleaved
    // and in alternating order so that a busy moment of the machine hits both alike.
    const known = [
      ...DEMO_LOGINS.map((d) => d.login),
      ...Array.from({ length: 40 }, (_, i) => `staff${String(i + 1).padStart(3, '0')}`),
    ]
      .filter((l) => !['staff001', 'staff002', 'staff003', 'admin', 'agent'].includes(l))
      .slice(0, 50);
    while (known.length < 50) known.push(known[known.length % 10]!);
    const time = async (login: string) => {
      const t0 = performance.now();
      const res = await signIn(login, WRONG);
      const ms = performance.now() - t0;
      expect(res.statusCode).toBe(401);
      return ms;
    };
    for (let i = 0; i < 3; i++) {
      await time(`warm.up${i}`);
      await time(known[i]!);
    }
    const unknownMs: number[] = [];
    const knownMs: number[] = [];
    for (let i = 0; i < 50; i++) {
      if (i % 2 === 0) {
        unknownMs.push(await time(`nobody.${i}`));
        knownMs.push(await time(known[i]!));
      } else {
        knownMs.push(await time(known[i]!));
        unknownMs.push(await time(`nobody.${i}`));
      }
    }
    const [u, k] = [median(unknownMs), median(knownMs)];
    expect(Math.max(u, k) / Math.min(u, k), `median unknown ${u} ms, known ${k} ms`).toBeLessThanOrEqual(1.5);
  });

  it('refuses weak passwords on creation, reset and change, naming the rule broken', async () => {
    const base = {
      login: 'li.na',
      displayName: '李娜',
      orgUnitId: demoId('org', 'CT.JS.10000'),
      roles: ['agent'],
    };
    const cases: Array<[string, string]> = [
      ['Gx7-vbn-K', 'length'],
      ['alllowercase-only', 'classes'],
      ['My-Li.Na-2026', 'login'],
      ['Password123!', 'common'],
      ['P@ssw0rd2026', 'common'],
    ];
    for (const [password, rule] of cases) {
      const res = await call('admin', 'POST', '/users', { ...base, password });
      expect({ password, status: res.statusCode, rule: res.json().details?.passwordRule }).toEqual({
        password,
        status: 400,
        rule,
      });
      expect(res.json().details.fields[0].field).toBe('body.password');
    }
    const created = await call('admin', 'POST', '/users', { ...base, password: 'Gulou-river-7' });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;

    const reset = await call('admin', 'POST', `/users/${id}/password`, { password: 'li.na-Pass-1' });
    expect(reset.json()).toMatchObject({ code: 'VALIDATION_FAILED', details: { passwordRule: 'login' } });

    const own = await s.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      headers: { authorization: `Bearer ${(await signIn('li.na', 'Gulou-river-7')).json().token}` },
      payload: { currentPassword: 'Gulou-river-7', newPassword: 'Welcome2026!' },
    });
    expect(own.statusCode).toBe(400);
    expect(own.json().details).toMatchObject({ passwordRule: 'common' });
    expect((await signIn('li.na', 'Gulou-river-7')).statusCode).toBe(200);
  });

  it('a session unused for 30 minutes is refused (SESSION_EXPIRED); use keeps it alive; last use is written at most once a minute', async () => {
    const headers = await bearer('staff010');
    const session = async () =>
      s.ctx.db
        .selectFrom('sessions')
        .select('last_seen_at')
        .where('user_id', '=', userId('staff010'))
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
    const me = () => s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers });
    const start = (await session()).last_seen_at.getTime();

    advance(29 * 60_000);
    expect((await me()).statusCode).toBe(200);
    const touched = (await session()).last_seen_at.getTime();
    expect(touched - start).toBeGreaterThanOrEqual(29 * 60_000);
    advance(30_000);
    expect((await me()).statusCode).toBe(200);
    expect((await session()).last_seen_at.getTime()).toBe(touched); // within the minute: no write

    advance(29 * 60_000);
    expect((await me()).statusCode).toBe(200);
    advance(31 * 60_000);
    const expired = await me();
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({ code: 'SESSION_EXPIRED', details: { reason: 'idle' } });
  });

  it('API tokens expire after 365 days unless told otherwise (0: never), said in the response; an expired one is refused with TOKEN_EXPIRED', async () => {
    const issue = (body: object) =>
      call('admin', 'POST', '/api-tokens', { userId: userId('dispatcher'), name: 'OSS feed', ...body });
    const byDefault = await issue({});
    expect(byDefault.statusCode).toBe(201);
    const days = (new Date(byDefault.json().expiresAt).getTime() - clock.now().getTime()) / 86_400_000;
    expect(Math.round(days)).toBe(365);
    expect(byDefault.json().expiry).toMatch(/^This token expires on \S+ \(in 365 days\)/);

    const never = await issue({ expiresInDays: 0 });
    expect(never.json()).toMatchObject({ expiresAt: null, expiry: expect.stringMatching(/never expires/) });
    const both = await issue({ expiresInDays: 3, expiresAt: '2099-01-01T00:00:00Z' });
    expect(both.statusCode).toBe(400);

    const short = await issue({ expiresInDays: 1 });
    const headers = { authorization: `Bearer ${short.json().token}` };
    const me = () => s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers });
    expect((await me()).statusCode).toBe(200);
    advance(2 * 86_400_000);
    const expired = await me();
    expect(expired.statusCode).toBe(401);
    expect(expired.json()).toMatchObject({
      code: 'TOKEN_EXPIRED',
      message: expect.stringMatching(/expired at/),
    });
    const forever = { authorization: `Bearer ${never.json().token}` };
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: forever })).statusCode).toBe(
      200,
    );
  });
});

describe(`client address and Secure cookie behind a proxy (${engine})`, { timeout: 240_000 }, () => {
  const proxied = (client: string) => ({ 'x-forwarded-for': client, 'x-forwarded-proto': 'https' });
  const ipOfLastLogin = async (server: TestServer) =>
    (
      await server.ctx.db
        .selectFrom('audit_log')
        .select('ip')
        .where('action', '=', 'auth.login')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow()
    ).ip;
  const secureCookie = (res: LightMyRequestResponse) =>
    Boolean(res.cookies.find((c) => c.name === 'op_session')?.secure);
  // One address's login limit (3 a minute here) must not lock out everybody behind the proxy.
  const env = { ONEPOINT_LOGIN_RATE_LIMIT_PER_MINUTE: '3' };

  it('with ONEPOINT_TRUST_PROXY: the real client address in audit entries and the login limit; Secure when the proxy says https', async () => {
    const t = await createTestServer({ env: { ...env, ONEPOINT_TRUST_PROXY: '127.0.0.1' } });
    try {
      const ok = await signIn('agent', DEMO_PASSWORD, proxied('203.0.113.9'), t);
      expect(ok.statusCode).toBe(200);
      expect(secureCookie(ok)).toBe(true);
      expect(await ipOfLastLogin(t)).toBe('203.0.113.9');
      const plain = await signIn('agent', DEMO_PASSWORD, {}, t);
      expect(secureCookie(plain)).toBe(false);

      for (let i = 0; i < 3; i++)
        expect((await signIn(`x${i}.nobody`, WRONG, proxied('203.0.113.7'), t)).statusCode).toBe(401);
      expect((await signIn('x3.nobody', WRONG, proxied('203.0.113.7'), t)).statusCode).toBe(429);
      // Another client behind the same proxy still gets through.
      expect((await signIn('x4.nobody', WRONG, proxied('203.0.113.8'), t)).statusCode).toBe(401);
    } finally {
      await t.close();
    }
  });

  it('without it, X-Forwarded-For and X-Forwarded-Proto are ignored: anyone could write them', async () => {
    const t = await createTestServer({ env });
    try {
      const ok = await signIn('agent', DEMO_PASSWORD, proxied('203.0.113.9'), t);
      expect(ok.statusCode).toBe(200);
      expect(secureCookie(ok)).toBe(false);
      expect(await ipOfLastLogin(t)).toBe('127.0.0.1');
      for (let i = 0; i < 2; i++)
        expect((await signIn(`y${i}.nobody`, WRONG, proxied(`198.51.100.${i}`), t)).statusCode).toBe(401);
      // A forged address buys no fresh allowance: all three came from the same peer.
      expect((await signIn('y3.nobody', WRONG, proxied('198.51.100.3'), t)).statusCode).toBe(429);
    } finally {
      await t.close();
    }
  });

  it('ONEPOINT_COOKIE_SECURE=always: Secure even over plain HTTP (TLS ends before a proxy not listed)', async () => {
    const t = await createTestServer({ env: { ONEPOINT_COOKIE_SECURE: 'always' } });
    try {
      expect(secureCookie(await signIn('agent', DEMO_PASSWORD, {}, t))).toBe(true);
    } finally {
      await t.close();
    }
  });
});
