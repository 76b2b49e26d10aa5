/**
 * Bulk import of customers, contacts and service instances from CSV or XLSX. One row is a customer
 * with at most one contact and one instance; rows that repeat a customer number add contacts and
 * instances to that customer. Everything is validated first (a report of row, column, code, message);
 * only a file without errors is written, in one transaction: nothing is ever half-imported.
 */
import { isUtf8 } from 'node:buffer';
import { parse as csvParser } from 'csv-parse';
import { sql } from 'kysely';
import type { z } from 'zod';
import type { Db, Executor } from './customers.tables.ts';
import { AppError } from '../../platform/errors.ts';
import { nextTurn, turnsEvery } from '../../platform/event-loop.ts';
import { readXlsx } from '../../platform/xlsx/xlsx.ts';
import { hasUnstorableCharacters, UNSTORABLE_MESSAGE } from '../../platform/text.ts';
import { appendAudit, type AuditActor } from '../audit/index.ts';
import { activeUserLogins, orgUnits } from '../identity/index.ts';
import { activeProductCodes } from '../products/index.ts';
import { insertPrepared, nextCustomerNumbers, normaliseIdNumber, prepareCustomer } from './customers.bulk.ts';
import { recordImportEvent } from './customers.events.ts';
import { issueCode, type ImportProblem } from './customers.import-problems.ts';
import { customerInScope, scopeFromPath, type Scope } from './customers.repository.ts';
import { logAccess } from './access-log.service.ts';
import {
  lockAllUniqueValues,
  recordDuplicates,
  UNIQUENESS_PURPOSE,
  type Holder,
} from './customer-uniqueness.ts';
import { customerInput, type CustomerInput } from './customers.schemas.ts';
import { LOCATION_CLASSES, TIER_NAMES, TIERS, type LocationClass } from './domain/catalogue.ts';
import type { PiiVault } from '../../platform/pii/vault.ts';

/** The columns of an import file; Chinese headers are accepted too. */
export const IMPORT_COLUMNS = {
  customer_no: ['客户编号'],
  kind: ['客户类型'],
  name: ['客户名称', '姓名'],
  tier: ['客户等级'],
  org_unit: ['归属单位'],
  account_manager: ['客户经理'],
  phone: ['联系电话'],
  email: ['电子邮箱', '邮箱'],
  address: ['地址', '联系地址'],
  id_type: ['证件类型'],
  id_number: ['证件号码', '身份证号'],
  credit_code: ['统一社会信用代码'],
  industry: ['行业'],
  value_level: ['价值等级'],
  tags: ['标签'],
  notes: ['备注'],
  contact_name: ['联系人'],
  contact_role: ['联系人角色'],
  contact_mobile: ['联系人手机'],
  contact_phone: ['联系人电话'],
  contact_email: ['联系人邮箱'],
  product: ['产品编码'],
  account_no: ['业务号码', '账号'],
  instance_status: ['实例状态'],
  service_address: ['装机地址'],
  access_type: ['接入方式'],
  exchange: ['局站'],
  device_type: ['设备类型'],
  device_id: ['设备'],
  device_port: ['端口'],
  route_length_km: ['路由长度'],
  switch_occupancy: ['交换机实占率'],
  stb_id: ['机顶盒'],
  circuit_id: ['电路编号'],
  bandwidth_mbps: ['带宽'],
  // Where the site is (urban 城市 / county 县城 / rural 农村): the repair limit depends on it.
  location_class: ['区域类型', '城乡属性', '地域类型', '城乡类型'],
} as const;
export type ImportColumn = keyof typeof IMPORT_COLUMNS;

/**
 * An empty import file: the header row, with the English column names or the first Chinese name
 * of each (which the importer reads back). A UTF-8 BOM so that Excel opens the Chinese correctly.
 */
export function importTemplate(lang: 'en' | 'zh-CN'): string {
  const cols = Object.entries(IMPORT_COLUMNS) as Array<[ImportColumn, readonly string[]]>;
  return `\uFEFF${cols.map(([col, aliases]) => (lang === 'en' ? col : (aliases[0] ?? col))).join(',')}\n`;
}

const CUSTOMER_COLUMNS: ImportColumn[] = [
  'kind',
  'name',
  'tier',
  'org_unit',
  'account_manager',
  'phone',
  'email',
  'address',
  'id_type',
  'id_number',
  'credit_code',
  'industry',
  'value_level',
  'tags',
  'notes',
];

export type { ImportProblem } from './customers.import-problems.ts';

export interface ImportProgress {
  phase: 'parse' | 'validate' | 'write';
  done: number;
  total: number;
}

export interface ImportReport {
  ok: boolean;
  dryRun: boolean;
  rows: number;
  customers: number;
  contacts: number;
  instances: number;
  errors: ImportProblem[];
  /** True when more errors exist than the report lists. */
  truncated: boolean;
  ms: number;
}

export const MAX_REPORTED_ERRORS = 1000;

