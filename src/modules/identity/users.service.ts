import { v7 as uuidv7 } from 'uuid';
import type { Db, Executor, Tx } from './identity.tables.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import type { Principal } from '../../platform/http/auth.ts';
import type { PermissionCatalogue } from '../../platform/module.ts';
import { appendAudit, type AuditActor } from '../audit/index.ts';
import { invalidField, unprocessableField, versionConflict, type Caller } from './caller.ts';
import { missingPermissions } from './domain/escalation.ts';
import { administrationPermissions } from './domain/permissions.ts';
import { decodeCursor, encodeCursor, likeContains } from './domain/paging.ts';
import { inScope } from './domain/scope.ts';
import { passwordPolicyProblem } from './domain/password-policy.ts';
import { hashPassword, verifyPassword } from './domain/secrets.ts';
import { selfChangeProblem } from './domain/users.ts';
import {
  findRoles,
  findUserByLogin,
  findUserWithUnit,
  listUsers,
  lockUser,
  permissionsOfRoles,
  replaceUserRoles,
  revokeSessions,
  rolesOf,
  rolesOfUsers,
} from './identity.repository.ts';
import type {
  ChangeOwnPasswordInput,
  CreateUserInput,
  UpdateUserInput,
  User,
  UserList,
  UserListQuery,
} from './identity.schemas.ts';
import { clearLoginFailures } from './lockout.service.ts';
import { unitInScope } from './org-units.service.ts';
import { toUser } from './views.ts';

/** A user the caller may see (with unit name and path), or a 404 that does not reveal existence. */
export async function userInScope(db: Executor, caller: Caller, id: string, what = 'user') {
  const user = await findUserWithUnit(db, id);
  if (!user || !inScope(caller.principal.scopePath, user.org_unit_path)) throw notFound(what);
  return user;
}

function escalation(missing: string[], what: string): AppError {
  return new AppError('FORBIDDEN', `${what} needs permissions you do not hold: ${missing.join(', ')}`, {
    missingPermissions: missing,
  });
}

/**
 * Acting on a user (changing them, resetting their password, issuing them a token) is acting with
 * their permissions: the caller must hold every administration permission the user holds (三员分立:
 * the system administrator keeps the accounts of staff whose work it cannot do, but not those of
 * the other administrators).
 */
export async function assertNotMorePrivileged(
  db: Executor,
  principal: Principal,
  userId: string,
  catalogue: PermissionCatalogue,
) {
  const theirs = await permissionsOfRoles(db, await rolesOf(db, userId));
  const missing = missingPermissions(principal.permissions, theirs, administrationPermissions(catalogue));
  if (missing.length > 0) throw escalation(missing, 'Managing this user');
}

/** Roles are assigned by holders of user.grant (授权), never to themselves. */
function assertMayGrant(principal: Principal, targetId: string | undefined, adding: boolean) {
  if (!principal.permissions.has('user.grant'))
    throw new AppError('FORBIDDEN', 'Assigning roles needs the permission user.grant', {
      missingPermissions: ['user.grant'],
    });
  if (adding && targetId === principal.userId)
    throw new AppError('FORBIDDEN', 'You cannot grant roles to yourself: another administrator does');
}

/**
 * Checks that roles exist and carry no administration permission the caller lacks (business roles
 * are granted by the authoriser without holding them: 三员分立).
 */
async function assertGrantable(
  db: Executor,
  principal: Principal,
  codes: readonly string[],
  catalogue: PermissionCatalogue,
) {
  const found = await findRoles(db, codes);
  const unknown = codes.filter((c) => !found.some((r) => r.code === c));
  if (unknown.length > 0) {
    throw unprocessableField('body.roles', `unknown role(s): ${unknown.join(', ')}`, {
      unknownRoles: unknown,
    });
  }
  const missing = missingPermissions(
    principal.permissions,
    found.flatMap((r) => r.permissions),
    administrationPermissions(catalogue),
  );
  if (missing.length > 0) throw escalation(missing, 'Granting these roles');
}

/** The password policy (domain/password-policy.ts); `details.passwordRule` names the rule broken. */
export function assertPassword(field: string, password: string, login: string) {
  const problem = passwordPolicyProblem(password, { login });
  if (problem) throw invalidField(field, problem.message, { passwordRule: problem.rule });
}

