// API-token housekeeping for the command line (`onepoint token list|revoke`); creation is
// createApiToken in auth.service.ts, shared with the HTTP API.
import type { Db } from './identity.tables.ts';
import { AppError } from '../../platform/errors.ts';
import type { AuditActor } from '../audit/index.ts';
import { writeRevocation } from './api-tokens.service.ts';
import { findUserByLogin, listApiTokens } from './identity.repository.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ApiTokenRow {
  id: string;
  login: string;
  name: string;
  prefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  status: 'active' | 'expired' | 'revoked';
}

/** Every token (or one user's), oldest first, as the system: no data scope. */
export async function listApiTokensForCli(db: Db, login?: string, now = new Date()): Promise<ApiTokenRow[]> {
  let userId: string | undefined;
  if (login !== undefined) {
    const user = await findUserByLogin(db, login);
    if (!user) throw new AppError('NOT_FOUND', `no user with login "${login}"`);
    userId = user.id;
  }
  const rows = await listApiTokens(db, { ...(userId ? { userId } : {}), oldestFirst: true });
  return rows.map((r) => ({
    id: r.id,
    login: r.login,
    name: r.name,
    prefix: r.token_prefix,
    createdAt: new Date(r.created_at),
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
    status: r.revoked_at ? 'revoked' : r.expires_at && r.expires_at <= now ? 'expired' : 'active',
  }));
}

/** Revokes any token as the system (no scope); revoking one already revoked changes nothing and says so. */
export async function revokeApiTokenForCli(
  db: Db,
  id: string,
  actor: AuditActor,
  now = new Date(),
): Promise<{ alreadyRevokedAt: Date | null; login: string }> {
  if (!UUID.test(id)) throw new AppError('VALIDATION_FAILED', `"${id}" is not a token id (a UUID)`);
  return db.transaction().execute(async (trx) => {
    const token = await trx
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .select(['t.id', 't.revoked_at', 't.name', 't.token_prefix', 't.user_id', 'u.login', 'u.org_unit_id'])
      .where('t.id', '=', id.toLowerCase())
      .forUpdate()
      .executeTakeFirst();
    if (!token) throw new AppError('NOT_FOUND', `no API token with id ${id}`);
    if (token.revoked_at) return { alreadyRevokedAt: token.revoked_at, login: token.login };
    await writeRevocation(trx, token, actor, now);
    return { alreadyRevokedAt: null, login: token.login };
  });
}
