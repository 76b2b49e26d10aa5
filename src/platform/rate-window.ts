/**
 * A per-key limit over a sliding window (e.g. imports per user per hour), in memory: each server
 * process counts its own callers (behind a load balancer, the limit applies per process).
 */
export class RateWindow {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
  ) {}

  /** Counts one use by `key` at `now`; refused: how long until the oldest use leaves the window. */
  take(key: string, now: number): { ok: true } | { ok: false; retryAfterMs: number } {
    const since = now - this.windowMs;
    const recent = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (recent.length >= this.max) {
      this.hits.set(key, recent);
      return { ok: false, retryAfterMs: recent[0]! + this.windowMs - now };
    }
    recent.push(now);
    this.hits.set(key, recent);
    // Keys with nothing in the window are dropped now and then, so the map does not grow forever.
    if (this.hits.size > 10_000)
      for (const [k, v] of this.hits) if (v.every((t) => t <= since)) this.hits.delete(k);
    return { ok: true };
  }
}
