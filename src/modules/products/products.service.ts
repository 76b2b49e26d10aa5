/** The service product catalogue: read by everyone signed in, changed by product.manage holders. */
import { sql, type Selectable, type Updateable } from 'kysely';
import type { AnyExecutor } from '../../platform/db/executor.ts';
import type { Db, Executor } from './products.tables.ts';
import { invalidField, notFound, unprocessable } from '../../platform/errors.ts';
import type { Caller } from '../../platform/http/caller.ts';
import { appendAudit } from '../audit/index.ts';
import type { ProductInput, ProductPatch, ProductView } from './products.schemas.ts';
import type { ProductsTable } from './products.tables.ts';
import { checkVersion } from '../../platform/versions.ts';

type ProductRow = Selectable<ProductsTable>;

const productView = (p: ProductRow): ProductView => ({
  code: p.code,
  name: p.name,
  nameEn: p.name_en,
  category: p.category,
  segment: p.segment,
  resourceKind: p.resource_kind as ProductView['resourceKind'],
  description: p.description,
  active: p.active,
  sortOrder: p.sort_order,
  version: p.version,
});

/** Refuses (400, field productCode) codes that are not active products of the catalogue. */
export async function assertActiveProducts(caller: AnyExecutor, codes: string[]) {
  const db: Executor = caller;
  const unique = [...new Set(codes)];
  if (unique.length === 0) return;
  const rows = await db
    .selectFrom('products')
    .select(['code', 'active'])
    .where('code', 'in', unique)
    .execute();
  const ok = new Set(rows.filter((r) => r.active).map((r) => r.code));
  const missing = unique.filter((c) => !ok.has(c));
  if (missing.length) throw invalidField('productCode', `unknown or inactive product ${missing.join(', ')}`);
}

/** Products' names by code (codes without a product are left out). */
export async function productNames(
  caller: AnyExecutor,
  codes: readonly string[],
): Promise<Map<string, string>> {
  const db: Executor = caller;
  if (codes.length === 0) return new Map();
  const rows = await db.selectFrom('products').select(['code', 'name']).where('code', 'in', codes).execute();
  return new Map(rows.map((p) => [p.code, p.name]));
}

/** The codes of the active products (what an import may name). */
export async function activeProductCodes(caller: AnyExecutor): Promise<Set<string>> {
  const db: Executor = caller;
  const rows = await db.selectFrom('products').select('code').where('active', '=', true).execute();
  return new Set(rows.map((r) => r.code));
}

export async function listProducts(db: Executor, includeInactive: boolean): Promise<ProductView[]> {
  let q = db.selectFrom('products').selectAll().orderBy('sort_order').orderBy('code');
  if (!includeInactive) q = q.where('active', '=', true);
  return (await q.execute()).map(productView);
}

export async function createProduct(db: Db, caller: Caller, input: ProductInput): Promise<ProductView> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('products')
      .values({
        code: input.code,
        name: input.name,
        name_en: input.nameEn,
        category: input.category,
        segment: input.segment,
        resource_kind: input.resourceKind,
        description: input.description ?? null,
        active: input.active,
        sort_order: input.sortOrder,
      })
      .execute();
    await appendAudit(trx, caller.actor, {
      action: 'product.create',
      entityType: 'product',
      entityId: input.code,
      details: { ...input },
    });
  });
  return productView(
    await db.selectFrom('products').selectAll().where('code', '=', input.code).executeTakeFirstOrThrow(),
  );
}

function columnsFor(patch: ProductPatch): Updateable<ProductsTable> {
  const set: Updateable<ProductsTable> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.nameEn !== undefined) set.name_en = patch.nameEn;
  if (patch.category !== undefined) set.category = patch.category;
  if (patch.segment !== undefined) set.segment = patch.segment;
  if (patch.resourceKind !== undefined) set.resource_kind = patch.resourceKind;
  if (patch.description !== undefined) set.description = patch.description ?? null;
  if (patch.active !== undefined) set.active = patch.active;
  if (patch.sortOrder !== undefined) set.sort_order = patch.sortOrder;
  return set;
}

export async function updateProduct(
  db: Db,
  caller: Caller,
  code: string,
  patch: ProductPatch,
): Promise<ProductView> {
  const p = await db.selectFrom('products').selectAll().where('code', '=', code).executeTakeFirst();
  if (!p) throw notFound('product');
  checkVersion('product', p.version, patch.version);
  const set = columnsFor(patch);
  if (Object.keys(set).length === 0) throw unprocessable('Nothing to change');
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('products')
      .set({ ...set, version: sql`version + 1`, updated_at: caller.now })
      .where('code', '=', code)
      .execute();
    await appendAudit(trx, caller.actor, {
      action: 'product.update',
      entityType: 'product',
      entityId: code,
      details: { ...patch },
    });
  });
  return productView(
    await db.selectFrom('products').selectAll().where('code', '=', code).executeTakeFirstOrThrow(),
  );
}
