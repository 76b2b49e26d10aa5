import { columnsFile, type TableColumn } from '../../platform/table-file.ts';
import { appendAudit } from '../audit/index.ts';
import type { CustomerListItem } from './customers.schemas.ts';
import type { Caller, CustomerDeps } from './caller.ts';
import { beginListSearch, endListSearch, listPage, type ListFilters } from './search.service.ts';
import type { Executor } from './customers.tables.ts';
import { LOCATION_CLASSES, TIER_NAMES, type LocationClass, type Tier } from './domain/catalogue.ts';

/** Bulk export is restricted (MIIT Order 24): a cap per file, masked values, logged and audited. */
export const EXPORT_MAX_ROWS = 10_000;

const LOCATION_CLASS_NAMES: Record<LocationClass, string> = { urban: '城市', county: '县城', rural: '农村' };

/** A row of the file: the customer and the location classes of its live services' sites. */
type ExportRow = CustomerListItem & { locationClasses: readonly LocationClass[] };

const COLUMNS: ReadonlyArray<TableColumn<ExportRow>> = [
  ['customerNo', (c) => c.customerNo],
  ['name', (c) => c.name],
  ['kind', (c) => c.kind],
  ['tier', (c) => (c.tier ? `${c.tier} ${TIER_NAMES[c.tier as Tier]}` : '')],
  ['status', (c) => c.status],
  ['phone', (c) => c.phone ?? ''],
  ['valueLevel', (c) => c.valueLevel ?? ''],
  ['tags', (c) => c.tags.join(';')],
  ['orgUnitId', (c) => c.orgUnitId],
  ['createdAt', (c) => c.createdAt],
  // The SLA's repair limit depends on it (48 h in a town, 72 h in the countryside): `urban 城市;rural 农村`.
  ['locationClass', (c) => c.locationClasses.map((l) => `${l} ${LOCATION_CLASS_NAMES[l]}`).join(';')],
];

/**
 * Per customer, the location classes recorded for its services that are not terminated, in the
 * order urban, county, rural; a customer with none recorded is absent.
 */
async function locationClassesOf(db: Executor, customerIds: readonly string[]) {
  const found = new Map<string, Set<LocationClass>>();
  for (let i = 0; i < customerIds.length; i += 1000) {
    const rows = await db
      .selectFrom('product_instances')
      .select(['customer_id', 'location_class'])
      .distinct()
      .where('customer_id', 'in', customerIds.slice(i, i + 1000))
      .where('status', '<>', 'terminated')
      .where('location_class', 'is not', null)
      .execute();
    for (const r of rows) {
      const set = found.get(r.customer_id) ?? new Set<LocationClass>();
      set.add(r.location_class!);
      found.set(r.customer_id, set);
    }
  }
  return (id: string) => LOCATION_CLASSES.filter((l) => found.get(id)?.has(l));
}

// Pages of 100: on the embedded engine each page's statement holds the main thread; 500 held it
// for ~1 s on a busy machine (BENCHMARKS.md, "Event loop").
const PAGE = 100;

export async function exportCustomers(
  deps: CustomerDeps,
  caller: Caller,
  filters: Omit<ListFilters, 'after' | 'limit'>,
  format: 'csv' | 'xlsx',
): Promise<{ body: Buffer; contentType: string; filename: string }> {
  const rows: CustomerListItem[] = [];
  let after: string | undefined;
  // One search (guarded and, when it finds nobody, logged as a miss once), read page by page.
  const search = await beginListSearch(deps, caller, filters);
  while (rows.length < EXPORT_MAX_ROWS) {
    const page = await listPage(
      deps,
      caller,
      search,
      { after, limit: Math.min(PAGE, EXPORT_MAX_ROWS - rows.length) },
      'export',
    );
    rows.push(...page.items);
    if (!page.nextCursor) break;
    after = page.nextCursor;
  }
  await endListSearch(deps, caller, search, rows.length, 'export');
  await deps.db.transaction().execute((trx) =>
    appendAudit(trx, caller.actor, {
      action: 'customer.export',
      entityType: 'customer',
      orgUnitId: caller.principal.orgUnitId,
      details: {
        format,
        rows: rows.length,
        filters: Object.keys(filters).filter((k) => filters[k as keyof typeof filters]),
      },
    }),
  );
  const stamp = caller.now.toISOString().slice(0, 10);
  // The file is built a slice at a time (the shared table-file writer), named customers-<date>.
  const classesOf = await locationClassesOf(
    deps.db,
    rows.map((r) => r.id),
  );
  const file = await columnsFile(
    rows.map((r) => ({ ...r, locationClasses: classesOf(r.id) })),
    COLUMNS,
    format,
    'customers',
  );
  return { body: file.body, contentType: file.contentType, filename: `customers-${stamp}.${format}` };
}
