import { describe, expect, it } from 'vitest';
import { withoutEmpty } from './query.ts';

describe('withoutEmpty', () => {
  it('drops filters nobody set and keeps real values, including false and 0', () => {
    expect(
      withoutEmpty({ q: ' ', kind: undefined, tier: null, orgUnitId: 'u1', limit: 0, active: false }),
    ).toEqual({ orgUnitId: 'u1', limit: 0, active: false });
  });
});
