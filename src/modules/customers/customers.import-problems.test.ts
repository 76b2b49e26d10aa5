import { describe, expect, it } from 'vitest';
import customersEn from '../../../web/src/i18n/locales/customers.en.ts';
import customersZhCN from '../../../web/src/i18n/locales/customers.zh-CN.ts';
import { draftsFromRows, IMPORT_COLUMNS, type ImportProblem } from './customers.import.ts';
import { IMPORT_PROBLEM_CODES, issueCode } from './customers.import-problems.ts';
import { customerInput } from './customers.schemas.ts';
import { creditCodeCheckChar, residentIdCheckChar } from './domain/pii.ts';

const UNIT = '00000000-0000-4000-8000-000000000001';
const valid = { kind: 'individual', name: '王芳', orgUnitId: UNIT };

/** The codes (with params) of a customer input's issues, by path. */
function codes(input: Record<string, unknown>) {
  const r = customerInput.safeParse(input, { reportInput: true });
  if (r.success) return {};
  return Object.fromEntries(r.error.issues.map((i) => [i.path.join('.'), issueCode(i)]));
}

describe('import problem codes from the schema', () => {
  it('maps zod issue kinds to codes with their limits', () => {
    expect(
      codes({
        kind: 'individual',
        name: '长'.repeat(201),
        orgUnitId: UNIT,
        valueLevel: 'vip',
        tags: Array.from({ length: 31 }, (_, i) => `t${i}`),
        customerNo: 'A B',
      }),
    ).toEqual({
      name: { code: 'TOO_LONG', params: { max: 200 } },
      valueLevel: {
        code: 'INVALID_OPTION',
        params: { allowed: expect.arrayContaining(['gold', 'diamond']) },
      },
      tags: { code: 'TOO_MANY', params: { max: 30 } },
      customerNo: { code: 'CUSTOMER_NO_FORMAT' },
    });
    expect(codes({ kind: 'individual', orgUnitId: UNIT })).toEqual({ name: { code: 'REQUIRED' } });
    expect(codes({ ...valid, name: '   ' })).toEqual({ name: { code: 'REQUIRED' } });
  });

  it('maps numbers: not a number, not an integer, out of range, too many decimals', () => {
    const inst = (v: Record<string, unknown>) =>
      codes({ ...valid, instances: [{ productCode: 'broadband.ftth', accountNo: 'A1', ...v }] });
    expect(inst({ routeLengthKm: 'far' })).toEqual({ 'instances.0.routeLengthKm': { code: 'NOT_A_NUMBER' } });
    expect(inst({ bandwidthMbps: 1.5 })).toEqual({ 'instances.0.bandwidthMbps': { code: 'NOT_AN_INTEGER' } });
    expect(inst({ bandwidthMbps: 0 })).toEqual({
      'instances.0.bandwidthMbps': { code: 'MUST_EXCEED', params: { min: 0 } },
    });
    expect(inst({ switchOccupancy: 101 })).toEqual({
      'instances.0.switchOccupancy': { code: 'TOO_BIG', params: { max: 100 } },
    });
    expect(inst({ routeLengthKm: -1 })).toEqual({
      'instances.0.routeLengthKm': { code: 'TOO_SMALL', params: { min: 0 } },
    });
    expect(inst({ routeLengthKm: 1.234 })).toEqual({
      'instances.0.routeLengthKm': { code: 'TOO_MANY_DECIMALS', params: { max: 2 } },
    });
    expect(inst({ devicePort: '1/1' })).toEqual({
      'instances.0.devicePort': { code: 'DEVICE_PORT_NEEDS_DEVICE' },
    });
  });

  it('carries the codes of the personal-information rules', () => {
    const id17 = '32010219900307128';
    const goodId = id17 + residentIdCheckChar(id17);
    const wrongCheck = id17 + (goodId.endsWith('0') ? '1' : '0');
    const feb30 = '32010219900230128';
    const cc17 = '91320102MA1C0DE01';
    expect(codes({ ...valid, phone: '1381234' })).toEqual({ phone: { code: 'PHONE_MOBILE_INVALID' } });
    expect(codes({ ...valid, phone: '025-1234' })).toEqual({ phone: { code: 'PHONE_FIXED_INVALID' } });
    expect(codes({ ...valid, phone: 'abc' })).toEqual({ phone: { code: 'PHONE_INVALID' } });
    expect(codes({ ...valid, idNumber: '1234' })).toEqual({ idNumber: { code: 'ID_NUMBER_FORMAT' } });
    expect(codes({ ...valid, idNumber: wrongCheck })).toEqual({
      idNumber: { code: 'ID_NUMBER_CHECK_DIGIT' },
    });
    expect(codes({ ...valid, idNumber: feb30 + residentIdCheckChar(feb30) })).toEqual({
      idNumber: { code: 'ID_NUMBER_BIRTH_DATE' },
    });
    expect(codes({ ...valid, idType: 'passport', idNumber: '#1' })).toEqual({
      idNumber: { code: 'ID_NUMBER_OTHER_FORMAT' },
    });
    const enterprise = { ...valid, kind: 'enterprise', tier: 'group' };
    expect(codes({ ...enterprise, creditCode: `${cc17}I` })).toEqual({
      creditCode: { code: 'CREDIT_CODE_FORMAT' },
    });
    const wrongCc = cc17 + (creditCodeCheckChar(cc17) === '0' ? '1' : '0');
    expect(codes({ ...enterprise, creditCode: wrongCc })).toEqual({
      creditCode: { code: 'CREDIT_CODE_CHECK' },
    });
    expect(codes({ ...valid, email: 'nope' })).toEqual({ email: { code: 'EMAIL_INVALID' } });
    expect(codes({ ...valid, email: 'z***@example.com' })).toEqual({ email: { code: 'MASKED_VALUE' } });
    expect(codes({ ...valid, kind: 'enterprise' })).toEqual({ tier: { code: 'TIER_REQUIRED' } });
    expect(codes({ ...valid, tier: 'group' })).toEqual({ tier: { code: 'TIER_ENTERPRISE_ONLY' } });
  });

  it('falls back to INVALID for an issue it has no code for', () => {
    expect(issueCode({ code: 'custom', path: ['x'], message: 'odd', input: 1 })).toEqual({ code: 'INVALID' });
    expect(
      issueCode({ code: 'custom', path: ['x'], message: 'odd', params: { code: 'NO_SUCH_CODE' }, input: 1 }),
    ).toEqual({ code: 'INVALID' });
  });
});

