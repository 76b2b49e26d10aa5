import type { Db, Tx } from './identity.tables.ts';
import { notFound } from '../../platform/errors.ts';
import type { PermissionCatalogue } from '../../platform/module.ts';
import { appendAudit, type AuditActor } from '../audit/index.ts';
import { createApiToken } from './auth.service.ts';
import { invalidField, unprocessableField, type Caller } from './caller.ts';
import { inScope } from './domain/scope.ts';
import { expiryNotice, tokenExpiry } from './domain/token-expiry.ts';
import { findApiToken, listApiTokens } from './identity.repository.ts';
import type { ApiToken, CreateApiTokenInput, CreatedApiToken } from './identity.schemas.ts';
import { assertNotMorePrivileged, userInScope } from './users.service.ts';
import { toApiToken } from './views.ts';

export async function listApiTokensInScope(db: Db, caller: Caller, userId?: string): Promise<ApiToken[]> {
  return (
    await listApiTokens(db, {
      scopePath: caller.principal.scopePath,
      ...(userId !== undefined ? { userId } : {}),
      limit: 1000,
    })
  ).map(toApiToken);
}

/** Issues a token for a user in scope. A token acts as its user, so no token for someone mightier. */
export async function issueApiToken(
  db: Db,
  caller: Caller,
  input: CreateApiTokenInput,
  catalogue: PermissionCatalogue,
): Promise<CreatedApiToken> {
  const expiresAt =
    input.expiresAt !== undefined ? new Date(input.expiresAt) : tokenExpiry(input.expiresInDays, caller.now);
  if (expiresAt && expiresAt.getTime() <= caller.now.getTime()) {
    throw invalidField('body.expiresAt', 'must be in the future');
  }
  const user = await userInScope(db, caller, input.userId);
  if (user.status !== 'active') throw unprocessableField('body.userId', 'the user is disabled');
  await assertNotMorePrivileged(db, caller.principal, user.id, catalogue);
  const created = await createApiToken(db, { userId: user.id, name: input.name, expiresAt }, caller.actor);
  const row = await findApiToken(db, created.id);
  if (!row) throw notFound('API token');
  return { ...toApiToken(row), token: created.token, expiry: expiryNotice(expiresAt, caller.now) };
}

/** Revokes a token; revoking one already revoked changes nothing. */
export async function revokeApiToken(db: Db, caller: Caller, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const token = await findApiToken(trx, id);
    if (!token || !inScope(caller.principal.scopePath, token.org_unit_path)) throw notFound('API token');
    if (token.revoked_at) return;
    await writeRevocation(trx, token, caller.actor, caller.now);
  });
}

/** The revocation itself, shared by the API and the CLI: mark the token and audit it, in `trx`. */
export async function writeRevocation(
  trx: Tx,
  token: { id: string; user_id: string; name: string; token_prefix: string; org_unit_id: string },
  actor: AuditActor,
  now: Date,
): Promise<void> {
  await trx.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', token.id).execute();
  await appendAudit(
    trx,
    actor,
    {
      action: 'api_token.revoke',
      entityType: 'api_token',
      entityId: token.id,
      orgUnitId: token.org_unit_id,
      details: { userId: token.user_id, name: token.name, prefix: token.token_prefix },
    },
    now,
  );
}