type Row = Partial<Record<ImportColumn, string>>;

// ---- Reading the file ----

const HEADER_ALIASES = new Map<string, ImportColumn>();
for (const [col, aliases] of Object.entries(IMPORT_COLUMNS) as Array<[ImportColumn, readonly string[]]>) {
  HEADER_ALIASES.set(col, col);
  HEADER_ALIASES.set(col.replace(/_/g, ''), col);
  for (const a of aliases) HEADER_ALIASES.set(a, col);
}
const headerOf = (h: string) => HEADER_ALIASES.get(h.trim().toLowerCase()) ?? HEADER_ALIASES.get(h.trim());

export function detectFormat(buf: Buffer): 'csv' | 'xlsx' {
  return buf.subarray(0, 2).toString('latin1') === 'PK' ? 'xlsx' : 'csv';
}

/**
 * A CSV file's text: UTF-8, or else GB18030 (a superset of GBK and GB2312: what Excel in China saves
 * as "CSV"). Read any other way such text became U+FFFD characters in stored names and addresses;
 * bytes that are neither are refused.
 */
export function csvText(buf: Buffer): string {
  if (isUtf8(buf)) return buf.toString('utf8');
  try {
    return new TextDecoder('gb18030', { fatal: true }).decode(buf);
  } catch {
    throw new AppError(
      'VALIDATION_FAILED',
      'The CSV file is neither UTF-8 nor GBK/GB18030 text: save it as "CSV UTF-8" (Excel: 另存为 → CSV UTF-8) or as XLSX',
    );
  }
}

/**
 * CSV text to rows, fed to the parser a slice at a time with an event-loop turn in between (a large
 * file is parsed in pieces of ~64 KB, not in one synchronous call). Slices end after a line feed, so
 * no character is ever cut in two.
 */
async function parseCsvInTurns(text: string): Promise<string[][]> {
  const parser = csvParser({ bom: true, skip_empty_lines: true, relax_column_count: true });
  const rows: string[][] = [];
  parser.on('readable', () => {
    for (let r: unknown = parser.read(); r !== null; r = parser.read()) rows.push(r as string[]);
  });
  const done = new Promise<void>((resolve, reject) => {
    parser.once('end', resolve);
    parser.on('error', reject);
  });
  done.catch(() => {}); // awaited below; an early error must not be unhandled meanwhile
  const SLICE = 64 * 1024;
  for (let i = 0; i < text.length;) {
    const lf = text.indexOf('\n', i + SLICE);
    const end = lf < 0 ? text.length : lf + 1;
    parser.write(text.slice(i, end)); // parsed at once; the rows are read off on 'readable'
    i = end;
    await nextTurn();
    if (parser.destroyed) break;
  }
  parser.end();
  await done;
  return rows;
}

async function readRows(
  buf: Buffer,
  format: 'csv' | 'xlsx',
): Promise<{ header: string[]; rows: string[][] }> {
  let table: string[][];
  if (format === 'csv') {
    const text = csvText(buf);
    try {
      table = await parseCsvInTurns(text);
    } catch (err) {
      // csv-parse's own message can quote the cell (personal information): code and line only.
      const e = err as { code?: string; lines?: number };
      throw new AppError(
        'VALIDATION_FAILED',
        `The CSV file cannot be read: ${e.code ?? 'malformed CSV'}${e.lines ? ` at line ${e.lines}` : ''}`,
      );
    }
  } else {
    // Read on the spreadsheet worker thread (platform/xlsx): ExcelJS never runs on the event loop.
    const read = await readXlsx(buf);
    if ('problem' in read)
      throw new AppError(
        'VALIDATION_FAILED',
        read.problem === 'no_worksheet' ? 'The XLSX file has no worksheet' : 'The XLSX file cannot be read',
      );
    table = read.rows;
  }
  const [header, ...rows] = table;
  if (!header || header.every((h) => !h?.trim()))
    throw new AppError('VALIDATION_FAILED', 'The file is empty: the first row must name the columns');
  return { header, rows };
}

// ---- Turning rows into customers ----

interface Draft {
  firstRow: number;
  customerNo: string | undefined;
  input: Record<string, unknown>;
  /** Which file row and column each field came from, for error reports. */
  origin: Map<string, { row: number; column: ImportColumn }>;
  contacts: Array<{ row: number; value: Record<string, unknown> }>;
  instances: Array<{ row: number; value: Record<string, unknown> }>;
  /** Fields already reported (unknown org unit …): the schema's "missing" issue would repeat it. */
  flagged: Set<string>;
}

const KINDS: Record<string, string> = {
  individual: 'individual',
  enterprise: 'enterprise',
  个人: 'individual',
  公众: 'individual',
  公众客户: 'individual',
  政企: 'enterprise',
  企业: 'enterprise',
  政企客户: 'enterprise',
};
const TIER_BY_NAME = new Map<string, string>([
  ...TIERS.map((t) => [t.toLowerCase(), t] as [string, string]),
  ...TIERS.map((t) => [TIER_NAMES[t], t] as [string, string]),
  ...TIERS.map((t) => [`${TIER_NAMES[t]}客户`, t] as [string, string]),
]);

