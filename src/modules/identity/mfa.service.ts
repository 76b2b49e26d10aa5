/**
 * The second factor (TOTP) for staff: enrolment, the code step of a sign-in (a code from the app,
 * or one of the user's one-time recovery codes), regenerating recovery codes, the security
 * administrator's reset. API tokens are not affected (integrations have no phone).
 */
import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { v7 as uuidv7 } from 'uuid';
import type { Config } from '../../config.ts';
import type { Db, Executor, ModuleContext, Tx } from './identity.tables.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, invalidField, unprocessableField } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/auth.ts';
import type { KeyRotation, RotatedSecrets } from '../../platform/module.ts';
import { reencryptSecrets } from '../../platform/pii/reencrypt.ts';
import { PiiVault } from '../../platform/pii/vault.ts';
import { appendAudit, systemActor, type AuditActor } from '../audit/index.ts';
import type { SecondFactorChallenge } from './auth.service.ts';
import type { Caller } from './caller.ts';
import {
  afterWrongCode,
  CHALLENGE_TTL_MS,
  checkCode,
  MAX_CHALLENGE_ATTEMPTS,
  newTotpSecret,
  otpauthUri,
  secondFactorRequired,
  type CodeCheck,
} from './domain/mfa.ts';
import { newRecoveryCodes, normaliseRecoveryCode, recoveryCodeHash } from './domain/mfa-recovery.ts';
import { administrationPermissions } from './domain/permissions.ts';
import { hashToken, verifyPassword } from './domain/secrets.ts';
import { permissionsOfRoles, revokeSessions, rolesOf } from './identity.repository.ts';
import { userInScope } from './users.service.ts';

export interface MfaDeps {
  db: Db;
  clock: Clock;
  /** Encrypts TOTP secrets at rest with ONEPOINT_PII_KEYS. */
  vault: PiiVault;
  /** ONEPOINT_REQUIRE_MFA. */
  requireMfa: boolean;
  administration: ReadonlySet<string>;
}

const vaults = new WeakMap<Config, PiiVault>();
export function mfaDeps(ctx: ModuleContext): MfaDeps {
  let vault = vaults.get(ctx.config);
  if (!vault) vaults.set(ctx.config, (vault = new PiiVault(ctx.config.piiKeys)));
  return {
    db: ctx.db,
    clock: ctx.clock,
    vault,
    requireMfa: ctx.config.requireMfa,
    administration: administrationPermissions(ctx.permissions),
  };
}

/** A secret's ciphertext is bound to its user: it cannot be copied onto another account. */
const secretContext = (userId: string) => `identity/mfa-secret:${userId}`;

export interface Enrolment {
  /** Base32, for typing into an app by hand. */
  secret: string;
  otpauthUri: string;
  /** The URI as a QR code (PNG data URL) for the app to scan. */
  qrDataUrl: string;
}

export interface MfaStatus {
  enrolled: boolean;
  enrolledAt: Date | null;
  /** Whether this user must use a second factor (ONEPOINT_REQUIRE_MFA and their permissions). */
  required: boolean;
  /** Unused recovery codes (0 without a second factor). */
  recoveryCodesLeft: number;
}

// ---- errors -----------------------------------------------------------------------------------

const stepExpired = () =>
  new AppError('UNAUTHENTICATED', 'This sign-in step has expired or was already used: sign in again');
const wrongCode = (why: CodeCheck & { ok: false }) =>
  new AppError(
    'UNAUTHENTICATED',
    why.why === 'replayed'
      ? 'This code was already used: wait for the next one'
      : why.why === 'malformed'
        ? 'Enter the 6-digit code from your authenticator app'
        : 'Wrong code',
    { reason: why.why === 'replayed' ? 'code_replayed' : 'code_wrong' },
  );
const wrongRecoveryCode = (why: 'malformed' | 'wrong' | 'used') =>
  new AppError(
    'UNAUTHENTICATED',
    why === 'used' ? 'This recovery code was already used' : 'Wrong recovery code',
    { reason: why === 'used' ? 'recovery_code_used' : 'recovery_code_wrong' },
  );