async function viewUser(db: Executor, id: string): Promise<User> {
  const row = await findUserWithUnit(db, id);
  if (!row) throw notFound('user');
  return toUser(row, await rolesOf(db, id));
}

export async function listUsersInScope(
  db: Db,
  caller: Caller,
  query: UserListQuery & { limit: number },
): Promise<UserList> {
  let afterLogin: string | undefined;
  if (query.cursor !== undefined) {
    afterLogin = decodeCursor(query.cursor);
    if (afterLogin === undefined) throw invalidField('querystring.cursor', 'is not a cursor from this list');
  }
  const rows = await listUsers(db, {
    scopePath: caller.principal.scopePath,
    orgUnitId: query.orgUnitId,
    role: query.role,
    status: query.status,
    likePattern: query.q !== undefined ? likeContains(query.q) : undefined,
    afterLogin,
    limit: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const roles = await rolesOfUsers(
    db,
    page.map((r) => r.id),
  );
  return {
    items: page.map((r) => toUser(r, roles.get(r.id) ?? [])),
    nextCursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]!.login) : null,
  };
}

export async function getUser(db: Db, caller: Caller, id: string): Promise<User> {
  const row = await userInScope(db, caller, id);
  return toUser(row, await rolesOf(db, id));
}

export interface NewUser {
  login: string;
  displayName: string;
  orgUnitId: string;
  roles: readonly string[];
  /** Null: the user cannot sign in with a password until one is set. */
  passwordHash: string | null;
  email: string | null;
  employeeNo: string | null;
  supportLine: CreateUserInput['supportLine'] | null;
}

/**
 * Writes a new user, their roles and the audit entry (call inside a transaction). The one place
 * users are created: the admin API and `onepoint user add` differ only in the checks before it.
 */