/** A site's location class by its code or its Chinese name (城市 / 县城 / 农村). */
const LOCATION_CLASS_BY_NAME = new Map<string, LocationClass>([
  ...LOCATION_CLASSES.map((c) => [c, c] as [string, LocationClass]),
  ['城市', 'urban'],
  ['县城', 'county'],
  ['农村', 'rural'],
]);

const emptyToUndefined = (v: string | undefined) =>
  v === undefined || v.trim() === '' ? undefined : v.trim();

interface Lookups {
  units: Map<string, { id: string; path: string }>;
  managers: Map<string, string>;
  products: Set<string>;
}

function number(v: string | undefined): number | string | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : v; // a non-number is left for the schema to reject
}

/** Header problems: unknown columns (or a file without a header row) and no name column. */
function checkHeader(header: string[], columns: Array<ImportColumn | undefined>, problems: ImportProblem[]) {
  header.forEach((h, i) => {
    // A file without a header row has data here: quote only what looks like a column name.
    if (!columns[i] && h.trim())
      problems.push(
        h.trim().length <= 16 && !/\d{3}|@/.test(h)
          ? { row: 1, column: h.trim(), code: 'UNKNOWN_COLUMN', message: 'unknown column' }
          : {
              row: 1,
              column: `#${i + 1}`,
              code: 'NOT_A_HEADER',
              message: 'unknown column (is the first row the column names? see the import columns)',
            },
      );
  });
  if (!columns.includes('name') && !columns.includes('customer_no'))
    problems.push({
      row: 1,
      column: 'name',
      code: 'MISSING_COLUMN',
      message: 'the file needs a name column',
    });
}

/** One row's cells by column (empty cells left out); unstorable characters are problems. */
function rowOf(
  columns: Array<ImportColumn | undefined>,
  cells: string[],
  rowNo: number,
  problems: ImportProblem[],
): Row {
  const row: Row = {};
  columns.forEach((c, k) => {
    if (!c) return;
    row[c] = emptyToUndefined(cells[k]);
    if (row[c] !== undefined && hasUnstorableCharacters(row[c]))
      problems.push({ row: rowNo, column: c, code: 'CONTROL_CHARACTERS', message: UNSTORABLE_MESSAGE });
  });
  return row;
}

/** The row's org unit: known by its code and inside the importer's data scope. */
function orgUnitOf(
  row: Row,
  rowNo: number,
  lookups: Lookups,
  scope: Scope,
): { id: string } | { problem: ImportProblem } {
  const at = { row: rowNo, column: 'org_unit' } as const;
  if (!row.org_unit)
    return { problem: { ...at, code: 'REQUIRED', message: 'is required (an org unit code)' } };
  const unit = lookups.units.get(row.org_unit.toUpperCase()) ?? lookups.units.get(row.org_unit);
  if (!unit) return { problem: { ...at, code: 'ORG_UNIT_UNKNOWN', message: 'no such org unit code' } };
  if (!scope.all && !unit.path.startsWith(scope.path))
    return {
      problem: { ...at, code: 'ORG_UNIT_OUT_OF_SCOPE', message: 'the org unit is outside your data scope' },
    };
  return { id: unit.id };
}

/** The customer fields of a customer's first row, resolved against the lookups and the scope. */
function customerFields(
  draft: Draft,
  row: Row,
  rowNo: number,
  lookups: Lookups,
  scope: Scope,
  problems: ImportProblem[],
) {
  const set = (field: string, column: ImportColumn, value: unknown) => {
    if (value === undefined) return;
    draft.input[field] = value;
    draft.origin.set(field, { row: rowNo, column });
  };
  const kind = row.kind
    ? KINDS[row.kind.toLowerCase()]
    : row.tier || row.credit_code
      ? 'enterprise'
      : 'individual';
  const flag = (field: string, problem: ImportProblem) => {
    draft.flagged.add(field);
    problems.push(problem);
  };
  if (row.kind && !kind)
    problems.push({
      row: rowNo,
      column: 'kind',
      code: 'INVALID_OPTION',
      params: { allowed: ['individual', 'enterprise'] },
      message: 'must be individual or enterprise (公众 / 政企)',
    });
  set('kind', 'kind', kind ?? 'individual');
  set('name', 'name', row.name);
  if (row.tier) {
    const tier = TIER_BY_NAME.get(row.tier.toLowerCase()) ?? TIER_BY_NAME.get(row.tier);
    if (!tier)
      flag('tier', {
        row: rowNo,
        column: 'tier',
        code: 'INVALID_OPTION',
        params: { allowed: [...TIERS] },
        message: `must be one of ${TIERS.join(', ')} (or 集团级 … 本地C)`,
      });
    set('tier', 'tier', tier);
  }
  const unit = orgUnitOf(row, rowNo, lookups, scope);
  if ('problem' in unit) flag('orgUnitId', unit.problem);
  else set('orgUnitId', 'org_unit', unit.id);
  if (row.account_manager) {
    const m = lookups.managers.get(row.account_manager.toLowerCase());
    if (!m)
      flag('accountManagerId', {
        row: rowNo,
        column: 'account_manager',
        code: 'ACCOUNT_MANAGER_UNKNOWN',
        message: 'no such active user login',
      });
    else set('accountManagerId', 'account_manager', m);
  }
  set('phone', 'phone', row.phone);
  set('email', 'email', row.email);
  set('address', 'address', row.address);
  set('idType', 'id_type', row.id_type);
  set('idNumber', 'id_number', row.id_number);
  set('creditCode', 'credit_code', row.credit_code);
  set('industry', 'industry', row.industry);
  set('valueLevel', 'value_level', row.value_level);
  set(
    'tags',
    'tags',
    row.tags
      ?.split(/[;；,，]/)
      .map((t) => t.trim())
      .filter(Boolean),
  );
  set('notes', 'notes', row.notes);
}

