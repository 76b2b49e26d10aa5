/**
 * The second factor (TOTP) for staff: enrolment, the code step of a sign-in, the security
 * administrator's reset. API tokens are not affected (integrations have no phone).
 */
import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import { v7 as uuidv7 } from 'uuid';
import type { Config } from '../../config.ts';
import type { Db, ModuleContext, Tx } from './identity.tables.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, invalidField } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/auth.ts';
import { PiiVault } from '../../platform/pii/vault.ts';
import { appendAudit, type AuditActor } from '../audit/index.ts';
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
import { administrationPermissions } from './domain/permissions.ts';
import { hashToken } from './domain/secrets.ts';
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
const codeLocked = (until: Date, now: Date) =>
  new AppError(
    'RATE_LIMITED',
    `Too many wrong codes: try again after ${until.toISOString()}, or ask the security administrator`,
    { retryAfterSeconds: Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000)) },
  );

// ---- the sign-in step -------------------------------------------------------------------------

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
  if (!token.startsWith('opc_') || token.length > 200) throw stepExpired();
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

type CodeOutcome = { ok: true } | { ok: false; error: AppError };

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
  audit: { actor: AuditActor; orgUnitId: string },
  now: Date,
): Promise<CodeOutcome> {
  const mfa = await trx
    .selectFrom('user_mfa')
    .selectAll()
    .where('user_id', '=', userId)
    .forUpdate()
    .executeTakeFirst();
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
  if (!check.ok) {
    const next = afterWrongCode(mfa.failed_attempts, now);
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
          why: check.why,
          failuresInARow: next.failures,
          ...(next.lockedUntil ? { locked: true } : {}),
        },
      },
      now,
    );
    return { ok: false, error: next.lockedUntil ? codeLocked(next.lockedUntil, now) : wrongCode(check) };
  }
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
  if (enrolling)
    await appendAudit(
      trx,
      audit.actor,
      { action: 'auth.mfa_enrolled', entityType: 'user', entityId: userId, orgUnitId: audit.orgUnitId },
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
  input: { challenge: string; code: string },
  purpose: 'verify' | 'enrol',
  ctx: { ip: string | null; requestId: string | null },
) {
  const now = deps.clock.now();
  const result = await deps.db.transaction().execute(async (trx) => {
    const c = await openChallenge(trx, input.challenge, purpose, now);
    const actor = actorFor(c, ctx);
    const outcome = await useCode(
      trx,
      deps,
      c.user_id,
      input.code,
      purpose === 'enrol',
      {
        actor,
        orgUnitId: c.org_unit_id,
      },
      now,
    );
    const spent = outcome.ok || c.attempts + 1 >= MAX_CHALLENGE_ATTEMPTS;
    await trx
      .updateTable('login_challenges')
      .set({ attempts: c.attempts + 1, ...(spent ? { consumed_at: now } : {}) })
      .where('id', '=', c.id)
      .execute();
    return { outcome, user: { id: c.user_id, login: c.login, org_unit_id: c.org_unit_id }, actor };
  });
  if (!result.outcome.ok) throw result.outcome.error;
  return { user: result.user, actor: result.actor };
}

/** The code step of a sign-in: a right, unused code completes it. */
export const completeSignIn = (
  deps: MfaDeps,
  input: { challenge: string; code: string },
  ctx: { ip: string | null; requestId: string | null },
) => withChallenge(deps, input, 'verify', ctx);

/** Enrolment during a sign-in (ONEPOINT_REQUIRE_MFA): a new secret for the challenge's user. */
export async function startEnrolmentForChallenge(deps: MfaDeps, challenge: string): Promise<Enrolment> {
  const now = deps.clock.now();
  const user = await deps.db.transaction().execute((trx) => openChallenge(trx, challenge, 'enrol', now));
  return startEnrolment(deps, { id: user.user_id, login: user.login });
}

/** Its first code confirms the enrolment and completes the sign-in. */
export const completeEnrolment = (
  deps: MfaDeps,
  input: { challenge: string; code: string },
  ctx: { ip: string | null; requestId: string | null },
) => withChallenge(deps, input, 'enrol', ctx);

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

/** A signed-in user confirms the enrolment they started with its first code. */
export async function confirmEnrolment(deps: MfaDeps, caller: Caller, code: string): Promise<void> {
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
  };
}

/**
 * The security administrator removes a user's second factor (lost phone): the user enrols again
 * at the next sign-in, their sessions and pending sign-in steps end. Audited; not one's own.
 */
export async function resetMfa(deps: MfaDeps, caller: Caller, userId: string): Promise<void> {
  const user = await userInScope(deps.db, caller, userId);
  if (user.id === caller.principal.userId)
    throw new AppError('FORBIDDEN', 'Another security administrator resets your own second factor');
  await deps.db.transaction().execute(async (trx) => {
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
        details: { hadSecondFactor: Boolean(removed[0]?.confirmed_at), sessionsRevoked },
      },
      caller.now,
    );
  });
}
