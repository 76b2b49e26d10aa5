import { describe, expect, it } from 'vitest';
import {
  branchesAllowed,
  erasedName,
  idTypeChangeNeedsNumber,
  isErased,
  tierProblem,
  unitsChanged,
} from './customer-rules.ts';

describe('tier and customer kind', () => {
  it('requires a tier for an enterprise and refuses one for a consumer', () => {
    expect(tierProblem('enterprise', 'province')).toBeUndefined();
    expect(tierProblem('individual', null)).toBeUndefined();
    expect(tierProblem('enterprise', null)?.code).toBe('TIER_REQUIRED');
    expect(tierProblem('enterprise', undefined)?.code).toBe('TIER_REQUIRED');
    expect(tierProblem('individual', 'group')?.code).toBe('TIER_ENTERPRISE_ONLY');
  });

  it('allows branches for enterprises only', () => {
    expect(branchesAllowed('enterprise', 3)).toBe(true);
    expect(branchesAllowed('individual', 0)).toBe(true);
    expect(branchesAllowed('individual', 1)).toBe(false);
  });
});

describe('ID type changes', () => {
  const stored = { idType: 'resident_id', hasNumber: true };
  it('needs the number when the type changes over a stored number', () => {
    expect(idTypeChangeNeedsNumber(stored, { idType: 'passport' })).toBe(true);
    expect(idTypeChangeNeedsNumber(stored, { idType: 'passport', idNumber: 'E12345678' })).toBe(false);
    expect(idTypeChangeNeedsNumber(stored, { idType: 'resident_id' })).toBe(false);
    expect(idTypeChangeNeedsNumber({ idType: null, hasNumber: false }, { idType: 'passport' })).toBe(false);
  });
});

describe('erasure', () => {
  it("replaces an individual's name and keeps an enterprise's", () => {
    expect(erasedName('individual', 'C1001', '王芳')).toBe('已注销客户 C1001');
    expect(erasedName('enterprise', 'C1002', '南京某某科技有限公司')).toBe('南京某某科技有限公司');
    expect(isErased('erased')).toBe(true);
    expect(isErased('active')).toBe(false);
  });
});

describe('units a change of place touches', () => {
  const before = { orgUnitId: 'JS', branchUnitIds: ['ZJ', 'SZ'] };
  it('a move touches the old and the new unit; branches that stay are not asked about', () => {
    expect(unitsChanged(before, { orgUnitId: 'HZ' }).sort()).toEqual(['HZ', 'JS']);
    expect(unitsChanged(before, { orgUnitId: 'JS', branchUnitIds: ['SZ', 'ZJ'] })).toEqual([]);
    expect(unitsChanged(before, {})).toEqual([]);
  });
  it('branches added or removed are touched', () => {
    expect(unitsChanged(before, { branchUnitIds: [] }).sort()).toEqual(['SZ', 'ZJ']);
    expect(unitsChanged(before, { branchUnitIds: ['ZJ', 'WX'] }).sort()).toEqual(['SZ', 'WX']);
    // The takeover of issue 9: Hangzhou's unit in, the owner's out, the Zhejiang branch gone.
    expect(unitsChanged(before, { orgUnitId: 'HZ', branchUnitIds: [] }).sort()).toEqual([
      'HZ',
      'JS',
      'SZ',
      'ZJ',
    ]);
  });
});
