import { v7 as uuidv7 } from 'uuid';
import type { Db, Executor } from './identity.tables.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { appendAudit } from '../audit/index.ts';
import { unprocessableField, versionConflict, type Caller } from './caller.ts';
import { inScope } from './domain/scope.ts';
import {
  findSkillGroup,
  listSkillGroups,
  lockSkillGroup,
  skillGroupCodeTaken,
  skillGroupMembers,
  userIdsInScope,
} from './identity.repository.ts';
import type {
  CreateSkillGroupInput,
  SetSkillGroupMembersInput,
  SkillGroup,
  SkillGroupMember,
  UpdateSkillGroupInput,
} from './identity.schemas.ts';
import { unitInScope } from './org-units.service.ts';
import { toSkillGroup } from './views.ts';

async function groupInScope(db: Executor, caller: Caller, id: string) {
  const group = await findSkillGroup(db, id);
  if (!group || !inScope(caller.principal.scopePath, group.org_unit_path)) throw notFound('skill group');
  return group;
}

export async function listSkillGroupsInScope(
  db: Db,
  caller: Caller,
  orgUnitId?: string,
): Promise<SkillGroup[]> {
  return (await listSkillGroups(db, caller.principal.scopePath, orgUnitId)).map(toSkillGroup);
}

export async function getSkillGroup(db: Db, caller: Caller, id: string): Promise<SkillGroup> {
  return toSkillGroup(await groupInScope(db, caller, id));
}

export async function createSkillGroup(
  db: Db,
  caller: Caller,
  input: CreateSkillGroupInput,
): Promise<SkillGroup> {
  const id = uuidv7();
  await db.transaction().execute(async (trx) => {
    const unit = await unitInScope(trx, caller, input.orgUnitId);
    if (!unit.active) throw unprocessableField('body.orgUnitId', 'the org unit is inactive');
    if (await skillGroupCodeTaken(trx, input.code)) {
      throw new AppError('CONFLICT', `A skill group with code ${input.code} already exists`, {
        fields: [{ field: 'body.code', message: 'is taken' }],
      });
    }
    const skills = input.skills ?? [];
    await trx
      .insertInto('skill_groups')
      .values({
        id,
        code: input.code,
        name: input.name,
        name_en: input.nameEn ?? null,
        org_unit_id: unit.id,
        description: input.description ?? null,
        skills: JSON.stringify(skills),
        created_at: caller.now,
        updated_at: caller.now,
      })
      .execute();
    await appendAudit(
      trx,
      caller.actor,
      {
        action: 'skill_group.create',
        entityType: 'skill_group',
        entityId: id,
        orgUnitId: unit.id,
        details: { code: input.code, name: input.name, orgUnitId: unit.id, skills },
      },
      caller.now,
    );
  });
  return toSkillGroup((await findSkillGroup(db, id))!);
}

export async function updateSkillGroup(
  db: Db,
  caller: Caller,
  id: string,
  input: UpdateSkillGroupInput,
): Promise<SkillGroup> {
  await db.transaction().execute(async (trx) => {
    const locked = await lockSkillGroup(trx, id);
    const group = locked ? await groupInScope(trx, caller, id) : undefined;
    if (!locked || !group) throw notFound('skill group');
    if (locked.version !== input.version) throw versionConflict('skill group', locked.version);
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    const note = (field: string, from: unknown, to: unknown) => {
      if (to !== undefined && JSON.stringify(to) !== JSON.stringify(from)) changes[field] = { from, to };
    };
    note('name', group.name, input.name);
    note('nameEn', group.name_en, input.nameEn);
    note('description', group.description, input.description);
    note('skills', group.skills, input.skills);
    note('active', group.active, input.active);
    if (input.orgUnitId !== undefined && input.orgUnitId !== group.org_unit_id) {
      const unit = await unitInScope(trx, caller, input.orgUnitId);
      if (!unit.active) throw unprocessableField('body.orgUnitId', 'the org unit is inactive');
      note('orgUnitId', group.org_unit_id, unit.id);
    }
    if (Object.keys(changes).length === 0) return;
    await trx
      .updateTable('skill_groups')
      .set({
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.nameEn !== undefined ? { name_en: input.nameEn } : {}),
        ...(input.description !== undefined ? { description: input.description } : {}),
        ...(input.skills !== undefined ? { skills: JSON.stringify(input.skills) } : {}),
        ...(input.active !== undefined ? { active: input.active } : {}),
        ...(input.orgUnitId !== undefined ? { org_unit_id: input.orgUnitId } : {}),
        version: locked.version + 1,
        updated_at: caller.now,
      })
      .where('id', '=', id)
      .execute();
    await appendAudit(
      trx,
      caller.actor,
      {
        action: 'skill_group.update',
        entityType: 'skill_group',
        entityId: id,
        orgUnitId: input.orgUnitId ?? group.org_unit_id,
        details: { changes },
      },
      caller.now,
    );
  });
  return toSkillGroup((await findSkillGroup(db, id))!);
}

export async function getSkillGroupMembers(db: Db, caller: Caller, id: string): Promise<SkillGroupMember[]> {
  await groupInScope(db, caller, id);
  return (await skillGroupMembers(db, id)).map((m) => ({
    userId: m.user_id,
    login: m.login,
    displayName: m.display_name,
    proficiency: m.proficiency,
  }));
}

/** Replaces the member list. Every member must be a user in the caller's scope. */
export async function setSkillGroupMembers(
  db: Db,
  caller: Caller,
  id: string,
  input: SetSkillGroupMembersInput,
): Promise<SkillGroupMember[]> {
  await db.transaction().execute(async (trx) => {
    const locked = await lockSkillGroup(trx, id);
    const group = locked ? await groupInScope(trx, caller, id) : undefined;
    if (!locked || !group) throw notFound('skill group');
    const wanted = input.members.map((m) => m.userId);
    const found = await userIdsInScope(trx, caller.principal.scopePath, wanted);
    const missing = wanted.filter((u) => !found.has(u));
    if (missing.length > 0) {
      // Same answer for "no such user" and "not yours to see": existence does not leak.
      throw unprocessableField('body.members', `user(s) not found in your scope: ${missing.join(', ')}`, {
        unknownUserIds: missing,
      });
    }
    const before = await trx
      .selectFrom('skill_group_members')
      .select(['user_id', 'proficiency'])
      .where('skill_group_id', '=', id)
      .execute();
    const beforeMap = new Map(before.map((m) => [m.user_id, m.proficiency]));
    const added = wanted.filter((u) => !beforeMap.has(u));
    const removed = before.map((m) => m.user_id).filter((u) => !found.has(u));
    const changed = input.members
      .filter((m) => beforeMap.has(m.userId) && beforeMap.get(m.userId) !== m.proficiency)
      .map((m) => m.userId);
    if (added.length + removed.length + changed.length === 0) return;
    await trx.deleteFrom('skill_group_members').where('skill_group_id', '=', id).execute();
    if (input.members.length > 0) {
      await trx
        .insertInto('skill_group_members')
        .values(
          input.members.map((m) => ({ skill_group_id: id, user_id: m.userId, proficiency: m.proficiency })),
        )
        .execute();
    }
    await appendAudit(
      trx,
      caller.actor,
      {
        action: 'skill_group.members_set',
        entityType: 'skill_group',
        entityId: id,
        orgUnitId: group.org_unit_id,
        details: { added, removed, proficiencyChanged: changed, count: input.members.length },
      },
      caller.now,
    );
  });
  return getSkillGroupMembers(db, caller, id);
}