export async function insertUser(
  trx: Tx,
  actor: AuditActor,
  now: Date,
  user: NewUser,
  via?: 'cli',
): Promise<string> {
  const id = uuidv7();
  await trx
    .insertInto('users')
    .values({
      id,
      login: user.login,
      display_name: user.displayName,
      org_unit_id: user.orgUnitId,
      password_hash: user.passwordHash,
      email: user.email,
      employee_no: user.employeeNo,
      support_line: user.supportLine ?? null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await replaceUserRoles(trx, id, user.roles);
  await appendAudit(
    trx,
    actor,
    {
      action: 'user.create',
      entityType: 'user',
      entityId: id,
      orgUnitId: user.orgUnitId,
      // No password and no raw e-mail in the audit log.
      details: {
        login: user.login,
        displayName: user.displayName,
        orgUnitId: user.orgUnitId,
        roles: [...user.roles].sort(),
        email: user.email !== null,
        ...(via ? { via } : {}),
      },
    },
    now,
  );
  return id;
}

export async function createUser(
  db: Db,
  caller: Caller,
  input: CreateUserInput,
  catalogue: PermissionCatalogue,
): Promise<User> {
  assertPassword('body.password', input.password, input.login);
  // The account first (system administrator), its roles from the authoriser (security administrator).
  if (input.roles.length > 0) assertMayGrant(caller.principal, undefined, true);
  const unit = await unitInScope(db, caller, input.orgUnitId);
  if (!unit.active) throw unprocessableField('body.orgUnitId', 'the org unit is inactive');
  await assertGrantable(db, caller.principal, input.roles, catalogue);
  const taken = () =>
    new AppError('CONFLICT', `The login ${input.login} is taken`, {
      fields: [{ field: 'body.login', message: 'is taken' }],
    });
  if (await findUserByLogin(db, input.login)) throw taken();
  const passwordHash = await hashPassword(input.password);
  const id = await db.transaction().execute(async (trx) => {
    if (await findUserByLogin(trx, input.login)) throw taken();
    return insertUser(trx, caller.actor, caller.now, {
      login: input.login,
      displayName: input.displayName,
      orgUnitId: unit.id,
      roles: input.roles,
      passwordHash,
      email: input.email ?? null,
      employeeNo: input.employeeNo ?? null,
      supportLine: input.supportLine ?? null,
    });
  });
  return viewUser(db, id);
}

export async function updateUser(
  db: Db,
  caller: Caller,
  id: string,
  input: UpdateUserInput,
  catalogue: PermissionCatalogue,
): Promise<User> {
  const { principal } = caller;
  if (input.roles !== undefined) assertMayGrant(principal, undefined, false);
  await db.transaction().execute(async (trx) => {
    const locked = await lockUser(trx, id);
    const user = locked ? await userInScope(trx, caller, id) : undefined;
    if (!locked || !user) throw notFound('user');
    if (locked.version !== input.version) throw versionConflict('user', locked.version);
    await assertNotMorePrivileged(trx, principal, id, catalogue);
    const currentRoles = await rolesOf(trx, id);
    const self = selfChangeProblem(
      principal.userId,
      { id, roles: currentRoles },
      { status: input.status, roles: input.roles },
    );
    if (self) throw unprocessableField(`body.${self.field}`, self.message);

    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const changed: string[] = [];
    const note = (field: string, from: unknown, to: unknown) => {
      if (to !== undefined && to !== from) {
        changes[field] = { from, to };
        changed.push(field);
      }
    };
    note('displayName', user.display_name, input.displayName);
    note('status', user.status, input.status);
    note('employeeNo', user.employee_no, input.employeeNo);
    note('supportLine', user.support_line, input.supportLine);
    if (input.orgUnitId !== undefined && input.orgUnitId !== user.org_unit_id) {
      const unit = await unitInScope(trx, caller, input.orgUnitId);
      if (!unit.active) throw unprocessableField('body.orgUnitId', 'the org unit is inactive');
      note('orgUnitId', user.org_unit_id, unit.id);
    }
    if (input.roles !== undefined) {
      const next = [...input.roles].sort();
      if (next.join(',') !== currentRoles.join(',')) {
        assertMayGrant(
          principal,
          id,
          next.some((r) => !currentRoles.includes(r)),
        );
        await assertGrantable(trx, principal, next, catalogue);
        changes.roles = { from: currentRoles, to: next };
        changed.push('roles');
      }
    }
    // E-mail is personal information: the audit log records that it changed, not the values.
    if (input.email !== undefined && input.email !== user.email) changed.push('email');
    if (changed.length === 0) return;

    await trx
      .updateTable('users')
      .set({
        ...(input.displayName !== undefined ? { display_name: input.displayName } : {}),
        ...(input.orgUnitId !== undefined ? { org_unit_id: input.orgUnitId } : {}),
        ...(input.status !== undefined ? { status: input.status } : {}),
        ...(input.email !== undefined ? { email: input.email } : {}),
        ...(input.employeeNo !== undefined ? { employee_no: input.employeeNo } : {}),
        ...(input.supportLine !== undefined ? { support_line: input.supportLine } : {}),
        version: locked.version + 1,
        updated_at: caller.now,
      })
      .where('id', '=', id)
      .execute();
    if (changes.roles) await replaceUserRoles(trx, id, input.roles!);
    // A disabled user is out at once: their sessions end (API tokens stop working while disabled).
    const sessionsRevoked =
      changes.status && input.status === 'disabled' ? await revokeSessions(trx, id, caller.now) : 0;
    await appendAudit(
      trx,
      caller.actor,
      {
        action: 'user.update',
        entityType: 'user',
        entityId: id,
        orgUnitId: input.orgUnitId ?? user.org_unit_id,
        details: { changed, changes, ...(sessionsRevoked ? { sessionsRevoked } : {}) },
      },
      caller.now,
    );
  });
  return viewUser(db, id);
}

/** The security administrator assigns a user's roles (PUT /users/:id/roles): updateUser's roles alone. */
export async function setUserRoles(
  db: Db,
  caller: Caller,
  id: string,
  input: { roles: string[]; version: number },
  catalogue: PermissionCatalogue,
): Promise<User> {
  return updateUser(db, caller, id, { roles: input.roles, version: input.version }, catalogue);
}

/** An administrator sets a new password for a user; the user's sessions end and any lock goes. */
export async function resetPassword(
  db: Db,
  caller: Caller,
  id: string,
  password: string,
  catalogue: PermissionCatalogue,
): Promise<void> {
  const user = await userInScope(db, caller, id);
  await assertNotMorePrivileged(db, caller.principal, id, catalogue);
  assertPassword('body.password', password, user.login);
  const hash = await hashPassword(password);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: hash, updated_at: caller.now })
      .where('id', '=', id)
      .execute();
    await clearLoginFailures(trx, user.login);
    const sessionsRevoked = await revokeSessions(trx, id, caller.now);
    await appendAudit(
      trx,
      caller.actor,
      {
        action: 'user.password_reset',
        entityType: 'user',
        entityId: id,
        orgUnitId: user.org_unit_id,
        details: { sessionsRevoked },
      },
      caller.now,
    );
  });
}

