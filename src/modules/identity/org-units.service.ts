import { sql } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import type { Db, Executor } from './identity.tables.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { unprocessableField, versionConflict, type Caller } from './caller.ts';
import { childPath, childUnitProblem, inScope, wouldCreateCycle } from './domain/scope.ts';
import {
  countActiveUsersUnder,
  findUnit,
  lockUnit,
  rewriteSubtreePaths,
  unitCodeTaken,
  unitsUnder,
} from './identity.repository.ts';
import type { CreateOrgUnitInput, OrgUnit, UpdateOrgUnitInput } from './identity.schemas.ts';
import { toOrgUnit } from './views.ts';

/**
 * A unit the caller may see, or a 404 — the same answer whether it does not exist or lies outside
 * the caller's data scope, so existence does not leak.
 */
export async function unitInScope(db: Executor, caller: Caller, id: string, what = 'org unit') {
  const unit = await findUnit(db, id);
  if (!unit || !inScope(caller.principal.scopePath, unit.path)) throw notFound(what);
  return unit;
}

// Paths are derived data: a unit created below a unit that is being moved would keep the old path
// prefix, and two crossing moves could each pass the cycle check. Writes that read or rewrite paths
// therefore take one transaction-scoped lock (admin operations are rare; contention is not a concern).
const ORG_TREE_LOCK = 0x0a0d18;
const lockTree = (trx: Executor) => sql`select pg_advisory_xact_lock(${ORG_TREE_LOCK})`.execute(trx);

export async function listOrgUnits(db: Db, caller: Caller): Promise<OrgUnit[]> {
  return (await unitsUnder(db, caller.principal.scopePath)).map(toOrgUnit);
}

export async function getOrgUnit(db: Db, caller: Caller, id: string): Promise<OrgUnit> {
  return toOrgUnit(await unitInScope(db, caller, id));
}

export async function createOrgUnit(db: Db, caller: Caller, input: CreateOrgUnitInput): Promise<OrgUnit> {
  return db.transaction().execute(async (trx) => {
    await lockTree(trx);
    const parent = await unitInScope(trx, caller, input.parentId, 'parent org unit');
    if (!parent.active) throw unprocessableField('body.parentId', 'the parent unit is inactive');
    const problem = childUnitProblem(parent, input);
    if (problem) throw unprocessableField('body.level', problem);
    if (await unitCodeTaken(trx, input.code)) {
      throw new AppError('CONFLICT', `An org unit with code ${input.code} already exists`, {
        fields: [{ field: 'body.code', message: 'is taken' }],
      });
    }
    const id = uuidv7();
    const row = await trx
      .insertInto('org_units')
      .values({
        id,
        parent_id: parent.id,
        code: input.code,
        name: input.name,
        name_en: input.nameEn ?? null,
        level: input.level,
        kind: input.kind,
        function_type: input.functionType ?? null,
        path: childPath(parent.path, id),
        time_zone: input.timeZone ?? parent.time_zone,
        created_at: caller.now,
        updated_at: caller.now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const view = toOrgUnit(row);
    await appendAudit(
      trx,
      caller.actor,
      {
        action: 'org_unit.create',
        entityType: 'org_unit',
        entityId: id,
        orgUnitId: id,
        details: {
          code: view.code,
          name: view.name,
          parentId: view.parentId,
          level: view.level,
          kind: view.kind,
          functionType: view.functionType,
        },
      },
      caller.now,
    );
    return view;
  });
}

export async function updateOrgUnit(
  db: Db,
  caller: Caller,
  id: string,
  input: UpdateOrgUnitInput,
): Promise<OrgUnit> {
  return db.transaction().execute(async (trx) => {
    if (input.parentId !== undefined) await lockTree(trx);
    const locked = await lockUnit(trx, id);
    if (!locked || !inScope(caller.principal.scopePath, locked.path)) throw notFound('org unit');
    if (locked.version !== input.version) throw versionConflict('org unit', locked.version);

    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const note = (field: string, from: unknown, to: unknown) => {
      if (to !== undefined && to !== from) changes[field] = { from, to };
    };
    note('name', locked.name, input.name);
    note('nameEn', locked.name_en, input.nameEn);
    note('timeZone', locked.time_zone, input.timeZone);
    note('active', locked.active, input.active);

    if (input.active === false && locked.active) {
      const activeUsers = await countActiveUsersUnder(trx, locked.path);
      if (activeUsers > 0) {
        throw unprocessableField(
          'body.active',
          `the unit (or a unit below it) still has ${activeUsers} active user(s); move or disable them first`,
          { activeUsers },
        );
      }
    }

    let movedUnits = 0;
    if (input.parentId !== undefined && input.parentId !== locked.parent_id) {
      if (locked.parent_id === null)
        throw unprocessableField('body.parentId', 'the root unit cannot be moved');
      const parent = await unitInScope(trx, caller, input.parentId, 'parent org unit');
      if (wouldCreateCycle(locked.path, parent.path)) {
        throw unprocessableField(
          'body.parentId',
          'a unit cannot move below itself or one of its descendants',
        );
      }
      if (!parent.active) throw unprocessableField('body.parentId', 'the new parent unit is inactive');
      const problem = childUnitProblem(parent, locked);
      if (problem) throw unprocessableField('body.parentId', problem);
      changes.parentId = { from: locked.parent_id, to: parent.id };
      movedUnits = await rewriteSubtreePaths(trx, locked.path, childPath(parent.path, locked.id));
    }

    if (Object.keys(changes).length === 0) return toOrgUnit(locked);

    const row = await trx
      .updateTable('org_units')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.nameEn !== undefined ? { name_en: input.nameEn } : {}),
        ...(input.timeZone !== undefined ? { time_zone: input.timeZone } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        ...(changes.parentId ? { parent_id: input.parentId } : {}),
        version: locked.version + 1,
        updated_at: caller.now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendAudit(
      trx,
      caller.actor,
      {
        action: 'org_unit.update',
        entityType: 'org_unit',
        entityId: id,
        orgUnitId: id,
        details: { changes, ...(changes.parentId ? { subtreeUnits: movedUnits } : {}) },
      },
      caller.now,
    );
    return toOrgUnit(row);
  });
}
