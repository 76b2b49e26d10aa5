import { describe, expect, it } from 'vitest';
import { nextDelay, startPollLoop } from './poll-loop.ts';

describe('poll loop', () => {
  it('waits the interval, doubling while rounds fail, up to the cap', () => {
    expect(nextDelay(500, 0)).toBe(500);
    expect(nextDelay(500, 1)).toBe(1000);
    expect(nextDelay(500, 3)).toBe(4000);
    expect(nextDelay(500, 10)).toBe(30_000);
  });

  it('runs the next round at once while there is more work, and stops promptly when idle', async () => {
    let rounds = 0;
    const loop = startPollLoop({
      intervalMs: 60_000,
      round: async () => ({ more: ++rounds < 5 }),
      onError: () => {},
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(rounds).toBe(5); // four busy rounds back to back, then idle for the (long) interval
    const t = Date.now();
    await loop.stop();
    expect(Date.now() - t).toBeLessThan(1000);
  });

  it('reports the first failure in a row, not every one, and goes on after errors', async () => {
    const reported: number[] = [];
    let rounds = 0;
    const loop = startPollLoop({
      intervalMs: 1,
      round: async () => {
        rounds += 1;
        if (rounds <= 3) throw new Error('database down');
        return { more: false };
      },
      onError: (_err, failures) => reported.push(failures),
    });
    await new Promise((r) => setTimeout(r, 100));
    await loop.stop();
    expect(reported).toEqual([1]);
    expect(rounds).toBeGreaterThan(3);
  });
});