describe('import problems found while reading rows', () => {
  const lookups = {
    units: new Map([['CT.JS.NJ', { id: UNIT, path: '/js/nj/' }]]),
    managers: new Map([['manager', '00000000-0000-4000-8000-000000000002']]),
    products: new Set(['broadband.ftth']),
  };
  const read = (header: string[], rows: string[][], scope = { path: '/', all: true }) => {
    const problems: ImportProblem[] = [];
    draftsFromRows(header, rows, lookups, scope, problems);
    return problems.map(({ row, column, code, params }) => ({
      row,
      column,
      code,
      ...(params ? { params } : {}),
    }));
  };

  it('names unknown columns, references, bad options and repeats by code, without the values', () => {
    const header = [
      'customer_no',
      'kind',
      'name',
      'org_unit',
      'account_manager',
      'product',
      'account_no',
      'colour',
    ];
    const problems = read(header, [
      ['A1', 'person', '甲', 'CT.JS.NJ', '', '', '', ''],
      ['A2', 'individual', '乙', 'CT.XX', 'ghost', 'no.such', 'X1', ''],
      ['A3', 'individual', '丙', '', '', '', '', ''],
      ['A1', '', '丁', '', '', '', '', ''],
    ]);
    expect(problems).toEqual([
      { row: 1, column: 'colour', code: 'UNKNOWN_COLUMN' },
      { row: 2, column: 'kind', code: 'INVALID_OPTION', params: { allowed: ['individual', 'enterprise'] } },
      { row: 3, column: 'org_unit', code: 'ORG_UNIT_UNKNOWN' },
      { row: 3, column: 'account_manager', code: 'ACCOUNT_MANAGER_UNKNOWN' },
      { row: 3, column: 'product', code: 'PRODUCT_UNKNOWN' },
      { row: 4, column: 'org_unit', code: 'REQUIRED' },
      { row: 5, column: 'name', code: 'INCONSISTENT_REPEAT', params: { firstRow: 2 } },
    ]);
    expect(read(['name', 'org_unit'], [['甲', 'CT.JS.NJ']], { path: '/zj/', all: false })).toEqual([
      { row: 2, column: 'org_unit', code: 'ORG_UNIT_OUT_OF_SCOPE' },
    ]);
    expect(read(['13812345678', 'kind'], [])).toEqual([
      { row: 1, column: '#1', code: 'NOT_A_HEADER' },
      { row: 1, column: 'name', code: 'MISSING_COLUMN' },
    ]);
    expect(read(['name', 'org_unit'], [['甲\u0000', 'CT.JS.NJ']])).toEqual([
      { row: 2, column: 'name', code: 'CONTROL_CHARACTERS' },
    ]);
  });
});

describe('the console can say every problem', () => {
  it('has a zh-CN and an English text for every code', () => {
    for (const code of IMPORT_PROBLEM_CODES) {
      expect(customersZhCN.import.problems[code], code).toBeTruthy();
      expect(customersEn.import.problems[code], code).toBeTruthy();
    }
  });

  it("shows each column by the Chinese header the import reads (the template's)", () => {
    for (const [column, aliases] of Object.entries(IMPORT_COLUMNS))
      expect(customersZhCN.import.columns[column as keyof typeof IMPORT_COLUMNS], column).toBe(aliases[0]);
  });
});