/** A repeated customer number adds to that customer; its customer columns must agree or be empty. */
function checkRepeat(draft: Draft, row: Row, rowNo: number, first: Row, problems: ImportProblem[]) {
  for (const c of CUSTOMER_COLUMNS) {
    if (row[c] !== undefined && first[c] !== row[c])
      problems.push({
        row: rowNo,
        column: c,
        code: 'INCONSISTENT_REPEAT',
        params: { firstRow: draft.firstRow },
        message: `differs from row ${draft.firstRow} of the same customer`,
      });
  }
}

/** The row's contact and instance, if it has them (any row of a customer may add one of each). */
function attachments(draft: Draft, row: Row, rowNo: number, lookups: Lookups, problems: ImportProblem[]) {
  if (row.contact_name || row.contact_mobile || row.contact_phone || row.contact_email) {
    draft.contacts.push({
      row: rowNo,
      value: {
        name: row.contact_name,
        ...(row.contact_role ? { role: row.contact_role } : {}),
        mobile: row.contact_mobile,
        officePhone: row.contact_phone,
        email: row.contact_email,
        isPrimary: draft.contacts.length === 0,
      },
    });
  }
  if (row.product || row.account_no) {
    if (row.product && !lookups.products.has(row.product))
      problems.push({
        row: rowNo,
        column: 'product',
        code: 'PRODUCT_UNKNOWN',
        message: 'unknown or inactive product code',
      });
    const locationClass = row.location_class
      ? LOCATION_CLASS_BY_NAME.get(row.location_class.toLowerCase())
      : undefined;
    if (row.location_class && !locationClass)
      problems.push({
        row: rowNo,
        column: 'location_class',
        code: 'INVALID_OPTION',
        params: { allowed: [...LOCATION_CLASSES] },
        message: `must be one of ${LOCATION_CLASSES.join(', ')} (or 城市 / 县城 / 农村)`,
      });
    draft.instances.push({
      row: rowNo,
      value: {
        productCode: row.product,
        accountNo: row.account_no,
        ...(row.instance_status ? { status: row.instance_status } : {}),
        serviceAddress: row.service_address,
        accessType: row.access_type?.toLowerCase(),
        exchange: row.exchange,
        deviceType: row.device_type?.toLowerCase(),
        deviceId: row.device_id,
        devicePort: row.device_port,
        routeLengthKm: number(row.route_length_km),
        switchOccupancy: number(row.switch_occupancy),
        stbId: row.stb_id,
        circuitId: row.circuit_id,
        bandwidthMbps: number(row.bandwidth_mbps),
        locationClass,
      },
    });
  }
}

export function draftsFromRows(
  header: string[],
  rows: string[][],
  lookups: Lookups,
  scope: Scope,
  problems: ImportProblem[],
): Draft[] {
  const columns = header.map(headerOf);
  checkHeader(header, columns, problems);
  const byNo = new Map<string, { draft: Draft; first: Row }>();
  const drafts: Draft[] = [];
  rows.forEach((cells, i) => {
    const rowNo = i + 2; // 1-based, after the header
    const row = rowOf(columns, cells, rowNo, problems);
    if (Object.values(row).every((v) => v === undefined)) return;
    const no = row.customer_no?.toUpperCase();
    const known = no ? byNo.get(no) : undefined;
    if (known) {
      checkRepeat(known.draft, row, rowNo, known.first, problems);
      attachments(known.draft, row, rowNo, lookups, problems);
      return;
    }
    const draft: Draft = {
      firstRow: rowNo,
      customerNo: no,
      input: {},
      origin: new Map(),
      contacts: [],
      instances: [],
      flagged: new Set(),
    };
    drafts.push(draft);
    if (no) byNo.set(no, { draft, first: row });
    customerFields(draft, row, rowNo, lookups, scope, problems);
    attachments(draft, row, rowNo, lookups, problems);
  });
  return drafts;
}

