import { randomBytes } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import type { Db, Executor } from './identity.tables.ts';
import { systemClock, type Clock } from '../../platform/clock.ts';
import { AppError } from '../../platform/errors.ts';
import type { Authenticator, Principal } from '../../platform/http/auth.ts';
import { appendAudit, type AuditActor } from '../audit/index.ts';
import { scopePathFor, type UnitRef } from './domain/scope.ts';
import { hashToken, newToken, tokenKind, verifyPassword } from './domain/secrets.ts';
import { findUser, findUserByLogin, grantColumns, touchApiToken } from './identity.repository.ts';

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

/** Builds the principal for an active user: roles, permissions and data scope (one query). */
export async function principalFor(
  db: Executor,
  user: { id: string },
  via: Principal['via'],
  credentialId: string,
  csrfToken?: string,
): Promise<Principal> {
  const row = await db
    .selectFrom('users as u')
    .select(['u.id', 'u.login', 'u.display_name', 'u.org_unit_id', ...grantColumns()])
    .where('u.id', '=', user.id)
    .executeTakeFirstOrThrow();
  return principalFromRow(row, via, credentialId, csrfToken);
}

export class IdentityAuthenticator implements Authenticator {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
  ) {}

  /** One query per request: the credential, its user and the user's grants together. */
  async authenticate(token: string): Promise<Principal | undefined> {
    const kind = tokenKind(token);
    if (!kind || token.length > 200) return undefined;
    const hash = hashToken(token);
    const now = this.clock.now();
    if (kind === 'session') {
      const row = await this.db
        .selectFrom('sessions as s')
        .innerJoin('users as u', 'u.id', 's.user_id')
        .select(['s.id as sessionId', 's.csrf_token', 'u.id', 'u.login', 'u.display_name', 'u.org_unit_id'])
        .select(grantColumns())
        .where('s.token_hash', '=', hash)
        .where('s.revoked_at', 'is', null)
        .where('s.expires_at', '>', now)
        .where('u.status', '=', 'active')
        .executeTakeFirst();
      return row ? principalFromRow(row, 'session', row.sessionId, row.csrf_token) : undefined;
    }
    const row = await this.db
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select(['t.id as tokenId', 't.last_used_at', 'u.id', 'u.login', 'u.display_name', 'u.org_unit_id'])
      .select(grantColumns())
      .where('t.token_hash', '=', hash)
      .where('t.revoked_at', 'is', null)
      .where((eb) => eb.or([eb('t.expires_at', 'is', null), eb('t.expires_at', '>', now)]))
      .where('u.status', '=', 'active')
      .executeTakeFirst();
    if (!row) return undefined;
    // Last use is kept to the minute: most requests need no write.
    if (!row.last_used_at || now.getTime() - new Date(row.last_used_at).getTime() >= 60_000)
      await touchApiToken(this.db, row.tokenId, now);
    return principalFromRow(row, 'api_token', row.tokenId);
  }
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

const INVALID = () => new AppError('UNAUTHENTICATED', 'Wrong login or password');

/** Where a sign-in stands after a correct password, when a second factor comes next (mfa.service.ts). */
export interface SecondFactorChallenge {
  status: 'mfa_required' | 'mfa_enrolment_required';
  /** Short-lived, single-use; sent back with the code (or to enrol). Not a session. */
  challenge: string;
  challengeExpiresAt: Date;
}

export type LoginOutcome = ({ status: 'ok' } & LoginResult) | SecondFactorChallenge;

export interface SessionContext {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  ttlHours: number;
  clock?: Clock;
}

export async function login(
  db: Db,
  input: { login: string; password: string },
  ctx: SessionContext & {
    /** The step after a correct password: a challenge when a second factor is due, else undefined. */
    secondFactor?: (
      user: { id: string; login: string; org_unit_id: string },
      actor: AuditActor,
    ) => Promise<SecondFactorChallenge | undefined>;
  },
): Promise<LoginOutcome> {
  const now = (ctx.clock ?? systemClock).now();
  const user = await findUserByLogin(db, input.login);
  const ok = user && user.status === 'active' && (await verifyPassword(input.password, user.password_hash));
  const actor: AuditActor = {
    actorId: user?.id ?? null,
    actorLogin: input.login.toLowerCase().slice(0, 64),
    actorKind: 'user',
    ip: ctx.ip,
    requestId: ctx.requestId,
  };
  if (!user || !ok) {
    await db.transaction().execute(async (trx) => {
      if (user) {
        await trx
          .updateTable('users')
          .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1) }))
          .where('id', '=', user.id)
          .execute();
      }
      await appendAudit(trx, actor, {
        action: 'auth.login_failed',
        entityType: 'user',
        entityId: user?.id ?? null,
        orgUnitId: user?.org_unit_id ?? null,
        details: { reason: !user ? 'unknown_login' : user.status !== 'active' ? 'disabled' : 'bad_password' },
      });
    });
    throw INVALID();
  }
  const challenge = await ctx.secondFactor?.(user, actor);
  if (challenge) return challenge;
  return { status: 'ok', ...(await openSession(db, user, actor, ctx, now)) };
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
        ip: ctx.ip,
        user_agent: ctx.userAgent?.slice(0, 300) ?? null,
      })
      .execute();
    await trx
      .updateTable('users')
      .set({ last_login_at: now, failed_logins: 0 })
      .where('id', '=', user.id)
      .execute();
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
