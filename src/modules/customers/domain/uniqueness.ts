/**
 * Unique values of customers — ID numbers, credit codes, live product + account numbers — are
 * unique within what a caller can see (issue 9; the reasoning is in the module README, "Unique
 * values and data scope"). Pure pieces: the advisory-lock keys that serialise writers of the same
 * value, and the org unit a duplicate across scopes is reviewed at.
 */
import { createHash } from 'node:crypto';

export type UniqueField = 'idNumber' | 'creditCode' | 'accountNo';

/** The order fields are locked in (every writer goes in this order: no deadlock). */
export const UNIQUE_FIELDS: readonly UniqueField[] = ['idNumber', 'creditCode', 'accountNo'];

/** The advisory-lock class of a field (int4; one "namespace" of locks per field). */
export const LOCK_CLASS: Record<UniqueField, number> = {
  idNumber: 0x4f500101,
  creditCode: 0x4f500102,
  accountNo: 0x4f500103,
};

/** Values hash into this many buckets per field; one lock per bucket. */
export const LOCK_BUCKETS = 4096;

/**
 * The key a whole field is locked under: a single write takes it shared (with the exclusive
 * bucket lock of its value), a bulk write (an import) exclusive — one lock instead of thousands.
 */
export const WHOLE_FIELD = -1;

export function lockBucket(value: string): number {
  return createHash('sha256').update(value).digest().readUInt32BE(0) % LOCK_BUCKETS;
}

/** A value as its field locks it: the normalised ID number, the credit code, `product account`. */
export type LockValues = Partial<Record<UniqueField, readonly string[]>>;

/** The locks a single write takes, in the one order every writer uses: field, then bucket. */
export function lockPlan(values: LockValues): Array<{ field: UniqueField; buckets: number[] }> {
  return UNIQUE_FIELDS.flatMap((field) => {
    const v = values[field] ?? [];
    if (v.length === 0) return [];
    return [{ field, buckets: [...new Set(v.map(lockBucket))].sort((a, b) => a - b) }];
  });
}

/**
 * The lowest org unit above both (paths `/<root>/…/<id>/`): a duplicate across scopes is recorded
 * there, where exactly the staff whose scope covers both customers can review it. Undefined when
 * the paths share nothing (different trees: only national scope sees it).
 */
export function commonUnit(pathA: string, pathB: string): string | undefined {
  const a = pathA.split('/').filter(Boolean);
  const b = pathB.split('/').filter(Boolean);
  let common: string | undefined;
  for (let i = 0; i < Math.min(a.length, b.length) && a[i] === b[i]; i++) common = a[i];
  return common;
}
