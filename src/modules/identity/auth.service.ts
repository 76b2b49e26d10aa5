import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { Db, Executor, Tx } from './identity.tables.ts';
import { systemClock, type Clock } from '../../platform/clock.ts';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import { AppError } from '../../platform/errors.ts';
import type { Authenticator, Principal } from '../../platform/http/auth.ts';
import { appendAudit, type AuditActor } from '../audit/index.ts';
import { scopePathFor, type UnitRef } from './domain/scope.ts';
import type { LockoutPolicy } from './domain/lockout.ts';
import { DUMMY_PASSWORD_HASH, hashToken, newToken, tokenKind, verifyPassword } from './domain/secrets.ts';
import {
  findUser,
  findUserByLogin,
  grantColumns,
  touchApiToken,
  touchSession,
} from './identity.repository.ts';
import {
  accountLocked,
  clearLoginFailures,
  loginKey,
  loginLock,
  recordLoginFailure,
} from './lockout.service.ts';

interface GrantRow {
  id: string;
  login: string;
  display_name: string;
  org_unit_id: string;
  grant_roles: string[];
  grant_permissions: string[];
  grant_unit_chain: UnitRef[] | null;
}

/** The principal from a row that carries the user and their grants (see grantColumns). */
function principalFromRow(
  row: GrantRow,
  via: Principal['via'],
  credentialId: string,
  csrfToken?: string,
): Principal {
  const permissions = new Set(row.grant_permissions);
  return {
    userId: row.id,
    login: row.login,
    displayName: row.display_name,
    orgUnitId: row.org_unit_id,
    roles: row.grant_roles,
    permissions,
    scopePath: scopePathFor(row.grant_unit_chain ?? [], permissions.has('scope.national')),
    via,
    credentialId,
    csrfToken,
  };
}

/**
 * Builds the principal for an active user: roles, permissions and data scope (one query). Other
 * modules call it (demo data, tests) with their own handle, typed here with identity's tables.
 */
export async function principalFor(
  callerDb: AnyExecutor,
  user: { id: string },
  via: Principal['via'],
  credentialId: string,
  csrfToken?: string,
): Promise<Principal> {
  const db: Executor = callerDb;
  const row = await db
    .selectFrom('users as u')
    .select(['u.id', 'u.login', 'u.display_name', 'u.org_unit_id', ...grantColumns()])
    .where('u.id', '=', user.id)
    .executeTakeFirstOrThrow();
  return principalFromRow(row, via, credentialId, csrfToken);
}

/** Last use is written at most this often: most requests need no write. */
const TOUCH_EVERY_MS = 60_000;

export class IdentityAuthenticator implements Authenticator {
  private readonly idleMs: number;
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
    opts: { sessionIdleMinutes?: number } = {},
  ) {
    this.idleMs = (opts.sessionIdleMinutes ?? 30) * 60_000;
  }

  /**
   * One query per request: the credential, its user and the user's grants together. A session
   * past its lifetime or unused longer than the idle timeout, and an API token past its expiry,
   * are refused with their own code (SESSION_EXPIRED, TOKEN_EXPIRED); anything else unknown: none.
   */
  async authenticate(token: string): Promise<Principal | undefined> {
    const kind = tokenKind(token);
    if (!kind || token.length > 200) return undefined;
    const hash = hashToken(token);
    const now = this.clock.now();
    if (kind === 'session') {
      const row = await this.db
        .selectFrom('sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .select(['s.id as sessionId', 's.csrf_token', 's.expires_at', 's.last_seen_at'])
        .select(['u.id', 'u.login', 'u.display_name', 'u.org_unit_id'])
        .select(grantColumns())
        .where('s.token_hash', '=', hash)
        .where('s.revoked_at', 'is', null)
        .where('u.status', '=', 'active')
        .executeTakeFirst();
      if (!row) return undefined;
      const expiry = sessionExpiry(row, now, this.idleMs);
      if (expiry) throw expiry;
      if (now.getTime() - new Date(row.last_seen_at).getTime() >= TOUCH_EVERY_MS)
        await touchSession(this.db, row.sessionId, now);
      return principalFromRow(row, 'session', row.sessionId, row.csrf_token);
    }
    const row = await this.db
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select(['t.id as tokenId', 't.last_used_at', 't.expires_at'])
      .select(['u.id', 'u.login', 'u.display_name', 'u.org_unit_id'])
      .select(grantColumns())
      .where('t.token_hash', '=', hash)
      .where('t.revoked_at', 'is', null)
      .where('u.status', '=', 'active')
      .executeTakeFirst();
    if (!row) return undefined;
    if (row.expires_at && new Date(row.expires_at).getTime() <= now.getTime())
      throw new AppError(
        'TOKEN_EXPIRED',
        `This API token expired at ${new Date(row.expires_at).toISOString()}; ask an administrator for a new one`,
        { expiredAt: new Date(row.expires_at).toISOString() },
      );
    // Last use is kept to the minute: most requests need no write.
    if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() >= TOUCH_EVERY_MS)
      await touchApiToken(this.db, row.tokenId, now);
    return principalFromRow(row, 'api_token', row.tokenId);
  }
}

