/** How long a revealed value stays on screen before it is masked again. */
export const REVEAL_SECONDS = 60;

/** Whole seconds left until `until` (ms since epoch), never negative. */
export function secondsLeft(until: number, now: number): number {
  return Math.max(0, Math.ceil((until - now) / 1000));
}