const CONTACT_COLUMN: Record<string, ImportColumn> = {
  name: 'contact_name',
  role: 'contact_role',
  mobile: 'contact_mobile',
  officePhone: 'contact_phone',
  email: 'contact_email',
};
const INSTANCE_COLUMN: Record<string, ImportColumn> = {
  productCode: 'product',
  accountNo: 'account_no',
  status: 'instance_status',
  serviceAddress: 'service_address',
  accessType: 'access_type',
  exchange: 'exchange',
  deviceType: 'device_type',
  deviceId: 'device_id',
  devicePort: 'device_port',
  routeLengthKm: 'route_length_km',
  switchOccupancy: 'switch_occupancy',
  stbId: 'stb_id',
  circuitId: 'circuit_id',
  bandwidthMbps: 'bandwidth_mbps',
  locationClass: 'location_class',
};

/** Where in the file a schema issue points: the row and column the value came from. */
function locate(d: Draft, issue: z.core.$ZodIssue): ImportProblem {
  const [head, index, field] = issue.path.map(String);
  const what = { ...issueCode(issue), message: issue.message };
  if (head === 'contacts' && index !== undefined) {
    const c = d.contacts[Number(index)];
    return {
      row: c?.row ?? d.firstRow,
      column: field ? (CONTACT_COLUMN[field] ?? field) : 'contact_name',
      ...what,
    };
  }
  if (head === 'instances' && index !== undefined) {
    const i = d.instances[Number(index)];
    return {
      row: i?.row ?? d.firstRow,
      column: field ? (INSTANCE_COLUMN[field] ?? field) : 'product',
      ...what,
    };
  }
  const o = head ? d.origin.get(head) : undefined;
  const fallback: Record<string, ImportColumn> = { name: 'name', orgUnitId: 'org_unit', tier: 'tier' };
  return {
    row: o?.row ?? d.firstRow,
    column: o?.column ?? (head ? (fallback[head] ?? head) : null),
    ...what,
  };
}

async function loadLookups(db: Executor): Promise<Lookups> {
  const [units, managers, products] = await Promise.all([
    orgUnits(db, { activeOnly: true }),
    activeUserLogins(db),
    activeProductCodes(db),
  ]);
  return {
    units: new Map(
      units.flatMap((u) => [
        [u.code, { id: u.id, path: u.path }] as const,
        [u.code.toUpperCase(), { id: u.id, path: u.path }] as const,
      ]),
    ),
    managers: new Map(managers.map((m) => [m.login, m.id])),
    products,
  };
}

/** Checks against what is already stored: customer numbers, ID numbers, credit codes, account numbers. */
type Item = { d: Draft; input: CustomerInput };

/** A stored customer holding a value of a row's customer. */
type Found = Holder & { d: Draft };

// Customer numbers are the operator's, carry no personal information and are referred to
// everywhere: unique across the whole database, whoever imports.
async function existingNumbers(db: Executor, part: Item[], problems: ImportProblem[]) {
  const nos = part.map((p) => p.d.customerNo).filter((x): x is string => !!x);
  if (nos.length) {
    const found = new Set(
      (await db.selectFrom('customers').select('customer_no').where('customer_no', 'in', nos).execute()).map(
        (r) => r.customer_no,
      ),
    );
    for (const p of part)
      if (p.d.customerNo && found.has(p.d.customerNo))
        problems.push({
          row: p.d.firstRow,
          column: 'customer_no',
          code: 'CUSTOMER_NO_EXISTS',
          message: 'a customer with this number already exists',
        });
  }
}

/** Whether the importer sees the stored customer (alias "c"), as a selected column. */
const inScopeColumn = (scope: Scope) => (scope.all ? sql<boolean>`true` : customerInScope(scope));

async function existingIdNumbers(
  db: Executor,
  vault: PiiVault,
  scope: Scope,
  part: Item[],
  problems: ImportProblem[],
  found: Found[],
) {
  const hashes = new Map<string, Draft>();
  for (const p of part)
    if (p.input.idNumber)
      for (const h of vault.blindIndexes(normaliseIdNumber(p.input.idType, p.input.idNumber)))
        hashes.set(h, p.d);
  if (hashes.size) {
    const rows = await db
      .selectFrom('customers as c')
      .select(['c.id', 'c.org_unit_id', 'c.id_number_hash', inScopeColumn(scope).as('in_scope')])
      .where('c.id_number_hash', 'in', [...hashes.keys()])
      .execute();
    for (const r of rows) {
      const d = hashes.get(r.id_number_hash!)!;
      found.push({ d, field: 'idNumber', customerId: r.id, orgUnitId: r.org_unit_id, inScope: r.in_scope });
      if (r.in_scope)
        problems.push({
          row: d.origin.get('idNumber')?.row ?? d.firstRow,
          column: 'id_number',
          code: 'ID_NUMBER_EXISTS',
          message: 'another customer already has this ID number',
        });
    }
  }
}

