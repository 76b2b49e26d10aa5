import { concurrentChange, versionConflict } from './errors.ts';

/**
 * Optimistic concurrency: a client that sends the version it read must still be looking at the
 * current one. No version sent: the write goes ahead (the UPDATE still guards the row it read).
 */
export function checkVersion(what: string, current: number, expected: number | undefined): void {
  if (expected !== undefined && expected !== current) throw versionConflict(what, current, expected);
}

/** The UPDATE … WHERE version = read-version touched no row: someone wrote in between. */
export function assertOneUpdated(what: string, numUpdatedRows: bigint | number): void {
  if (Number(numUpdatedRows) !== 1) throw concurrentChange(what);
}
