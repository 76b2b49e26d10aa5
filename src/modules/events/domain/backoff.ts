/** Delay before the next delivery attempt after `attempts` failed ones: 10 s doubling, at most 1 h. */
export function deliveryBackoffMs(attempts: number): number {
  return Math.min(3_600_000, 10_000 * 2 ** Math.max(0, Math.min(attempts - 1, 20)));
}