/** A signed-in user changes their own password; their other sessions end. */
export async function changeOwnPassword(
  db: Db,
  caller: Caller,
  input: ChangeOwnPasswordInput,
): Promise<void> {
  const { principal } = caller;
  if (principal.via !== 'session') {
    throw new AppError('FORBIDDEN', 'Passwords are changed in a signed-in session, not with an API token');
  }
  const user = await findUserWithUnit(db, principal.userId);
  if (!user) throw notFound('user');
  if (!(await verifyPassword(input.currentPassword, user.password_hash))) {
    await db.transaction().execute(async (trx) => {
      await appendAudit(
        trx,
        caller.actor,
        {
          action: 'auth.password_change_failed',
          entityType: 'user',
          entityId: user.id,
          orgUnitId: user.org_unit_id,
          details: { reason: 'bad_current_password' },
        },
        caller.now,
      );
    });
    throw unprocessableField('body.currentPassword', 'is not your current password');
  }
  assertPassword('body.newPassword', input.newPassword, user.login);
  const hash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('users')
      .set({ password_hash: hash, updated_at: caller.now })
      .where('id', '=', user.id)
      .execute();
    await clearLoginFailures(trx, user.login);
    const sessionsRevoked = await revokeSessions(trx, user.id, caller.now, principal.credentialId);
    await appendAudit(
      trx,
      caller.actor,
      {
        action: 'auth.password_change',
        entityType: 'user',
        entityId: user.id,
        orgUnitId: user.org_unit_id,
        details: { otherSessionsRevoked: sessionsRevoked },
      },
      caller.now,
    );
  });
}

/** What an unlock found: the failed sign-ins forgotten and the lock lifted (null if none ran). */
export interface UnlockResult {
  login: string;
  failures: number;
  lockedUntil: Date | null;
}

/**
 * Forgets a login's failed sign-ins and lifts its lock, audited (`user.unlock`) when there was
 * something to forget. Shared by the admin API and `onepoint user unlock`.
 */
export async function writeUnlock(
  trx: Tx,
  actor: AuditActor,
  now: Date,
  user: { id: string; login: string; org_unit_id: string },
  via?: 'cli',
): Promise<UnlockResult> {
  const cleared = await clearLoginFailures(trx, user.login);
  const lockedUntil = cleared?.lockedUntil && cleared.lockedUntil > now ? cleared.lockedUntil : null;
  if (cleared)
    await appendAudit(
      trx,
      actor,
      {
        action: 'user.unlock',
        entityType: 'user',
        entityId: user.id,
        orgUnitId: user.org_unit_id,
        details: {
          failures: cleared.failures,
          lockedUntil: lockedUntil?.toISOString() ?? null,
          ...(via ? { via } : {}),
        },
      },
      now,
    );
  return { login: user.login, failures: cleared?.failures ?? 0, lockedUntil };
}

/** An administrator unlocks a user locked out by failed sign-ins (in scope, not mightier). */
export async function unlockUser(
  db: Db,
  caller: Caller,
  id: string,
  catalogue: PermissionCatalogue,
): Promise<UnlockResult> {
  const user = await userInScope(db, caller, id);
  await assertNotMorePrivileged(db, caller.principal, id, catalogue);
  return db.transaction().execute((trx) => writeUnlock(trx, caller.actor, caller.now, user));
}
