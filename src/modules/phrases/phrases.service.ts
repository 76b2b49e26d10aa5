/**
 * Canned phrases (常用语): who sees which (a unit's phrases are seen in that unit and every unit
 * under it, never beside it; personal ones by their owner), who changes which, and rendering.
 * One transaction per change with its audit entry (never the phrase's text).
 */
import { sql, type Selectable } from 'kysely';
import { v7 as uuidv7 } from 'uuid';
import { forbidden, notFound, unprocessableField } from '../../platform/errors.ts';
import type { Caller } from '../../platform/http/caller.ts';
import { maskFreeText, maskFreeTextDeep } from '../../platform/pii/free-text.ts';
import { assertOneUpdated, checkVersion } from '../../platform/versions.ts';
import { withAuditEntry } from '../audit/index.ts';
import { displayNames, unitPath } from '../identity/index.ts';
import { chinaDate, renderPhrase, variablesOf, type RenderContext, type Rendered } from './domain/render.ts';
import type { Db, Executor, PhrasesTable, PhrasesTables } from './phrases.tables.ts';

type Row = Selectable<PhrasesTable>;

export const MANAGE_PERSONAL = 'phrase.manage.personal';
export const MANAGE_UNIT = 'phrase.manage.unit';

export interface PhraseView {
  id: string;
  scope: 'unit' | 'personal';
  orgUnitId: string;
  orgUnitName: string | null;
  title: string;
  body: string;
  category: string;
  tags: string[];
  variables: string[];
  /** Whether the caller may change or delete it. */
  editable: boolean;
  version: number;
  updatedAt: string;
}

/** The units whose shared phrases a caller sees: their own and every one above it. */
async function unitsAbove(db: Executor, caller: Caller): Promise<string[]> {
  const path = await unitPath(db, caller.principal.orgUnitId);
  return path ? path.split('/').filter(Boolean) : [caller.principal.orgUnitId];
}

/** A unit the caller may share phrases in: inside their data scope. */
async function inScope(db: Executor, caller: Caller, unitId: string): Promise<boolean> {
  const path = await unitPath(db, unitId);
  return path !== undefined && path.startsWith(caller.scope.path);
}

async function canEdit(db: Executor, caller: Caller, row: Row): Promise<boolean> {
  const perms = caller.principal.permissions;
  if (row.scope === 'personal') return row.owner_id === caller.principal.userId && perms.has(MANAGE_PERSONAL);
  return perms.has(MANAGE_UNIT) && (await inScope(db, caller, row.org_unit_id));
}

async function views(db: Executor, caller: Caller, rows: Row[]): Promise<PhraseView[]> {
  const { unit } = await displayNames(db, [...new Set(rows.map((r) => r.org_unit_id))], []);
  // One scope check per unit, not per phrase.
  const unitEditable = new Map<string, Promise<boolean>>();
  const editableRow = (r: Row) => {
    if (r.scope === 'personal') return canEdit(db, caller, r);
    let p = unitEditable.get(r.org_unit_id);
    if (!p) unitEditable.set(r.org_unit_id, (p = canEdit(db, caller, r)));
    return p;
  };
  return Promise.all(
    rows.map(async (r) => ({
      id: r.id,
      scope: r.scope,
      orgUnitId: r.org_unit_id,
      orgUnitName: unit.get(r.org_unit_id) ?? null,
      // A phrase is for every caller: should one hold a phone or ID number, it leaves masked.
      title: maskFreeText(r.title),
      body: maskFreeText(r.body),
      category: r.category,
      tags: r.tags,
      variables: variablesOf(r.body),
      editable: await editableRow(r),
      version: r.version,
      updatedAt: new Date(r.updated_at).toISOString(),
    })),
  );
}

function visibleQuery(db: Executor, caller: Caller, units: string[]) {
  return db
    .selectFrom('phrases')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('scope', '=', 'unit'), eb('org_unit_id', 'in', units)]),
        eb.and([eb('scope', '=', 'personal'), eb('owner_id', '=', caller.principal.userId)]),
      ]),
    );
}

async function visible(db: Executor, caller: Caller, id: string): Promise<Row> {
  const row = await visibleQuery(db, caller, await unitsAbove(db, caller))
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('phrase');
  return row;
}

export interface PhraseFilter {
  scope?: 'unit' | 'personal' | undefined;
  category?: string | undefined;
  tag?: string | undefined;
  q?: string | undefined;
}

const LIST_CAP = 500;

/** The phrases a caller sees, by category and title (a library is small: one page, capped). */
export async function listPhrases(db: Db, caller: Caller, f: PhraseFilter): Promise<PhraseView[]> {
  let q = visibleQuery(db, caller, await unitsAbove(db, caller))
    .orderBy('category')
    .orderBy('title')
    .orderBy('id')
    .limit(LIST_CAP);
  if (f.scope) q = q.where('scope', '=', f.scope);
  if (f.category) q = q.where('category', '=', f.category);
  if (f.tag) q = q.where(sql<boolean>`tags @> ${JSON.stringify([f.tag])}::jsonb`);
  const rows = await q.execute();
  // Text search over a few hundred visible phrases: in memory, on the masked text shown.
  const list = await views(db, caller, rows);
  const term = f.q?.trim().toLowerCase();
  return term ? list.filter((p) => `${p.title}\n${p.body}`.toLowerCase().includes(term)) : list;
}

export async function getPhrase(db: Db, caller: Caller, id: string): Promise<PhraseView> {
  return (await views(db, caller, [await visible(db, caller, id)]))[0]!;
}

export interface PhraseInput {
  scope: 'unit' | 'personal';
  orgUnitId?: string | undefined;
  title: string;
  body: string;
  category: string;
  tags?: string[] | undefined;
}