async function existingCreditCodes(
  db: Executor,
  scope: Scope,
  part: Item[],
  problems: ImportProblem[],
  found: Found[],
) {
  const codes = new Map(part.filter((p) => p.input.creditCode).map((p) => [p.input.creditCode!, p.d]));
  if (codes.size) {
    const rows = await db
      .selectFrom('customers as c')
      .select(['c.id', 'c.org_unit_id', 'c.credit_code', inScopeColumn(scope).as('in_scope')])
      .where('c.credit_code', 'in', [...codes.keys()])
      .where('c.status', '<>', 'erased')
      .execute();
    for (const r of rows) {
      const d = codes.get(r.credit_code!)!;
      found.push({ d, field: 'creditCode', customerId: r.id, orgUnitId: r.org_unit_id, inScope: r.in_scope });
      if (r.in_scope)
        problems.push({
          row: d.origin.get('creditCode')?.row ?? d.firstRow,
          column: 'credit_code',
          code: 'CREDIT_CODE_EXISTS',
          message: 'another customer already has this credit code',
        });
    }
  }
}

async function existingAccounts(
  db: Executor,
  scope: Scope,
  part: Item[],
  problems: ImportProblem[],
  found: Found[],
) {
  const drafts: Draft[] = [];
  const accounts = part.flatMap((p) =>
    (p.input.instances ?? []).flatMap((inst, k) => {
      if (inst.status === 'terminated') return [];
      drafts.push(p.d);
      return [
        {
          product_code: inst.productCode,
          account_no: inst.accountNo,
          row: p.d.instances[k]!.row,
          n: drafts.length - 1,
        },
      ];
    }),
  );
  if (accounts.length) {
    const inScope = scope.all ? sql<boolean>`true` : customerInScope(scope);
    const r = await sql<{ row: number; n: number; id: string; org_unit_id: string; in_scope: boolean }>`
      select distinct on (a.n, c.id) a.row, a.n, c.id, c.org_unit_id, ${inScope} as in_scope
      from jsonb_to_recordset(${JSON.stringify(accounts)}::jsonb) as a(product_code text, account_no text, row int, n int)
      join product_instances i on i.product_code = a.product_code and i.account_no = a.account_no
        and i.status <> 'terminated'
      join customers c on c.id = i.customer_id`.execute(db);
    for (const x of r.rows) {
      found.push({
        d: drafts[x.n]!,
        field: 'accountNo',
        customerId: x.id,
        orgUnitId: x.org_unit_id,
        inScope: x.in_scope,
      });
      if (x.in_scope)
        problems.push({
          row: x.row,
          column: 'account_no',
          code: 'ACCOUNT_NO_EXISTS',
          message: 'this product already has an active instance with this account number',
        });
    }
  }
}

/**
 * Conflicts with what the database holds already, in batches (index lookups, one per kind). Only
 * customers the importer sees are reported (issue 9: a dry run used to tell, for a thousand ID
 * numbers a file, who is a customer anywhere); every customer found is returned, for the access
 * log and, once the file is written, for the duplicates' review.
 */
async function checkExisting(
  db: Executor,
  vault: PiiVault,
  scope: Scope,
  items: Item[],
  problems: ImportProblem[],
): Promise<Found[]> {
  const found: Found[] = [];
  const batch = 500; // one lookup statement per field and batch: on PGlite each holds the loop
  for (let i = 0; i < items.length; i += batch) {
    const part = items.slice(i, i + batch);
    await existingNumbers(db, part, problems);
    await existingIdNumbers(db, vault, scope, part, problems, found);
    await existingCreditCodes(db, scope, part, problems, found);
    await existingAccounts(db, scope, part, problems, found);
  }
  return found;
}

/** Every stored customer a check found goes into the access log (who matched it; never the value). */
async function logFound(db: Executor, actor: AuditActor, found: readonly Found[]) {
  const ids = [...new Set(found.map((f) => f.customerId))];
  for (let i = 0; i < ids.length; i += 1000)
    await logAccess(db, actor, ids.slice(i, i + 1000), 'search', `${UNIQUENESS_PURPOSE} (import)`);
}

export interface ImportOptions {
  db: Db;
  vault: PiiVault;
  actor: AuditActor;
  /** The importer's data scope; undefined = everything (the command line). */
  scopePath?: string;
  dryRun?: boolean;
  format?: 'csv' | 'xlsx';
  fileName?: string;
  onProgress?: (p: ImportProgress) => void;
  /** Rows per insert statement. */
  chunk?: number;
}

/** What earlier customers of the file used, to name a repeat with the row it repeats. */
interface SeenInFile {
  ids: Map<string, number>;
  codes: Map<string, number>;
  accounts: Map<string, number>;
}

