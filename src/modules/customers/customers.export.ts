import { appendAudit } from '../audit/index.ts';
import type { CustomerListItem } from './customers.schemas.ts';
import type { Caller, CustomerDeps } from './caller.ts';
import { beginListSearch, endListSearch, listPage, type ListFilters } from './search.service.ts';
import { TIER_NAMES, type Tier } from './domain/catalogue.ts';

/** Bulk export is restricted (MIIT Order 24): a cap per file, masked values, logged and audited. */
export const EXPORT_MAX_ROWS = 10_000;

const COLUMNS: Array<[header: string, value: (c: CustomerListItem) => string]> = [
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
];

/** Spreadsheet programs run cells that start with = + - @ as formulas: make them text. */
const safeCell = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
const csvCell = (v: string) => {
  const s = safeCell(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

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
      { after, limit: Math.min(500, EXPORT_MAX_ROWS - rows.length) },
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
  if (format === 'csv') {
    const lines = [
      COLUMNS.map(([h]) => h).join(','),
      ...rows.map((r) => COLUMNS.map(([, f]) => csvCell(f(r))).join(',')),
    ];
    // A byte-order mark so that spreadsheet programs read the Chinese text as UTF-8.
    return {
      body: Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8'),
      contentType: 'text/csv; charset=utf-8',
      filename: `customers-${stamp}.csv`,
    };
  }
  // ExcelJS is large: loaded only when a spreadsheet is read or written.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('customers');
  ws.addRow(COLUMNS.map(([h]) => h));
  for (const r of rows) ws.addRow(COLUMNS.map(([, f]) => safeCell(f(r))));
  return {
    body: Buffer.from(await wb.xlsx.writeBuffer()),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    filename: `customers-${stamp}.xlsx`,
  };
}