const audited = (
  trx: Executor,
  caller: Caller,
  action: string,
  row: Pick<Row, 'id' | 'scope' | 'org_unit_id' | 'category'>,
) =>
  withAuditEntry<PhrasesTables>(
    trx,
    caller.actor,
    {
      action,
      entityType: 'phrase',
      entityId: row.id,
      orgUnitId: row.org_unit_id,
      details: { scope: row.scope, category: row.category },
    },
    caller.now,
  );

export async function createPhrase(db: Db, caller: Caller, input: PhraseInput): Promise<PhraseView> {
  const perms = caller.principal.permissions;
  let unitId = caller.principal.orgUnitId;
  if (input.scope === 'personal') {
    if (!perms.has(MANAGE_PERSONAL))
      throw forbidden(`Your role does not allow this action (needs ${MANAGE_PERSONAL})`);
    if (input.orgUnitId !== undefined)
      throw unprocessableField('orgUnitId', 'a personal phrase belongs to you, not to a unit');
  } else {
    if (!perms.has(MANAGE_UNIT))
      throw forbidden(`Your role does not allow this action (needs ${MANAGE_UNIT})`);
    unitId = input.orgUnitId ?? unitId;
    if (!(await inScope(db, caller, unitId)))
      throw unprocessableField('orgUnitId', 'is not an org unit in your data scope');
  }
  const id = uuidv7();
  const row = await db.transaction().execute((trx) =>
    audited(trx, caller, 'phrase.create', {
      id,
      scope: input.scope,
      org_unit_id: unitId,
      category: input.category,
    })
      .insertInto('phrases')
      .values({
        id,
        scope: input.scope,
        org_unit_id: unitId,
        owner_id: input.scope === 'personal' ? caller.principal.userId : null,
        title: input.title,
        body: input.body,
        category: input.category,
        tags: JSON.stringify(input.tags ?? []),
        created_at: caller.now,
        created_by: caller.principal.userId,
        updated_at: caller.now,
        updated_by: caller.principal.userId,
      })
      .returningAll()
      .executeTakeFirstOrThrow(),
  );
  return (await views(db, caller, [row]))[0]!;
}

export interface PhrasePatch {
  title?: string | undefined;
  body?: string | undefined;
  category?: string | undefined;
  tags?: string[] | undefined;
  version?: number | undefined;
}

/** A phrase the caller sees but may not change: 403 (seeing it is allowed, so it is no secret). */
async function editable(
  db: Executor,
  caller: Caller,
  id: string,
  expected: number | undefined,
): Promise<Row> {
  const row = await visible(db, caller, id);
  if (!(await canEdit(db, caller, row)))
    throw forbidden(
      row.scope === 'personal'
        ? 'Only its owner can change a personal phrase'
        : `Changing a unit's phrases needs ${MANAGE_UNIT} and the unit in your data scope`,
    );
  checkVersion('phrase', row.version, expected);
  return row;
}

export async function updatePhrase(
  db: Db,
  caller: Caller,
  id: string,
  patch: PhrasePatch,
): Promise<PhraseView> {
  const row = await editable(db, caller, id, patch.version);
  const updated = await db.transaction().execute(async (trx) => {
    const r = await audited(trx, caller, 'phrase.update', {
      ...row,
      category: patch.category ?? row.category,
    })
      .updateTable('phrases')
      .set({
        ...(patch.title !== undefined ? { title: patch.title } : {}),
        ...(patch.body !== undefined ? { body: patch.body } : {}),
        ...(patch.category !== undefined ? { category: patch.category } : {}),
        ...(patch.tags !== undefined ? { tags: JSON.stringify(patch.tags) } : {}),
        version: row.version + 1,
        updated_at: caller.now,
        updated_by: caller.principal.userId,
      })
      .where('id', '=', id)
      .where('version', '=', row.version)
      .returningAll()
      .executeTakeFirst();
    assertOneUpdated('phrase', r ? 1 : 0);
    return r!;
  });
  return (await views(db, caller, [updated]))[0]!;
}

export async function deletePhrase(
  db: Db,
  caller: Caller,
  id: string,
  version: number | undefined,
): Promise<void> {
  const row = await editable(db, caller, id, version);
  await db.transaction().execute(async (trx) => {
    const r = await audited(trx, caller, 'phrase.delete', row)
      .deleteFrom('phrases')
      .where('id', '=', id)
      .where('version', '=', row.version)
      .executeTakeFirst();
    assertOneUpdated('phrase', r.numDeletedRows);
  });
}

/**
 * A phrase filled in for the caller: `agent.name`, `agent.unit`, `hotline` and `today` come from
 * the server unless the context gives them; every value the client sends goes through the free-text
 * mask first (the API never unmasks: a full phone number sent in comes out masked).
 */
export async function renderFor(
  db: Db,
  caller: Caller,
  id: string,
  context: RenderContext,
  format: 'text' | 'html',
): Promise<Rendered & { phraseId: string; version: number }> {
  const row = await visible(db, caller, id);
  const { unit } = await displayNames(db, [caller.principal.orgUnitId], []);
  const given = maskFreeTextDeep(context);
  const ctx: RenderContext = {
    hotline: '10000',
    today: chinaDate(caller.now),
    ...given,
    agent: {
      name: caller.principal.displayName,
      unit: unit.get(caller.principal.orgUnitId) ?? null,
      ...(typeof given.agent === 'object' && given.agent !== null ? given.agent : {}),
    },
  };
  return { ...renderPhrase(maskFreeText(row.body), ctx, format), phraseId: row.id, version: row.version };
}
