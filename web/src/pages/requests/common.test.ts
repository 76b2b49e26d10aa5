import { describe, expect, it } from 'vitest';
import { readableNumber } from './common.tsx';

describe('readableNumber', () => {
  it('splits a request number into province, date and sequence for reading aloud', () => {
    expect(readableNumber('JS20261207000123')).toBe('JS 20261207 000123');
  });
  it('leaves a number of another shape as it is', () => {
    expect(readableNumber('X-1')).toBe('X-1');
  });
});