/** Duplicates inside the file: ID numbers, credit codes, live product + account numbers. */
function duplicatesInFile(d: Draft, input: CustomerInput, seen: SeenInFile, problems: ImportProblem[]) {
  if (input.idNumber) {
    const key = normaliseIdNumber(input.idType, input.idNumber);
    const other = seen.ids.get(key);
    if (other)
      problems.push({
        row: d.origin.get('idNumber')!.row,
        column: 'id_number',
        code: 'DUPLICATE_IN_FILE',
        params: { otherRow: other },
        message: `the same ID number is on row ${other}`,
      });
    else seen.ids.set(key, d.firstRow);
  }
  if (input.creditCode) {
    const other = seen.codes.get(input.creditCode);
    if (other)
      problems.push({
        row: d.firstRow,
        column: 'credit_code',
        code: 'DUPLICATE_IN_FILE',
        params: { otherRow: other },
        message: `the same credit code is on row ${other}`,
      });
    else seen.codes.set(input.creditCode, d.firstRow);
  }
  (input.instances ?? []).forEach((inst, j) => {
    const key = `${inst.productCode} ${inst.accountNo}`;
    const row = d.instances[j]!.row;
    const other = seen.accounts.get(key);
    if (other && inst.status !== 'terminated')
      problems.push({
        row,
        column: 'account_no',
        code: 'DUPLICATE_IN_FILE',
        params: { otherRow: other },
        message: `the same product and account number are on row ${other}`,
      });
    else seen.accounts.set(key, row);
  });
}

/**
 * Every customer validated with the API's own schema (and against the file's other rows). A file
 * of thousands of rows takes a second or more: the event loop gets a turn every 20 ms, so health
 * checks, other requests and signals are not held for the whole file (BENCHMARKS.md, "Event loop").
 */
async function validateDrafts(
  drafts: Draft[],
  problems: ImportProblem[],
  progress: (p: ImportProgress) => void,
): Promise<Array<{ d: Draft; input: CustomerInput }>> {
  const turn = turnsEvery(20);
  const valid: Array<{ d: Draft; input: CustomerInput }> = [];
  const seen: SeenInFile = { ids: new Map(), codes: new Map(), accounts: new Map() };
  const step = Math.max(1000, Math.ceil(drafts.length / 100));
  for (const [k, d] of drafts.entries()) {
    if (problems.length > MAX_REPORTED_ERRORS) break;
    const parsed = customerInput.safeParse(
      {
        ...d.input,
        contacts: d.contacts.map((c) => c.value),
        instances: d.instances.map((i) => i.value),
      },
      // Tells a missing value from a wrong one (issueCode); the input is never put in the report.
      { reportInput: true },
    );
    if (!parsed.success) {
      for (const issue of parsed.error.issues)
        if (!d.flagged.has(String(issue.path[0]))) problems.push(locate(d, issue));
    } else {
      duplicatesInFile(d, parsed.data, seen, problems);
      valid.push({ d, input: parsed.data });
    }
    if ((k + 1) % step === 0) progress({ phase: 'validate', done: k + 1, total: drafts.length });
    await turn();
  }
  return valid;
}

/** The file's rows conflict with stored customers the importer sees: the transaction is undone. */
class ImportConflicts extends Error {
  constructor(readonly found: Found[]) {
    super('the file conflicts with stored customers');
  }
}

/**
 * Writes a valid file in one transaction: nothing is ever half-imported. The check against stored
 * customers runs inside it, under an exclusive lock on every unique field, so that no write of the
 * same values slips in between (the database no longer refuses a duplicate: duplicates outside
 * the importer's scope are written and recorded for review).
 */
async function writeImport(
  opts: ImportOptions,
  scope: Scope,
  valid: Array<{ d: Draft; input: CustomerInput }>,
  problems: ImportProblem[],
  format: 'csv' | 'xlsx',
  counts: { rows: number; customers: number; contacts: number; instances: number },
  progress: (p: ImportProgress) => void,
): Promise<void> {
  const chunk = opts.chunk ?? 250;
  return opts.db.transaction().execute(async (trx) => {
    await lockAllUniqueValues(trx);
    const found = await checkExisting(trx, opts.vault, scope, valid, problems);
    if (problems.length) throw new ImportConflicts(found);
    const numbers = await nextCustomerNumbers(trx, valid.filter((v) => !v.d.customerNo).length);
    const ids = new Map<Draft, { id: string; orgUnitId: string }>();
    let n = 0;
    progress({ phase: 'write', done: 0, total: valid.length });
    for (let i = 0; i < valid.length; i += chunk) {
      const prepared = valid.slice(i, i + chunk).map((v) => {
        const p = prepareCustomer(opts.vault, v.input, v.d.customerNo ?? numbers[n++]!);
        ids.set(v.d, { id: p.customer.id, orgUnitId: v.input.orgUnitId });
        return p;
      });
      await insertPrepared(trx, prepared, chunk);
      progress({ phase: 'write', done: Math.min(i + chunk, valid.length), total: valid.length });
    }
    await appendAudit(trx, opts.actor, {
      action: 'customer.import',
      entityType: 'customer',
      details: { format, fileName: opts.fileName ?? null, ...counts },
    });
    // What is left is held outside the importer's scope: written, and recorded for review.
    for (const f of found) await recordDuplicates(trx, opts.actor, [f], ids.get(f.d)!);
    await recordImportEvent(trx, { format, ...counts });
  });
}