/** Why a session no longer counts at `now` — its lifetime is over, or it was idle too long — if so. */
export function sessionExpiry(
  session: { expires_at: Date; last_seen_at: Date },
  now: Date,
  idleMs: number,
): AppError | undefined {
  if (new Date(session.expires_at).getTime() <= now.getTime())
    return new AppError('SESSION_EXPIRED', 'Your session has expired; sign in again', { reason: 'lifetime' });
  if (now.getTime() - new Date(session.last_seen_at).getTime() >= idleMs)
    return new AppError(
      'SESSION_EXPIRED',
      `Your session ended after ${Math.round(idleMs / 60_000)} minutes without use; sign in again`,
      { reason: 'idle' },
    );
  return undefined;
}

export function actorOf(principal: Principal | undefined, request?: FastifyRequest): AuditActor {
  return {
    actorId: principal?.userId ?? null,
    actorLogin: principal?.login ?? null,
    actorKind: principal ? (principal.via === 'api_token' ? 'api_token' : 'user') : 'system',
    ip: request?.ip ?? null,
    requestId: request ? String(request.id) : null,
  };
}

export interface LoginResult {
  token: string;
  csrfToken: string;
  expiresAt: Date;
  principal: Principal;
}

/** Where a sign-in stands after a correct password, when a second factor comes next (mfa.service.ts). */
export interface SecondFactorChallenge {
  status: 'mfa_required' | 'mfa_enrolment_required';
  /** Short-lived, single-use; sent back with the code (or to enrol). Not a session. */
  challenge: string;
  challengeExpiresAt: Date;
}

export type LoginOutcome = ({ status: 'ok' } & LoginResult) | SecondFactorChallenge;

/** What opening a session needs from the request. */
export interface SessionContext {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  ttlHours: number;
  clock?: Clock;
}

export interface LoginContext extends SessionContext {
  lockout: LockoutPolicy;
  /** The step after a correct password: a challenge when a second factor is due, else undefined. */
  secondFactor?: (
    user: { id: string; login: string; org_unit_id: string },
    actor: AuditActor,
  ) => Promise<SecondFactorChallenge | undefined>;
}

type LoginUser = NonNullable<Awaited<ReturnType<typeof findUserByLogin>>>;
type LoginFailure = 'unknown_login' | 'disabled' | 'bad_password' | 'locked';

const INVALID = () => new AppError('UNAUTHENTICATED', 'Wrong login or password');

/**
 * Sign-in. A locked login is refused before its password is looked at; then the password is
 * checked; each failure is counted and audited (and may lock the login); a success opens a
 * session. Unknown logins go through the same steps, so the answer and its time are the same.
 */
export async function login(
  db: Db,
  input: { login: string; password: string },
  ctx: LoginContext,
): Promise<LoginOutcome> {
  const now = (ctx.clock ?? systemClock).now();
  const user = await findUserByLogin(db, input.login);
  const actor = loginActor(input.login, user, ctx);
  const lockedUntil = await loginLock(db, input.login, now);
  if (lockedUntil) {
    await db.transaction().execute((trx) => auditLoginFailure(trx, actor, user, 'locked', { lockedUntil }));
    throw accountLocked(lockedUntil, now);
  }
  const failure = await checkPassword(user, input.password);
  if (failure) {
    const lock = await db.transaction().execute(async (trx) => {
      const counted = await recordLoginFailure(trx, input.login, now, ctx.lockout);
      await auditLoginFailure(trx, actor, user, failure, counted);
      return counted.lockedUntil;
    });
    throw lock ? accountLocked(lock, now) : INVALID();
  }
  // The password was right: the failed sign-ins of this login are forgotten, second factor or not.
  await clearLoginFailures(db, user!.login);
  const challenge = await ctx.secondFactor?.(user!, actor);
  if (challenge) return challenge;
  return { status: 'ok', ...(await openSession(db, user!, actor, ctx, now)) };
}

