// Staff-user creation for the command line (`onepoint user add`), including the very first admin on
// an empty database. Same field rules and the same insert (insertUser) as the admin API; the
// system actor needs no scope or escalation checks.
import { v7 as uuidv7 } from 'uuid';
import type { Db, Executor } from './identity.tables.ts';
import { AppError } from '../../platform/errors.ts';
import { appendAudit, type AuditActor } from '../audit/index.ts';
import { childPath } from './domain/scope.ts';
import { passwordPolicyProblem } from './domain/password-policy.ts';
import { hashPassword } from './domain/secrets.ts';
import { findUserByLogin } from './identity.repository.ts';
import { createUserBody } from './identity.schemas.ts';
import { insertUser, writeUnlock, type UnlockResult } from './users.service.ts';

export interface CliUserInput {
  login: string;
  displayName: string;
  /** Org unit code or id; may be omitted only for the first admin on an empty database. */
  unit?: string | undefined;
  /** Name of the national root unit created for the first admin (default 总部). */
  rootUnitName?: string | undefined;
  roles: string[];
  password?: string | undefined;
  email?: string | undefined;
}

export interface CliUserResult {
  id: string;
  login: string;
  orgUnit: { id: string; code: string; name: string };
  roles: string[];
  createdRootUnit: boolean;
  passwordSet: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const ROOT_UNIT_CODE = 'ROOT';

const invalid = (message: string) => new AppError('VALIDATION_FAILED', message);

// The admin API's field rules, named by the command's flags.
const cliUserFields = createUserBody.pick({ login: true, displayName: true, email: true, roles: true });
const FLAG: Record<string, string> = {
  login: '--login',
  displayName: '--name',
  email: '--email',
  roles: '--role',
};

async function findUnitByCodeOrId(db: Executor, ref: string) {
  const byCode = await db.selectFrom('org_units').selectAll().where('code', '=', ref).executeTakeFirst();
  if (byCode || !UUID.test(ref)) return byCode;
  return db.selectFrom('org_units').selectAll().where('id', '=', ref.toLowerCase()).executeTakeFirst();
}

export async function createUserFromCli(
  db: Db,
  input: CliUserInput,
  actor: AuditActor,
): Promise<CliUserResult> {
  const parsed = cliUserFields.safeParse({
    login: input.login,
    displayName: input.displayName,
    roles: input.roles,
    ...(input.email !== undefined ? { email: input.email } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const flag = FLAG[String(issue.path[0])] ?? String(issue.path[0]);
    throw invalid(`${flag} ${issue.message}`);
  }
  const { login, displayName, email } = parsed.data;
  const roles = [...new Set(parsed.data.roles)];
  if (roles.length === 0) throw invalid('give at least one --role');
  if (input.password !== undefined) {
    const problem = passwordPolicyProblem(input.password, { login });
    if (problem) throw invalid(`the password is too weak: it ${problem.message}`);
  }

  const known = await db.selectFrom('roles').select('code').orderBy('code').execute();
  const knownCodes = new Set(known.map((r) => r.code));
  const unknown = roles.filter((r) => !knownCodes.has(r));
  if (unknown.length > 0)
    throw invalid(`unknown role ${unknown.join(', ')}; roles are: ${[...knownCodes].join(', ')}`);

  if (await findUserByLogin(db, login)) throw new AppError('CONFLICT', `login "${login}" is already taken`);
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;

  return db.transaction().execute(async (trx) => {
    let unit = input.unit ? await findUnitByCodeOrId(trx, input.unit) : undefined;
    let createdRootUnit = false;
    if (input.unit && !unit) throw new AppError('NOT_FOUND', `no org unit with code or id "${input.unit}"`);
    if (!unit) {
      const anyUnit = await trx.selectFrom('org_units').select('id').limit(1).executeTakeFirst();
      if (anyUnit) throw invalid('--unit is required: give the code or id of the user’s org unit');
      if (!roles.includes('admin'))
        throw invalid(
          'the database has no org units yet: the first user must be an admin (--role admin); ' +
            'the national root unit is created with them',
        );
      const id = uuidv7();
      const now = new Date();
      unit = await trx
        .insertInto('org_units')
        .values({
          id,
          parent_id: null,
          code: ROOT_UNIT_CODE,
          name: input.rootUnitName?.trim() || '总部',
          name_en: null,
          level: 'national',
          kind: 'administrative',
          function_type: null,
          path: childPath(null, id),
          created_at: now,
          updated_at: now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      createdRootUnit = true;
      await appendAudit(trx, actor, {
        action: 'org_unit.create',
        entityType: 'org_unit',
        entityId: id,
        orgUnitId: id,
        details: { code: unit.code, name: unit.name, level: 'national', via: 'cli' },
      });
    }
    const id = await insertUser(
      trx,
      actor,
      new Date(),
      {
        login,
        displayName,
        orgUnitId: unit.id,
        roles,
        passwordHash,
        email: email ?? null,
        employeeNo: null,
        supportLine: null,
      },
      'cli',
    );
    return {
      id,
      login,
      orgUnit: { id: unit.id, code: unit.code, name: unit.name },
      roles,
      createdRootUnit,
      passwordSet: passwordHash !== null,
    };
  });
}

/** `onepoint user unlock <login>`: lifts a lock from failed sign-ins, as the system (no scope). */
export async function unlockUserFromCli(
  db: Db,
  login: string,
  actor: AuditActor,
  now: Date,
): Promise<UnlockResult> {
  const user = await findUserByLogin(db, login);
  if (!user) throw new AppError('NOT_FOUND', `no user with login "${login}"`);
  return db.transaction().execute((trx) => writeUnlock(trx, actor, now, user, 'cli'));
}