export async function importCustomers(file: Buffer, opts: ImportOptions): Promise<ImportReport> {
  const started = performance.now();
  const progress = opts.onProgress ?? (() => {});
  const format = opts.format ?? detectFormat(file);
  const scope = opts.scopePath ? scopeFromPath(opts.scopePath) : { path: '/', all: true };
  progress({ phase: 'parse', done: 0, total: 1 });
  const { header, rows } = await readRows(file, format);
  progress({ phase: 'parse', done: 1, total: 1 });
  const problems: ImportProblem[] = [];
  const lookups = await loadLookups(opts.db);
  const drafts = draftsFromRows(header, rows, lookups, scope, problems);
  const valid = await validateDrafts(drafts, problems, progress);
  // A dry run checks here; a real one inside its transaction (writeImport).
  if (problems.length === 0 && opts.dryRun)
    await logFound(opts.db, opts.actor, await checkExisting(opts.db, opts.vault, scope, valid, problems));
  progress({ phase: 'validate', done: drafts.length, total: drafts.length });

  const counts = {
    rows: rows.length,
    customers: drafts.length,
    contacts: drafts.reduce((n, d) => n + d.contacts.length, 0),
    instances: drafts.reduce((n, d) => n + d.instances.length, 0),
  };
  const report = (ok: boolean): ImportReport => {
    const sorted = problems.sort((a, b) => a.row - b.row);
    return {
      ok,
      dryRun: !!opts.dryRun,
      ...counts,
      errors: sorted.slice(0, MAX_REPORTED_ERRORS),
      truncated: sorted.length > MAX_REPORTED_ERRORS,
      ms: Math.round(performance.now() - started),
    };
  };
  if (problems.length > 0 || drafts.length === 0) {
    if (drafts.length === 0 && problems.length === 0)
      problems.push({ row: 1, column: null, code: 'NO_DATA_ROWS', message: 'the file has no data rows' });
    return report(false);
  }
  if (opts.dryRun) return report(true);
  try {
    // Duplicates outside the scope were recorded and access-logged in the transaction.
    await writeImport(opts, scope, valid, problems, format, counts, progress);
  } catch (err) {
    if (!(err instanceof ImportConflicts)) throw err;
    await logFound(opts.db, opts.actor, err.found);
    return report(false);
  }
  return report(true);
}

// ---- Writing an import file (demo data, tests, benchmarks) ----

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Customers as import rows (org units by code): the inverse of the import. */
export function customersToCsv(
  customers: Array<CustomerInput & { customerNo?: string }>,
  unitCode: (id: string) => string,
): string {
  const cols = Object.keys(IMPORT_COLUMNS) as ImportColumn[];
  const lines = [cols.join(',')];
  for (const c of customers) {
    const n = Math.max(1, c.instances?.length ?? 0, c.contacts?.length ?? 0);
    for (let k = 0; k < n; k++) {
      const inst = c.instances?.[k];
      const contact = c.contacts?.[k];
      const row: Row = {
        customer_no: c.customerNo,
        ...(k === 0
          ? {
              kind: c.kind,
              name: c.name,
              tier: c.tier ?? undefined,
              org_unit: unitCode(c.orgUnitId),
              phone: c.phone ?? undefined,
              email: c.email ?? undefined,
              address: c.address ?? undefined,
              id_number: c.idNumber ?? undefined,
              credit_code: c.creditCode ?? undefined,
              industry: c.industry ?? undefined,
              value_level: c.valueLevel ?? undefined,
              tags: c.tags?.join(';'),
            }
          : {}),
        ...(contact
          ? {
              contact_name: contact.name,
              contact_role: contact.role,
              contact_mobile: contact.mobile ?? undefined,
              contact_phone: contact.officePhone ?? undefined,
              contact_email: contact.email ?? undefined,
            }
          : {}),
        ...(inst
          ? {
              product: inst.productCode,
              account_no: inst.accountNo,
              service_address: inst.serviceAddress ?? undefined,
              access_type: inst.accessType ?? undefined,
              exchange: inst.exchange ?? undefined,
              device_type: inst.deviceType ?? undefined,
              device_id: inst.deviceId ?? undefined,
              device_port: inst.devicePort ?? undefined,
              route_length_km: inst.routeLengthKm?.toString(),
              switch_occupancy: inst.switchOccupancy?.toString(),
              stb_id: inst.stbId ?? undefined,
              circuit_id: inst.circuitId ?? undefined,
              bandwidth_mbps: inst.bandwidthMbps?.toString(),
              location_class: inst.locationClass ?? undefined,
            }
          : {}),
      };
      lines.push(cols.map((col) => csvCell(row[col])).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}
