import { describe, expect, it } from 'vitest';
import { ApiError, serverFieldErrors } from '../../api/errors.ts';
import { contractActions, contractError, contractStatus, limitOf, rowsOfContract } from './contracts.ts';

describe('contractStatus', () => {
  const c = { validFrom: '2026-01-01', validTo: '2026-12-31' };
  it('is in force from the first to the last day, both included', () => {
    expect(contractStatus(c, '2025-12-31')).toBe('upcoming');
    expect(contractStatus(c, '2026-01-01')).toBe('current');
    expect(contractStatus(c, '2026-12-31')).toBe('current');
    expect(contractStatus(c, '2027-01-01')).toBe('ended');
  });
  it('never ends when open-ended', () => {
    expect(contractStatus({ validFrom: '2026-01-01', validTo: null }, '2099-01-01')).toBe('current');
  });
  it('offers to end only a contract in force', () => {
    expect(contractActions(c, '2026-06-01')).toEqual(['edit', 'end']);
    expect(contractActions(c, '2025-06-01')).toEqual(['edit']);
    expect(contractActions(c, '2027-06-01')).toEqual(['edit']);
  });
});

describe('limitOf', () => {
  it('says a duration as the SLA module does: round the clock on 24x7, working time otherwise', () => {
    expect(limitOf('3wd', 'cn-workdays')).toEqual({ amount: 3, unit: 'working_days' });
    expect(limitOf('15d', '24x7')).toEqual({ amount: 15, unit: 'calendar_days' });
    expect(limitOf('4h', '24x7')).toEqual({ amount: 4, unit: 'hours' });
    expect(limitOf('4h', 'cn-office')).toEqual({ amount: 4, unit: 'working_hours' });
    expect(limitOf('30m', '24x7')).toEqual({ amount: 30, unit: 'minutes' });
    expect(limitOf('30m', 'cn-office')).toEqual({ amount: 30, unit: 'working_minutes' });
    expect(limitOf('1.5h', '24x7')).toBeUndefined();
  });
});

describe('rowsOfContract', () => {
  it('keeps the active rows naming the contract, in order', () => {
    const rows = [
      { code: 'a', match: { contractId: 'C-1' }, active: true },
      { code: 'b', match: { contractId: 'C-2' }, active: true },
      { code: 'c', match: {}, active: true },
      { code: 'd', match: { contractId: 'C-1' }, active: false },
      { code: 'e', match: { contractId: 'C-1' }, active: true },
    ];
    expect(rowsOfContract(rows, 'C-1').map((r) => r.code)).toEqual(['a', 'e']);
  });
});

describe('contractError', () => {
  const t = (key: string, o?: Record<string, unknown>) => `${key}${o ? ` ${JSON.stringify(o)}` : ''}`;

  it('puts a taken number (409) on the number field, in the user’s words', () => {
    const err = new ApiError(409, 'CONFLICT', 'A contract numbered X exists', { field: 'contractNo' });
    expect(serverFieldErrors(contractError(err, t))).toEqual([
      { name: ['contractNo'], errors: ['customers.contracts.errors.numberTaken'] },
    ]);
  });

  it('names the contract an overlap is with', () => {
    const err = new ApiError(422, 'UNPROCESSABLE', 'validFrom: overlaps contract', {
      fields: [{ field: 'validFrom', message: 'overlaps contract JS-1 (…)' }],
      overlaps: { contractNo: 'JS-1', validFrom: '2025-01-01', validTo: null },
    });
    const [field] = serverFieldErrors(contractError(err, t));
    expect(field!.name).toEqual(['validFrom']);
    expect(field!.errors[0]).toContain('customers.contracts.errors.overlaps');
    expect(field!.errors[0]).toContain('"contractNo":"JS-1"');
    expect(field!.errors[0]).toContain('"to":"customers.contracts.openEnded"');
  });

  it('says an end before the start in the user’s words, and leaves other errors as they came', () => {
    const err = new ApiError(400, 'VALIDATION_FAILED', 'Invalid input', {
      fields: [
        { field: 'body.validTo', message: 'must not be before validFrom' },
        { field: 'body.name', message: 'is too long' },
      ],
    });
    expect(serverFieldErrors(contractError(err, t))).toEqual([
      { name: ['validTo'], errors: ['customers.contracts.errors.endBeforeStart'] },
      { name: ['name'], errors: ['is too long'] },
    ]);
    const versions = new ApiError(409, 'CONFLICT', 'changed by someone else', { currentVersion: 3 });
    expect(contractError(versions, t)).toBe(versions);
    const other = new Error('network');
    expect(contractError(other, t)).toBe(other);
  });
});
