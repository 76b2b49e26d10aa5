import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, likeContains } from './paging.ts';

describe('cursors', () => {
  it('round-trip the key', () => {
    for (const k of ['admin', 'staff040', 'zj.agent', '王']) expect(decodeCursor(encodeCursor(k))).toBe(k);
  });
  it('reject cursors we did not make', () => {
    for (const c of [
      '',
      'abc',
      "' or 1=1 --",
      Buffer.from('{"x":1}').toString('base64url'),
      'x'.repeat(500),
    ]) {
      expect(decodeCursor(c)).toBeUndefined();
    }
  });
});

describe('likeContains', () => {
  it('escapes wildcards so they match literally', () => {
    expect(likeContains('50%_off\\')).toBe('%50\\%\\_off\\\\%');
    expect(likeContains('王')).toBe('%王%');
  });
});
