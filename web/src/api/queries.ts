import { api, ok } from './client.ts';
import type { User, UserQuery } from './models.ts';

/** Every user matching a query, following the cursor (bounded: dashboards, not exports). */
export async function listAllUsers(
  query: Omit<UserQuery, 'cursor' | 'limit'>,
  signal?: AbortSignal,
  max = 2000,
): Promise<{ items: User[]; truncated: boolean }> {
  const items: User[] = [];
  let cursor: string | undefined;
  do {
    const page = await ok(
      api.GET('/api/v1/users', {
        params: { query: { ...query, limit: 200, ...(cursor ? { cursor } : {}) } },
        signal,
      }),
    );
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && items.length < max);
  return { items, truncated: Boolean(cursor) };
}

/** Counts per key, largest first (ties by key, so charts are stable). */
export function countBy<T>(
  items: readonly T[],
  keysOf: (item: T) => readonly string[],
): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const item of items) for (const k of keysOf(item)) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