const notEnrolled = () =>
  new AppError('CONFLICT', 'You have no second factor: set one up first', { reason: 'mfa_not_enrolled' });
const codeLocked = (until: Date, now: Date) =>
  new AppError(
    'RATE_LIMITED',
    `Too many wrong codes: try again after ${until.toISOString()}, or ask the security administrator`,
    { retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)) },
  );

// ---- the sign-in step -------------------------------------------------------------------------

/** A challenge as secondFactorStep issues it: `opc_` and 32 random bytes in base64url. */
export const CHALLENGE_FORMAT = /^opc_[A-Za-z0-9_-]{43}$/;

/**
 * After a correct password: a challenge when this user signs in with a second factor (enrolled),
 * or must enrol first (ONEPOINT_REQUIRE_MFA and pii.reveal or an administration permission);
 * undefined when a session may open at once.
 */
export async function secondFactorStep(
  deps: MfaDeps,
  user: { id: string; org_unit_id: string },
  actor: AuditActor,
): Promise<SecondFactorChallenge | undefined> {
  const { db } = deps;
  const mfa = await db
    .selectFrom('user_mfa')
    .select('confirmed_at')
    .where('user_id', '=', user.id)
    .executeTakeFirst();
  let purpose: 'verify' | 'enrol' = 'verify';
  if (!mfa?.confirmed_at) {
    const permissions = await permissionsOfRoles(db, await rolesOf(db, user.id));
    if (!secondFactorRequired(permissions, deps.administration, deps.requireMfa)) return undefined;
    purpose = 'enrol';
  }
  const now = deps.clock.now();
  const token = `opc_${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_MS[purpose]);
  await db.transaction().execute(async (trx) => {
    // Older steps of this user end: one sign-in in progress at a time.
    await trx
      .updateTable('login_challenges')
      .set({ consumed_at: now })
      .where('user_id', '=', user.id)
      .where('consumed_at', 'is', null)
      .execute();
    await trx
      .insertInto('login_challenges')
      .values({
        id: uuidv7(),
        token_hash: hashToken(token),
        user_id: user.id,
        purpose,
        created_at: now,
        expires_at: expiresAt,
        ip: actor.ip,
      })
      .execute();
    await appendAudit(
      trx,
      actor,
      {
        action: 'auth.mfa_challenge',
        entityType: 'user',
        entityId: user.id,
        orgUnitId: user.org_unit_id,
        details: { purpose },
      },
      now,
    );
  });
  return {
    status: purpose === 'verify' ? 'mfa_required' : 'mfa_enrolment_required',
    challenge: token,
    challengeExpiresAt: expiresAt,
  };
}

interface OpenChallenge {
  id: string;
  user_id: string;
  attempts: number;
  login: string;
  org_unit_id: string;
}

/** The live challenge behind a token (unused, unexpired, of this purpose, its user active), locked. */
async function openChallenge(trx: Tx, token: string, purpose: 'verify' | 'enrol', now: Date) {
  if (!CHALLENGE_FORMAT.test(token)) throw stepExpired();
  const row: OpenChallenge | undefined = await trx
    .selectFrom('login_challenges as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .select(['c.id', 'c.user_id', 'c.attempts', 'u.login', 'u.org_unit_id'])
    .where('c.token_hash', '=', hashToken(token))
    .where('c.purpose', '=', purpose)
    .where('c.consumed_at', 'is', null)
    .where('c.expires_at', '>', now)
    .where('u.status', '=', 'active')
    .forUpdate()
    .executeTakeFirst();
  if (!row) throw stepExpired();
  return row;
}

const actorFor = (c: OpenChallenge, ctx: { ip: string | null; requestId: string | null }): AuditActor => ({
  actorId: c.user_id,
  actorLogin: c.login,
  actorKind: 'user',
  ip: ctx.ip,
  requestId: ctx.requestId,
});

/** A proof accepted (with the recovery codes an enrolment hands out), or the error to answer. */
type CodeOutcome = { ok: true; recoveryCodes?: string[] } | { ok: false; error: AppError };
type ProofAudit = { actor: AuditActor; orgUnitId: string };

/** The user's authenticator row, locked for the check. */
const lockMfa = (trx: Tx, userId: string) =>
  trx.selectFrom('user_mfa').selectAll().where('user_id', '=', userId).forUpdate().executeTakeFirst();

/**
 * One more wrong proof (code, recovery code, or password where one may stand in): counted against
 * the user's second factor — after MAX_CODE_FAILURES in a row every proof is refused for a while —
 * and audited. Returns the error to answer.
 */
async function wrongProof(
  trx: Tx,
  userId: string,
  failuresBefore: number,
  failure: { method: 'totp' | 'recovery_code' | 'password'; why: string },
  audit: ProofAudit,
  now: Date,
  error: AppError,
): Promise<AppError> {
  const next = afterWrongCode(failuresBefore, now);
  await trx
    .updateTable('user_mfa')
    .set({ failed_attempts: next.failures, locked_until: next.lockedUntil })
    .where('user_id', '=', userId)
    .execute();
  await appendAudit(
    trx,
    audit.actor,
    {
      action: 'auth.mfa_failed',
      entityType: 'user',
      entityId: userId,
      orgUnitId: audit.orgUnitId,
      details: {
        method: failure.method,
        why: failure.why,
        failuresInARow: next.failures,
        ...(next.lockedUntil ? { locked: true } : {}),
      },
    },
    now,
  );
  return next.lockedUntil ? codeLocked(next.lockedUntil, now) : error;
}

/** Unused recovery codes of a user. */
export async function recoveryCodesLeft(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('user_mfa_recovery_codes')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * New recovery codes for a user with an authenticator, replacing every earlier one (used or not):
 * only their hashes are stored, the codes themselves are returned to be shown once. Audited.
 */
async function issueRecoveryCodes(
  trx: Tx,
  userId: string,
  trigger: 'enrolment' | 'regenerate',
  audit: ProofAudit & { proof?: 'totp' | 'password' },
  now: Date,
): Promise<string[]> {
  const replaced = await trx
    .deleteFrom('user_mfa_recovery_codes')
    .where('user_id', '=', userId)
    .returning('used_at')
    .execute();
  const codes = newRecoveryCodes();
  await trx
    .insertInto('user_mfa_recovery_codes')
    .values(
      codes.map((code) => ({
        user_id: userId,
        code_hash: recoveryCodeHash(userId, normaliseRecoveryCode(code)!),
        created_at: now,
      })),
    )
    .execute();
  await appendAudit(
    trx,
    audit.actor,
    {
      action: 'auth.mfa_recovery_codes_issued',
      entityType: 'user',
      entityId: userId,
      orgUnitId: audit.orgUnitId,
      details: {
        trigger,
        count: codes.length,
        unusedReplaced: replaced.filter((r) => r.used_at === null).length,
        ...(audit.proof ? { proof: audit.proof } : {}),
      },
    },
    now,
  );
  return codes;
}

/**
 * Checks a code against the user's authenticator, in `trx` (row locked): counts wrong codes (and
 * locks code entry after too many in a row), remembers the step of an accepted one (no replay),
 * re-encrypts the secret under the newest key. `enrolling`: the authenticator is not confirmed yet.
 */
async function useCode(
  trx: Tx,
  deps: MfaDeps,
  userId: string,
  code: string,
  enrolling: boolean,
  audit: ProofAudit,
  now: Date,
): Promise<CodeOutcome> {
  const mfa = await lockMfa(trx, userId);
  if (!mfa || (mfa.confirmed_at === null) !== enrolling)
    return {
      ok: false,
      error: enrolling
        ? new AppError('CONFLICT', 'Start enrolment first (or you already have a second factor)')
        : stepExpired(),
    };
  if (mfa.locked_until && mfa.locked_until > now)
    return { ok: false, error: codeLocked(mfa.locked_until, now) };
  const secret = deps.vault.decrypt(mfa.secret_enc, secretContext(userId));
  const check = checkCode(secret, code, now, mfa.last_step === null ? null : Number(mfa.last_step));
  if (!check.ok)
    return {
      ok: false,
      error: await wrongProof(
        trx,
        userId,
        mfa.failed_attempts,
        { method: 'totp', why: check.why },
        audit,
        now,
        wrongCode(check),
      ),
    };
  await trx
    .updateTable('user_mfa')
    .set({
      last_step: check.step,
      failed_attempts: 0,
      locked_until: null,
      ...(enrolling ? { confirmed_at: now } : {}),
      // Lazy key rotation: a secret under an older ONEPOINT_PII_KEYS key moves to the newest.
      ...(PiiVault.keyIdOf(mfa.secret_enc) !== deps.vault.currentKeyId
        ? { secret_enc: deps.vault.encrypt(secret, secretContext(userId)) }
        : {}),
    })
    .where('user_id', '=', userId)
    .execute();
  if (!enrolling) return { ok: true };
  await appendAudit(
    trx,
    audit.actor,
    { action: 'auth.mfa_enrolled', entityType: 'user', entityId: userId, orgUnitId: audit.orgUnitId },
    now,
  );
  // Set-up done: the recovery codes for the day the phone is lost, shown once.
  return { ok: true, recoveryCodes: await issueRecoveryCodes(trx, userId, 'enrolment', audit, now) };
}

/**
 * Checks a recovery code in place of a code from the app, in `trx` (authenticator row locked): an
 * unused code of this user is spent (used_at) and works never again; a wrong or spent one counts
 * as a wrong code, towards the same lock. Each use is audited with the codes left.
 */
async function useRecoveryCode(
  trx: Tx,
  userId: string,
  input: string,
  audit: ProofAudit,
  now: Date,
): Promise<CodeOutcome> {
  const mfa = await lockMfa(trx, userId);
  if (!mfa?.confirmed_at) return { ok: false, error: stepExpired() };
  if (mfa.locked_until && mfa.locked_until > now)
    return { ok: false, error: codeLocked(mfa.locked_until, now) };
  const bare = normaliseRecoveryCode(input);
  const spent = bare
    ? await trx
        .updateTable('user_mfa_recovery_codes')
        .set({ used_at: now })
        .where('user_id', '=', userId)
        .where('code_hash', '=', recoveryCodeHash(userId, bare))
        .where('used_at', 'is', null)
        .returning('code_hash')
        .executeTakeFirst()
    : undefined;
  if (!spent) {
    const used =
      bare !== undefined &&
      (await trx
        .selectFrom('user_mfa_recovery_codes')
        .select('used_at')
        .where('user_id', '=', userId)
        .where('code_hash', '=', recoveryCodeHash(userId, bare))
        .executeTakeFirst()) !== undefined;
    const why = !bare ? 'malformed' : used ? 'used' : 'wrong';
    return {
      ok: false,
      error: await wrongProof(
        trx,
        userId,
        mfa.failed_attempts,
        { method: 'recovery_code', why },
        audit,
        now,
        wrongRecoveryCode(why),
      ),
    };
  }
  await trx
    .updateTable('user_mfa')
    .set({ failed_attempts: 0, locked_until: null })
    .where('user_id', '=', userId)
    .execute();
  await appendAudit(
    trx,
    audit.actor,
    {
      action: 'auth.mfa_recovery_code_used',
      entityType: 'user',
      entityId: userId,
      orgUnitId: audit.orgUnitId,
      details: { recoveryCodesLeft: await recoveryCodesLeft(trx, userId) },
    },
    now,
  );
  return { ok: true };
}

/**
 * Runs a code check under a sign-in challenge: a wrong code also counts against the challenge
 * (after MAX_CHALLENGE_ATTEMPTS the password is needed again); a right one uses the challenge up.
 * Failures are committed, then thrown. Returns the user whose session may open.
 */
async function withChallenge(
  deps: MfaDeps,
  challenge: string,
  purpose: 'verify' | 'enrol',
  check: (trx: Tx, userId: string, audit: ProofAudit, now: Date) => Promise<CodeOutcome>,
  ctx: { ip: string | null; requestId: string | null },
) {
  const now = deps.clock.now();
  const result = await deps.db.transaction().execute(async (trx) => {
    const c = await openChallenge(trx, challenge, purpose, now);
    const actor = actorFor(c, ctx);
    const outcome = await check(trx, c.user_id, { actor, orgUnitId: c.org_unit_id }, now);
    const spent = outcome.ok || c.attempts + 1 >= MAX_CHALLENGE_ATTEMPTS;
    await trx
      .updateTable('login_challenges')
      .set({ attempts: c.attempts + 1, ...(spent ? { consumed_at: now } : {}) })
      .where('id', '=', c.id)
      .execute();
    const left = outcome.ok ? await recoveryCodesLeft(trx, c.user_id) : 0;
    const user = { id: c.user_id, login: c.login, org_unit_id: c.org_unit_id };
    return { outcome, user, actor, left };
  });
  if (!result.outcome.ok) throw result.outcome.error;
  return {
    user: result.user,
    actor: result.actor,
    /** Handed out by an enrolment (else empty): shown once. */
    recoveryCodes: result.outcome.recoveryCodes ?? [],
    recoveryCodesLeft: result.left,
  };
}

/** The code step of a sign-in: a right, unused code completes it. */
export const completeSignIn = (
  deps: MfaDeps,
  input: { challenge: string; code: string },
  ctx: { ip: string | null; requestId: string | null },
) =>
  withChallenge(
    deps,
    input.challenge,
    'verify',
    (trx, userId, audit, now) => useCode(trx, deps, userId, input.code, false, audit, now),
    ctx,
  );

/** The code step of a sign-in with a recovery code instead (lost phone): each works once. */
export const completeSignInWithRecoveryCode = (
  deps: MfaDeps,
  input: { challenge: string; recoveryCode: string },
  ctx: { ip: string | null; requestId: string | null },
) =>
  withChallenge(
    deps,
    input.challenge,
    'verify',
    (trx, userId, audit, now) => useRecoveryCode(trx, userId, input.recoveryCode, audit, now),
    ctx,
  );

/** Enrolment during a sign-in (ONEPOINT_REQUIRE_MFA): a new secret for the challenge's user. */
export async function startEnrolmentForChallenge(deps: MfaDeps, challenge: string): Promise<Enrolment> {
  const now = deps.clock.now();
  const user = await deps.db.transaction().execute((trx) => openChallenge(trx, challenge, 'enrol', now));
  return startEnrolment(deps, { id: user.user_id, login: user.login });
}

/** Its first code confirms the enrolment and completes the sign-in; the recovery codes come with it. */
export const completeEnrolment = (
  deps: MfaDeps,
  input: { challenge: string; code: string },
  ctx: { ip: string | null; requestId: string | null },
) =>
  withChallenge(
    deps,
    input.challenge,
    'enrol',
    (trx, userId, audit, now) => useCode(trx, deps, userId, input.code, true, audit, now),
    ctx,
  );

// ---- enrolment, status and reset --------------------------------------------------------------

/**
 * A new secret, pending until its first code confirms it (a second start replaces it). Refused
 * once confirmed: a new device goes through the security administrator's reset.
 */
export async function startEnrolment(deps: MfaDeps, user: { id: string; login: string }): Promise<Enrolment> {
  const now = deps.clock.now();
  const secret = newTotpSecret();
  const secretEnc = deps.vault.encrypt(secret, secretContext(user.id));
  const written = await deps.db
    .insertInto('user_mfa')
    .values({ user_id: user.id, secret_enc: secretEnc, created_at: now })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({ secret_enc: secretEnc, created_at: now, last_step: null })
        .where('user_mfa.confirmed_at', 'is', null),
    )
    .returning('user_id')
    .executeTakeFirst();
  if (!written)
    throw new AppError(
      'CONFLICT',
      'You already have a second factor; for a new device the security administrator resets it',
    );
  const uri = otpauthUri(secret, user.login);
  const qrDataUrl = await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 1, width: 240 });
  return { secret, otpauthUri: uri, qrDataUrl };
}

/** A signed-in user confirms the enrolment they started with its first code: their recovery codes. */
export async function confirmEnrolment(deps: MfaDeps, caller: Caller, code: string): Promise<string[]> {
  const now = deps.clock.now();
  const outcome = await deps.db.transaction().execute((trx) =>
    useCode(
      trx,
      deps,
      caller.principal.userId,
      code,
      true,
      {
        actor: caller.actor,
        orgUnitId: caller.principal.orgUnitId,
      },
      now,
    ),
  );
  // Signed in already: a wrong code is bad input here, not a failed sign-in (no 401).
  if (!outcome.ok && outcome.error.code === 'UNAUTHENTICATED')
    throw invalidField('body.code', outcome.error.message, outcome.error.details as Record<string, unknown>);
  if (!outcome.ok) throw outcome.error;
  return outcome.recoveryCodes ?? [];
}

/**
 * New recovery codes for a signed-in user, the old ones void. A sensitive change: it needs proof
 * beyond the session — a current code from the app, or the password (for a user whose codes ran
 * out but who still has the phone, either works). A wrong proof counts as a wrong code (same lock).
 */
export async function regenerateRecoveryCodes(
  deps: MfaDeps,
  caller: Caller,
  proof: { code?: string | undefined; password?: string | undefined },
): Promise<string[]> {
  const { principal } = caller;
  if ((proof.code === undefined) === (proof.password === undefined))
    throw invalidField('body', 'send either code (from your authenticator app) or password, one of them');
  const audit: ProofAudit = { actor: caller.actor, orgUnitId: principal.orgUnitId };
  // The slow password hash is checked before the row lock is taken.
  const passwordOk =
    proof.password === undefined
      ? undefined
      : await verifyPassword(
          proof.password,
          (
            await deps.db
              .selectFrom('users')
              .select('password_hash')
              .where('id', '=', principal.userId)
              .executeTakeFirst()
          )?.password_hash ?? null,
        );
  const outcome = await deps.db.transaction().execute(async (trx): Promise<CodeOutcome> => {
    const mfa = await lockMfa(trx, principal.userId);
    if (!mfa?.confirmed_at) return { ok: false, error: notEnrolled() };
    if (proof.code !== undefined) {
      const checked = await useCode(trx, deps, principal.userId, proof.code, false, audit, caller.now);
      if (!checked.ok) return checked;
    } else {
      if (mfa.locked_until && mfa.locked_until > caller.now)
        return { ok: false, error: codeLocked(mfa.locked_until, caller.now) };
      if (!passwordOk) {
        const error = await wrongProof(
          trx,
          principal.userId,
          mfa.failed_attempts,
          { method: 'password', why: 'wrong' },
          audit,
          caller.now,
          unprocessableField('body.password', 'is not your current password', { reason: 'password_wrong' }),
        );
        return { ok: false, error };
      }
    }
    const recoveryCodes = await issueRecoveryCodes(
      trx,
      principal.userId,
      'regenerate',
      { ...audit, proof: proof.code !== undefined ? 'totp' : 'password' },
      caller.now,
    );
    return { ok: true, recoveryCodes };
  });
  // Signed in already: a wrong code is bad input here, as when confirming an enrolment.
  if (!outcome.ok && outcome.error.code === 'UNAUTHENTICATED')
    throw invalidField('body.code', outcome.error.message, outcome.error.details as Record<string, unknown>);
  if (!outcome.ok) throw outcome.error;
  return outcome.recoveryCodes ?? [];
}

export async function mfaStatus(deps: MfaDeps, principal: Principal): Promise<MfaStatus> {
  const row = await deps.db
    .selectFrom('user_mfa')
    .select('confirmed_at')
    .where('user_id', '=', principal.userId)
    .executeTakeFirst();
  return {
    enrolled: Boolean(row?.confirmed_at),
    enrolledAt: row?.confirmed_at ?? null,
    required: secondFactorRequired(principal.permissions, deps.administration, deps.requireMfa),
    recoveryCodesLeft: row?.confirmed_at ? await recoveryCodesLeft(deps.db, principal.userId) : 0,
  };
}

/**
 * The security administrator removes a user's second factor (lost phone): the user enrols again
 * at the next sign-in, their sessions and pending sign-in steps end, their recovery codes are
 * void. Audited; not one's own.
 */
export async function resetMfa(deps: MfaDeps, caller: Caller, userId: string): Promise<void> {
  const user = await userInScope(deps.db, caller, userId);
  if (user.id === caller.principal.userId)
    throw new AppError('FORBIDDEN', 'Another security administrator resets your own second factor');
  await deps.db.transaction().execute(async (trx) => {
    // The foreign key would remove them with the authenticator; removed here to count them.
    const codes = await trx
      .deleteFrom('user_mfa_recovery_codes')
      .where('user_id', '=', user.id)
      .returning('used_at')
      .execute();
    const removed = await trx
      .deleteFrom('user_mfa')
      .where('user_id', '=', user.id)
      .returning('confirmed_at')
      .execute();
    await trx
      .updateTable('login_challenges')
      .set({ consumed_at: caller.now })
      .where('user_id', '=', user.id)
      .where('consumed_at', 'is', null)
      .execute();
    const sessionsRevoked = await revokeSessions(trx, user.id, caller.now);
    await appendAudit(
      trx,
      caller.actor,
      {
        action: 'user.mfa_reset',
        entityType: 'user',
        entityId: user.id,
        orgUnitId: user.org_unit_id,
        details: {
          hadSecondFactor: Boolean(removed[0]?.confirmed_at),
          recoveryCodesRemoved: codes.filter((c) => c.used_at === null).length,
          sessionsRevoked,
        },
      },
      caller.now,
    );
  });
}

const MFA_SECRETS = 'two-factor (TOTP) secrets';

/**
 * The identity module's part of `onepoint rotate-keys`: every authenticator's secret under the
 * current key. A sign-in re-encrypts its own too, but one who does not sign in before the old key
 * is removed would be locked out.
 */
export async function rotateMfaSecrets(db: Db, rotation: KeyRotation): Promise<RotatedSecrets[]> {
  const rows = await db.selectFrom('user_mfa').select(['user_id', 'secret_enc']).orderBy('user_id').execute();
  const r = await reencryptSecrets(
    rows.map((m) => ({
      id: m.user_id,
      stored: m.secret_enc,
      context: secretContext(m.user_id),
      name: `the authenticator secret of user ${m.user_id}`,
    })),
    rotation.vault,
    (batch) =>
      db.transaction().execute(async (trx) => {
        let n = 0;
        for (const b of batch) {
          const u = await trx
            .updateTable('user_mfa')
            .set({ secret_enc: b.next })
            .where('user_id', '=', b.id)
            .where('secret_enc', '=', b.stored)
            .executeTakeFirst();
          n += Number(u.numUpdatedRows);
        }
        return n;
      }),
    {
      batchSize: rotation.batchSize,
      onProgress: (done, total) => rotation.onProgress(MFA_SECRETS, done, total),
    },
  );
  await db.transaction().execute((trx) =>
    appendAudit(trx, systemActor(), {
      action: 'auth.mfa_keys_rotated',
      entityType: 'system',
      details: { keyId: rotation.vault.currentKeyId, secrets: r.rotated, unreadable: r.unreadable.length },
    }),
  );
  return [{ what: MFA_SECRETS, ...r }];
}
