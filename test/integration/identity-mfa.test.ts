// The second factor (TOTP, issue 9) through HTTP: enrolment, two-step sign-in, wrong and replayed
// codes, the lock after wrong codes, recovery codes (one-time, regenerated, audited), the security
// administrator's reset, and ONEPOINT_REQUIRE_MFA sending pii.reveal and administration holders to
// enrol before anything else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/modules/identity/domain/mfa.ts';
import { normaliseRecoveryCode, recoveryCodeHash } from '../../src/modules/identity/domain/mfa-recovery.ts';
import { demoId } from '../../src/seed/demo.ts';
import { createTestServer, DEMO_PASSWORD, type TestServer } from '../harness.ts';

let now = new Date('2026-12-07T02:00:05Z');
const clock = { now: () => new Date(now) };
const advance = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

type Json = Record<string, unknown>;
async function post(s: TestServer, url: string, payload: object, headers: Record<string, string> = {}) {
  return s.app.inject({ method: 'POST', url: `/api/v1${url}`, payload, headers });
}
const signIn = (s: TestServer, login: string) => post(s, '/auth/login', { login, password: DEMO_PASSWORD });
const me = (s: TestServer, token: string) =>
  s.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${token}` } });
const audit = (s: TestServer, action: string) =>
  s.ctx.db.selectFrom('audit_log').selectAll().where('action', '=', action).orderBy('seq').execute();

const RECOVERY_CODE = /^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/;

describe(`TOTP second factor (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  let s: TestServer;
  let secret: string;
  let recoveryCodes: string[];
  beforeAll(async () => {
    s = await createTestServer({ clock });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('enrols: a secret with its otpauth URI and QR code, confirmed by a first code; stored encrypted', async () => {
    const headers = await s.as('supervisor');
    const status = await s.app.inject({ method: 'GET', url: '/api/v1/auth/mfa', headers });
    expect(status.json()).toEqual({
      enrolled: false,
      enrolledAt: null,
      required: false,
      recoveryCodesLeft: 0,
    });
    const started = await post(s, '/auth/mfa/enrolment', {}, headers);
    expect(started.statusCode).toBe(200);
    expect(started.headers['cache-control']).toBe('no-store');
    const body = started.json() as { secret: string; otpauthUri: string; qrDataUrl: string };
    secret = body.secret;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(body.otpauthUri).toMatch(/^otpauth:\/\/totp\/onepoint:supervisor\?.*secret=/);
    expect(body.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const stored = await s.ctx.db
      .selectFrom('user_mfa')
      .selectAll()
      .where('user_id', '=', demoId('user', 'supervisor'))
      .executeTakeFirstOrThrow();
    expect(stored.secret_enc).not.toContain(secret);
    expect(stored.confirmed_at).toBeNull();

    // Signed in already: a wrong code is bad input (400), not a failed sign-in (401).
    const wrong = await post(s, '/auth/mfa/enrolment/confirm', { code: '000000' }, headers);
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().details.fields[0].field).toBe('body.code');
    const ok = await post(s, '/auth/mfa/enrolment/confirm', { code: totpCode(secret, now) }, headers);
    expect(ok.statusCode).toBe(200);
    // Ten one-time recovery codes, shown this once; only their hashes are kept.
    expect(ok.headers['cache-control']).toBe('no-store');
    recoveryCodes = (ok.json() as { recoveryCodes: string[] }).recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const c of recoveryCodes) expect(c).toMatch(RECOVERY_CODE);
    const kept = await s.ctx.db
      .selectFrom('user_mfa_recovery_codes')
      .selectAll()
      .where('user_id', '=', demoId('user', 'supervisor'))
      .execute();
    expect(kept.map((r) => r.code_hash).sort()).toEqual(
      recoveryCodes
        .map((c) => recoveryCodeHash(demoId('user', 'supervisor'), normaliseRecoveryCode(c)!))
        .sort(),
    );
    const dump = JSON.stringify(kept);
    for (const c of recoveryCodes) expect(dump).not.toContain(normaliseRecoveryCode(c)!);
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/auth/mfa', headers })).json()).toMatchObject({
      enrolled: true,
      recoveryCodesLeft: 10,
    });
    expect((await audit(s, 'auth.mfa_recovery_codes_issued')).map((e) => e.details)).toEqual([
      { trigger: 'enrolment', count: 10, unusedReplaced: 0 },
    ]);
    // Enrolled once: a new device goes through the security administrator.
    expect((await post(s, '/auth/mfa/enrolment', {}, headers)).statusCode).toBe(409);
    expect(await audit(s, 'auth.mfa_enrolled')).toHaveLength(1);
  });

  it('signs in in two steps; a wrong code, a used code and a used challenge are refused', async () => {
    const first = await signIn(s, 'supervisor');
    expect(first.statusCode).toBe(200);
    const step = first.json() as Json;
    expect(step).toMatchObject({ status: 'mfa_required', challenge: expect.stringMatching(/^opc_/) });
    expect(step.token).toBeUndefined();
    expect(first.headers['set-cookie']).toBeUndefined();
    // The challenge is not a session.
    expect((await me(s, step.challenge as string)).statusCode).toBe(401);

    const wrong = await post(s, '/auth/login/mfa', { challenge: step.challenge, code: '123456' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe('UNAUTHENTICATED');
    // The code that confirmed the enrolment, in the same 30 s: already used.
    const replay = await post(s, '/auth/login/mfa', {
      challenge: step.challenge,
      code: totpCode(secret, now),
    });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().message).toMatch(/already used/);

    const again = (await signIn(s, 'supervisor')).json() as Json;
    advance(30_000);
    const code = totpCode(secret, now);
    const done = await post(s, '/auth/login/mfa', {
      challenge: again.challenge,
      code: code.replace(/^(\d{3})/, '$1 '),
    });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: 'ok', user: { login: 'supervisor' }, recoveryCodesLeft: 10 });
    expect(done.headers['set-cookie']).toMatch(/op_session=/);
    expect((await me(s, done.json().token)).statusCode).toBe(200);
    const logins = await audit(s, 'auth.login');
    expect(logins.at(-1)!.details).toMatchObject({ secondFactor: 'totp' });

    // The challenge is used up; the code too, with a fresh challenge.
    expect((await post(s, '/auth/login/mfa', { challenge: again.challenge, code })).statusCode).toBe(401);
    const third = (await signIn(s, 'supervisor')).json() as Json;
    const reused = await post(s, '/auth/login/mfa', { challenge: third.challenge, code });
    expect(reused.statusCode).toBe(401);
    expect(reused.json().message).toMatch(/already used/);
    // A challenge runs out after a few minutes.
    advance(6 * 60_000);
    expect(
      (await post(s, '/auth/login/mfa', { challenge: third.challenge, code: totpCode(secret, now) }))
        .statusCode,
    ).toBe(401);
  });

  it('locks code entry after 5 wrong codes in a row, even for the right code, until the lock ends', async () => {
    // A right code resets the count (the replay above counted as a wrong one).
    advance(30_000);
    const ok = (await signIn(s, 'supervisor')).json().challenge;
    expect(
      (await post(s, '/auth/login/mfa', { challenge: ok, code: totpCode(secret, now) })).statusCode,
    ).toBe(200);
    let challenge = '';
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      if (i % 3 === 0) challenge = (await signIn(s, 'supervisor')).json().challenge;
      statuses.push((await post(s, '/auth/login/mfa', { challenge, code: '000000' })).statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const fresh = (await signIn(s, 'supervisor')).json().challenge;
    const locked = await post(s, '/auth/login/mfa', { challenge: fresh, code: totpCode(secret, now) });
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('RATE_LIMITED');
    expect(locked.json().details.retryAfterSeconds).toBeGreaterThan(60);
    const failures = await audit(s, 'auth.mfa_failed');
    expect(failures.at(-1)!.details).toMatchObject({ locked: true });
    advance(16 * 60_000);
    const later = (await signIn(s, 'supervisor')).json().challenge;
    expect(
      (await post(s, '/auth/login/mfa', { challenge: later, code: totpCode(secret, now) })).statusCode,
    ).toBe(200);
  });

  it('leaves API tokens alone', async () => {
    const created = await post(
      s,
      '/api-tokens',
      { userId: demoId('user', 'supervisor'), name: 'integration' },
      await s.as('admin'),
    );
    expect(created.statusCode).toBe(201);
    expect((await me(s, created.json().token)).statusCode).toBe(200);
    // …and an API token cannot enrol a second factor.
    const viaToken = await post(
      s,
      '/auth/mfa/enrolment',
      {},
      { authorization: `Bearer ${created.json().token}` },
    );
    expect(viaToken.statusCode).toBe(403);
  });

  /** A session of the supervisor through the code step (the next 30 s step: no replay). */
  async function supervisorSession(): Promise<Record<string, string>> {
    advance(30_000);
    const challenge = (await signIn(s, 'supervisor')).json().challenge as string;
    const done = await post(s, '/auth/login/mfa', { challenge, code: totpCode(secret, now) });
    expect(done.statusCode).toBe(200);
    return { authorization: `Bearer ${done.json().token}` };
  }
  const recover = (challenge: string, recoveryCode: string) =>
    post(s, '/auth/login/mfa/recovery', { challenge, recoveryCode });

  it('signs in with a recovery code instead of a code, once; a used or wrong one is refused (audited)', async () => {
    const step = (await signIn(s, 'supervisor')).json().challenge as string;
    // As typed from paper: upper case, spaces for dashes.
    const done = await recover(step, ` ${recoveryCodes[0]!.toUpperCase().replace(/-/g, ' ')} `);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: 'ok', user: { login: 'supervisor' }, recoveryCodesLeft: 9 });
    expect(done.headers['set-cookie']).toMatch(/op_session=/);
    expect((await me(s, done.json().token)).statusCode).toBe(200);
    expect((await audit(s, 'auth.login')).at(-1)!.details).toMatchObject({ secondFactor: 'recovery_code' });
    const used = (await audit(s, 'auth.mfa_recovery_code_used')).at(-1)!;
    expect(used).toMatchObject({ actor_login: 'supervisor', entity_id: demoId('user', 'supervisor') });
    expect(used.details).toEqual({ recoveryCodesLeft: 9 });
    // The challenge is used up with it.
    expect((await recover(step, recoveryCodes[1]!)).statusCode).toBe(401);

    // The same code again, a wrong one, a TOTP code in the recovery field: refused, counted, audited.
    const next = (await signIn(s, 'supervisor')).json().challenge as string;
    const again = await recover(next, recoveryCodes[0]!);
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({
      code: 'UNAUTHENTICATED',
      details: { reason: 'recovery_code_used' },
    });
    const wrong = await recover(next, 'aaaa-bbbb-cccc-dddd');
    expect(wrong.json()).toMatchObject({
      code: 'UNAUTHENTICATED',
      details: { reason: 'recovery_code_wrong' },
    });
    const totpThere = await recover(next, totpCode(secret, now));
    expect(totpThere.json()).toMatchObject({ details: { reason: 'recovery_code_wrong' } });
    // Three tries spend the challenge, as with codes from the app.
    expect((await recover(next, recoveryCodes[1]!)).json().details?.reason).toBeUndefined();
    expect((await audit(s, 'auth.mfa_failed')).slice(-3).map((e) => e.details)).toEqual([
      { method: 'recovery_code', why: 'used', failuresInARow: 1 },
      { method: 'recovery_code', why: 'wrong', failuresInARow: 2 },
      { method: 'recovery_code', why: 'malformed', failuresInARow: 3 },
    ]);
    // Nothing of a refused code was spent; a right one resets the count.
    const third = (await signIn(s, 'supervisor')).json().challenge as string;
    expect((await recover(third, recoveryCodes[1]!)).json()).toMatchObject({ recoveryCodesLeft: 8 });
    const status = await s.app.inject({
      method: 'GET',
      url: '/api/v1/auth/mfa',
      headers: await supervisorSession(),
    });
    expect(status.json()).toMatchObject({ enrolled: true, recoveryCodesLeft: 8 });
  });

  it('counts wrong recovery codes with wrong codes: 5 in a row lock both, a right recovery code too', async () => {
    let challenge = '';
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      if (i % 3 === 0) challenge = (await signIn(s, 'supervisor')).json().challenge;
      const res =
        i % 2 === 0
          ? await recover(challenge, 'zzzz-zzzz-zzzz-zzzz')
          : await post(s, '/auth/login/mfa', { challenge, code: '000000' });
      statuses.push(res.statusCode);
    }
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
    const fresh = (await signIn(s, 'supervisor')).json().challenge;
    const locked = await recover(fresh, recoveryCodes[2]!);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().code).toBe('RATE_LIMITED');
    advance(16 * 60_000);
    const later = (await signIn(s, 'supervisor')).json().challenge;
    expect((await recover(later, recoveryCodes[2]!)).json()).toMatchObject({
      status: 'ok',
      recoveryCodesLeft: 7,
    });
  });

  it('regenerates with a current code or the password: new codes, the old ones void (audited)', async () => {
    const headers = await supervisorSession();
    const regenerate = (body: object, h = headers) => post(s, '/auth/mfa/recovery-codes', body, h);
    // One proof, not none nor both.
    expect((await regenerate({})).statusCode).toBe(400);
    expect((await regenerate({ code: '123456', password: DEMO_PASSWORD })).statusCode).toBe(400);
    // A wrong password or code is refused on its field and counted like a wrong code.
    const badPassword = await regenerate({ password: 'not-the-password-1' });
    expect(badPassword.statusCode).toBe(422);
    expect(badPassword.json().details.fields[0].field).toBe('body.password');
    const badCode = await regenerate({ code: '000000' });
    expect(badCode.statusCode).toBe(400);
    expect(badCode.json().details.fields[0].field).toBe('body.code');
    expect((await audit(s, 'auth.mfa_failed')).slice(-2).map((e) => e.details)).toEqual([
      { method: 'password', why: 'wrong', failuresInARow: 1 },
      { method: 'totp', why: 'wrong', failuresInARow: 2 },
    ]);
    expect(await audit(s, 'auth.mfa_recovery_codes_issued')).toHaveLength(1);

    const byPassword = await regenerate({ password: DEMO_PASSWORD });
    expect(byPassword.statusCode).toBe(200);
    expect(byPassword.headers['cache-control']).toBe('no-store');
    const fresh = (byPassword.json() as { recoveryCodes: string[] }).recoveryCodes;
    expect(fresh).toHaveLength(10);
    expect(fresh.filter((c) => recoveryCodes.includes(c))).toEqual([]);
    expect((await audit(s, 'auth.mfa_recovery_codes_issued')).at(-1)!.details).toEqual({
      trigger: 'regenerate',
      count: 10,
      unusedReplaced: 7,
      proof: 'password',
    });
    // An old, unused code no longer works; a new one does.
    const challenge = (await signIn(s, 'supervisor')).json().challenge;
    expect((await recover(challenge, recoveryCodes[5]!)).json().details.reason).toBe('recovery_code_wrong');
    const ok = await recover(challenge, fresh[0]!);
    expect(ok.json()).toMatchObject({ status: 'ok', recoveryCodesLeft: 9 });

    // With a current code from the app: the batch before is void too.
    advance(30_000);
    const byCode = await regenerate({ code: totpCode(secret, now) });
    expect(byCode.statusCode).toBe(200);
    const newest = (byCode.json() as { recoveryCodes: string[] }).recoveryCodes;
    expect((await audit(s, 'auth.mfa_recovery_codes_issued')).at(-1)!.details).toMatchObject({
      proof: 'totp',
      unusedReplaced: 9,
    });
    const rows = await s.ctx.db
      .selectFrom('user_mfa_recovery_codes')
      .select(['code_hash', 'used_at'])
      .where('user_id', '=', demoId('user', 'supervisor'))
      .execute();
    expect(rows).toHaveLength(10);
    expect(rows.every((r) => r.used_at === null)).toBe(true);
    const c2 = (await signIn(s, 'supervisor')).json().challenge;
    expect((await recover(c2, fresh[1]!)).statusCode).toBe(401);
    const c3 = (await signIn(s, 'supervisor')).json().challenge;
    expect((await recover(c3, newest[9]!)).statusCode).toBe(200);
    // The code that proved it was spent: it does not sign in again (replay).
    const c4 = (await signIn(s, 'supervisor')).json().challenge;
    expect(
      (await post(s, '/auth/login/mfa', { challenge: c4, code: totpCode(secret, now) })).json().message,
    ).toMatch(/already used/);
  });

  it('makes recovery codes only for a signed-in user with a second factor, not with an API token', async () => {
    const agent = await post(s, '/auth/mfa/recovery-codes', { password: DEMO_PASSWORD }, await s.as('agent'));
    expect(agent.statusCode).toBe(409);
    expect(agent.json()).toMatchObject({ code: 'CONFLICT', details: { reason: 'mfa_not_enrolled' } });
    const created = await post(
      s,
      '/api-tokens',
      { userId: demoId('user', 'supervisor'), name: 'recovery-codes' },
      await s.as('admin'),
    );
    const viaToken = await post(
      s,
      '/auth/mfa/recovery-codes',
      { password: DEMO_PASSWORD },
      { authorization: `Bearer ${created.json().token}` },
    );
    expect(viaToken.statusCode).toBe(403);
  });

  it('the security administrator resets it (audited, sessions end); others may not, nor for themselves', async () => {
    const id = demoId('user', 'supervisor');
    const before = (await signIn(s, 'supervisor')).json();
    expect(before.status).toBe('mfa_required');
    expect(
      (
        await s.app.inject({
          method: 'DELETE',
          url: `/api/v1/users/${id}/mfa`,
          headers: await s.as('sysadmin'),
        })
      ).statusCode,
    ).toBe(403);
    const secId = demoId('user', 'secadmin');
    expect(
      (
        await s.app.inject({
          method: 'DELETE',
          url: `/api/v1/users/${secId}/mfa`,
          headers: await s.as('secadmin'),
        })
      ).statusCode,
    ).toBe(403);
    const reset = await s.app.inject({
      method: 'DELETE',
      url: `/api/v1/users/${id}/mfa`,
      headers: await s.as('secadmin'),
    });
    expect(reset.statusCode).toBe(204);
    const entry = (await audit(s, 'user.mfa_reset')).at(-1)!;
    expect(entry).toMatchObject({ actor_login: 'secadmin', entity_id: id });
    expect(entry.details).toMatchObject({ hadSecondFactor: true, recoveryCodesRemoved: 9 });
    // Its recovery codes went with it.
    expect(
      await s.ctx.db.selectFrom('user_mfa_recovery_codes').selectAll().where('user_id', '=', id).execute(),
    ).toEqual([]);
    // The pending sign-in step ended with it; the next sign-in needs no code (not required here).
    expect(
      (await post(s, '/auth/login/mfa', { challenge: before.challenge, code: totpCode(secret, now) }))
        .statusCode,
    ).toBe(401);
    expect((await signIn(s, 'supervisor')).json().status).toBe('ok');
  });
});

