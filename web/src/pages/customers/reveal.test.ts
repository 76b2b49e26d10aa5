import { describe, expect, it } from 'vitest';
import { isMasked, secondsLeft } from './reveal.ts';

describe('a revealed value counts down', () => {
  it('rounds up partial seconds and stops at zero', () => {
    expect(secondsLeft(60_000, 0)).toBe(60);
    expect(secondsLeft(60_000, 59_001)).toBe(1);
    expect(secondsLeft(60_000, 60_000)).toBe(0);
    expect(secondsLeft(60_000, 90_000)).toBe(0);
  });
});

describe('only a masked value offers a reveal', () => {
  it('knows the masks of phones, e-mails, addresses and ID numbers from values shown in full', () => {
    for (const masked of ['138****2222', 'w***@example.com', '江苏省南京市玄武区****', '3201**********0014'])
      expect(isMasked(masked)).toBe(true);
    for (const full of ['ad025test0001', 'ZQTEST1', '', null, undefined]) expect(isMasked(full)).toBe(false);
  });
});
