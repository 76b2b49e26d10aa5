import { describe, expect, it } from 'vitest';
import { RateWindow } from './rate-window.ts';

describe('RateWindow', () => {
  it('allows max uses per key within the window, then says when to retry', () => {
    const w = new RateWindow(2, 60_000);
    expect(w.take('a', 0)).toEqual({ ok: true });
    expect(w.take('a', 10_000)).toEqual({ ok: true });
    expect(w.take('a', 20_000)).toEqual({ ok: false, retryAfterMs: 40_000 });
    // Another key has its own count.
    expect(w.take('b', 20_000)).toEqual({ ok: true });
    // The first use has left the window.
    expect(w.take('a', 60_001)).toEqual({ ok: true });
    expect(w.take('a', 60_002)).toEqual({ ok: false, retryAfterMs: 9_998 });
  });
});
