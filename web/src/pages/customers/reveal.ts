/** How long a revealed value stays on screen before it is masked again. */
export const REVEAL_SECONDS = 60;

/** Whole seconds left until `until` (ms since epoch), never negative. */
export function secondsLeft(until: number, now: number): number {
  return Math.max(0, Math.ceil((until - now) / 1000));
}

/**
 * Whether the API sent a value masked (its masks hide characters behind `*`): only those offer
 * 查看明文. A value shown in full (a broadband account number, a service address without a
 * street) has nothing to reveal.
 */
export function isMasked(value: string | null | undefined): boolean {
  return typeof value === 'string' && value.includes('*');
}