describe(`ONEPOINT_REQUIRE_MFA=true (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await createTestServer({ clock, env: { ONEPOINT_REQUIRE_MFA: 'true' } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('sends a pii.reveal holder to enrol after the password, with no session until it is done', async () => {
    const first = await signIn(s, 'supervisor');
    expect(first.statusCode).toBe(200);
    const step = first.json() as { status: string; challenge: string; token?: string };
    expect(step.status).toBe('mfa_enrolment_required');
    expect(step.token).toBeUndefined();
    // Nothing else works with what it has: the challenge is not a session, nor a code step.
    expect((await me(s, step.challenge)).statusCode).toBe(401);
    expect((await post(s, '/auth/login/mfa', { challenge: step.challenge, code: '123456' })).statusCode).toBe(
      401,
    );

    const enrol = await post(s, '/auth/login/mfa/enrolment', { challenge: step.challenge });
    expect(enrol.statusCode).toBe(200);
    const { secret, qrDataUrl } = enrol.json() as { secret: string; qrDataUrl: string };
    expect(qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(
      (await post(s, '/auth/login/mfa/enrolment/confirm', { challenge: step.challenge, code: '000000' }))
        .statusCode,
    ).toBe(401);
    const done = await post(s, '/auth/login/mfa/enrolment/confirm', {
      challenge: step.challenge,
      code: totpCode(secret, now),
    });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ status: 'ok', user: { login: 'supervisor' } });
    // The recovery codes come with the session, shown once.
    expect(done.headers['cache-control']).toBe('no-store');
    expect(done.json().recoveryCodes).toHaveLength(10);
    for (const c of done.json().recoveryCodes as string[]) expect(c).toMatch(RECOVERY_CODE);
    expect((await me(s, done.json().token)).statusCode).toBe(200);
    const status = await s.app.inject({
      method: 'GET',
      url: '/api/v1/auth/mfa',
      headers: { authorization: `Bearer ${done.json().token}` },
    });
    expect(status.json()).toMatchObject({ enrolled: true, required: true, recoveryCodesLeft: 10 });
    // From now on: the code step.
    expect((await signIn(s, 'supervisor')).json().status).toBe('mfa_required');
  });

  it('requires it of the administrators too, not of an agent', async () => {
    for (const login of ['sysadmin', 'secadmin', 'auditor', 'admin'])
      expect((await signIn(s, login)).json().status, login).toBe('mfa_enrolment_required');
    const agent = await signIn(s, 'agent');
    expect(agent.json()).toMatchObject({ status: 'ok', token: expect.any(String) });
  });
});
