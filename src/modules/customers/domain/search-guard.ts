/**
 * Rules against guessing personal identifiers through search (issue 9): an exact search for a
 * phone or ID number is an oracle — try every value the mask leaves open, see which one finds the
 * customer. A guesser misses far more often than an agent (a caller's number either is on file or
 * is not), so misses are counted per user over a window; past a limit each further search of that
 * kind waits a little longer, and the security administrators are alerted. Pure: no I/O.
 */

/**
 * Search kinds whose misses are counted: the ones that can confirm a hidden value (a service
 * number that is a phone number is masked like one).
 */
export const GUARDED_KINDS: ReadonlySet<string> = new Set([
  'phone',
  'phoneTail',
  'phoneAccountNo',
  'idNumber',
  // Cross-scope identification (any exact identifier, the whole country): every miss counts.
  'identify',
]);

export interface SearchGuardPolicy {
  /** Misses in the window after which searches slow down (and the alert is raised). */
  missLimit: number;
  windowMs: number;
  /** Wait added per miss beyond the limit … */
  stepMs: number;
  /** … up to this. */
  maxDelayMs: number;
}

export const isGuarded = (kinds: readonly string[]) => kinds.some((k) => GUARDED_KINDS.has(k));

/**
 * How long a user's next guarded search waits after `misses` misses in the window: nothing up to
 * the limit, then one step more for every miss beyond it (1 s, 2 s, 3 s … by default), capped. It
 * grows gently: an agent having a bad hour is slowed, not locked out while a caller waits; a
 * guesser needing thousands of tries is held to a few an hour.
 */
export function slowdownMs(misses: number, p: SearchGuardPolicy): number {
  if (misses < p.missLimit) return 0;
  return Math.min(p.maxDelayMs, (misses - p.missLimit + 1) * p.stepMs);
}

/**
 * Whether going from `before` to `after` misses crosses an alert point: the limit, then each
 * doubling of it (20, 40, 80 … by default) — a persistent guesser is reported again, an alert
 * storm is not raised.
 */
export function alertDue(before: number, after: number, missLimit: number): boolean {
  for (let point = missLimit; point <= after; point *= 2) if (before < point) return true;
  return false;
}
