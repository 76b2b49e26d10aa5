import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/errors.ts';
import {
  changedFields,
  filledFields,
  instanceTransitions,
  residentIdCheckHint,
  serverFieldErrors,
} from './editing.ts';

describe('changedFields', () => {
  const initial = {
    name: '司马逸飞',
    valueLevel: 'gold',
    tags: ['vip'],
    notes: null,
    phone: '139****5678',
  };

  it('sends only what changed, trimmed', () => {
    expect(
      changedFields(initial, { name: ' 司马逸飞 ', valueLevel: 'diamond', tags: ['vip'], notes: '' }),
    ).toEqual({ valueLevel: 'diamond' });
  });

  it('never sends a masked value back: an empty PII box keeps the stored value', () => {
    expect(changedFields(initial, { name: '司马逸飞', phone: '' })).toEqual({});
    expect(changedFields(initial, { phone: undefined })).toEqual({});
    expect(changedFields(initial, { phone: ' 13812345678 ' })).toEqual({ phone: '13812345678' });
  });

  it('clears a text field emptied by the user and sees a changed list', () => {
    expect(changedFields({ ...initial, notes: '老客户' }, { notes: ' ' })).toEqual({ notes: null });
    expect(changedFields(initial, { tags: ['vip', '宽带'] })).toEqual({ tags: ['vip', '宽带'] });
  });
});

describe('filledFields', () => {
  it('leaves out empty fields and lists', () => {
    expect(filledFields({ name: ' 甲 ', email: '', tags: [], mobile: undefined, isPrimary: false })).toEqual({
      name: '甲',
      isPrimary: false,
    });
  });
});

describe('residentIdCheckHint', () => {
  it('names the check digit an 18-digit number should end with', () => {
    expect(residentIdCheckHint('320102198506171237')).toBeUndefined();
    expect(residentIdCheckHint('320102198506171236')).toBe('7');
    expect(residentIdCheckHint('11010519491231002X')).toBeUndefined();
    expect(residentIdCheckHint('110105194912310021')).toBe('X');
  });

  it('says nothing before the number is complete', () => {
    expect(residentIdCheckHint('3201021985')).toBeUndefined();
  });
});

describe('serverFieldErrors', () => {
  it('places details.fields on form fields, nested paths as lists', () => {
    const err = new ApiError(400, 'VALIDATION_FAILED', 'Invalid input', {
      fields: [
        { field: 'body.idNumber', message: 'the check digit does not match' },
        { field: 'body.branches.0.name', message: 'is required' },
        { field: 'body', message: 'unknown keys' },
      ],
    });
    expect(serverFieldErrors(err)).toEqual([
      { name: ['idNumber'], errors: ['the check digit does not match'] },
      { name: ['branches', 0, 'name'], errors: ['is required'] },
    ]);
  });

  it('reads a single named field and ignores other errors', () => {
    const err = new ApiError(400, 'VALIDATION_FAILED', 'tier: is required', { field: 'tier' });
    expect(serverFieldErrors(err)).toEqual([{ name: ['tier'], errors: ['tier: is required'] }]);
    expect(serverFieldErrors(new Error('x'))).toEqual([]);
  });
});

describe('instanceTransitions', () => {
  it('offers suspend/terminate, reactivate as the status allows', () => {
    expect(instanceTransitions('active')).toEqual(['suspended', 'terminated']);
    expect(instanceTransitions('suspended')).toEqual(['active', 'terminated']);
    expect(instanceTransitions('terminated')).toEqual(['active']);
  });
});