function loginActor(login: string, user: LoginUser | undefined, ctx: LoginContext): AuditActor {
  return {
    actorId: user?.id ?? null,
    actorLogin: loginKey(login),
    actorKind: 'user',
    ip: ctx.ip,
    requestId: ctx.requestId,
  };
}

/**
 * Checks the password — against a dummy hash of the same cost when the login is unknown or has
 * no password, so that every refusal costs the same — and says why it fails, if it does.
 */
export async function checkPassword(
  user: LoginUser | undefined,
  password: string,
): Promise<Exclude<LoginFailure, 'locked'> | undefined> {
  const matches = await verifyPassword(password, user?.password_hash ?? DUMMY_PASSWORD_HASH);
  if (!user) return 'unknown_login';
  if (!matches || !user.password_hash) return 'bad_password';
  if (user.status !== 'active') return 'disabled';
  return undefined;
}

async function auditLoginFailure(
  trx: Tx,
  actor: AuditActor,
  user: LoginUser | undefined,
  reason: LoginFailure,
  counted: { failures?: number; lockedUntil?: Date | null },
) {
  await appendAudit(trx, actor, {
    action: 'auth.login_failed',
    entityType: 'user',
    entityId: user?.id ?? null,
    orgUnitId: user?.org_unit_id ?? null,
    details: {
      reason,
      ...(counted.failures !== undefined ? { failures: counted.failures } : {}),
      ...(counted.lockedUntil ? { lockedUntil: counted.lockedUntil.toISOString() } : {}),
    },
  });
}

/**
 * Opens a console session for a user who passed every sign-in step (the password, and the second
 * factor when they have one); audited as auth.login with `details`.
 */
export async function openSession(
  db: Db,
  user: { id: string; login: string; org_unit_id: string },
  actor: AuditActor,
  ctx: SessionContext,
  now: Date,
  details: Record<string, unknown> = {},
): Promise<LoginResult> {
  const { token, hash } = newToken('session');
  const csrfToken = randomBytes(24).toString('base64url');
  const sessionId = uuidv7();
  const expiresAt = new Date(now.getTime() + ctx.ttlHours * 3600_000);
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({
        id: sessionId,
        user_id: user.id,
        token_hash: hash,
        csrf_token: csrfToken,
        created_at: now,
        expires_at: expiresAt,
        last_seen_at: now,
        ip: ctx.ip,
        user_agent: ctx.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
    await trx.updateTable('users').set({ last_login_at: now }).where('id', '=', user.id).execute();
    await appendAudit(trx, actor, {
      action: 'auth.login',
      entityType: 'user',
      entityId: user.id,
      orgUnitId: user.org_unit_id,
      details: { sessionId, ...details },
    });
  });
  const principal = await principalFor(db, user, 'session', sessionId, csrfToken);
  return { token, csrfToken, expiresAt, principal };
}

export async function logout(db: Db, principal: Principal, actor: AuditActor, clock: Clock = systemClock) {
  if (principal.via !== 'session') return;
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('sessions')
      .set({ revoked_at: clock.now() })
      .where('id', '=', principal.credentialId)
      .execute();
    await appendAudit(trx, actor, {
      action: 'auth.logout',
      entityType: 'user',
      entityId: principal.userId,
      orgUnitId: principal.orgUnitId,
      details: { sessionId: principal.credentialId },
    });
  });
}

/** Issues an API token for a user (OSS/BSS integrations). The secret is shown once. */
export async function createApiToken(
  db: Db,
  input: { userId: string; name: string; expiresAt?: Date | null },
  actor: AuditActor,
): Promise<{ id: string; token: string; prefix: string }> {
  const user = await findUser(db, input.userId);
  if (!user) throw new AppError('NOT_FOUND', 'user not found');
  const { token, hash, prefix } = newToken('api');
  const id = uuidv7();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('api_tokens')
      .values({
        id,
        user_id: user.id,
        name: input.name,
        token_hash: hash,
        token_prefix: prefix,
        created_by: actor.actorId,
        expires_at: input.expiresAt ?? null,
      })
      .execute();
    await appendAudit(trx, actor, {
      action: 'api_token.create',
      entityType: 'api_token',
      entityId: id,
      orgUnitId: user.org_unit_id,
      details: { userId: user.id, name: input.name, prefix },
    });
  });
  return { id, token, prefix };
}
