/**
 * Keyset paging cursors: opaque to clients (base64url JSON), so the sort key can change later.
 * A cursor carries the sort key of the last row of the previous page.
 */
export function encodeCursor(key: string): string {
  return Buffer.from(JSON.stringify({ k: key }), 'utf8').toString('base64url');
}

/** The key inside a cursor, or undefined if the cursor was not made by encodeCursor. */
export function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && 'k' in value && typeof value.k === 'string') return value.k;
  } catch {
    // fall through: not ours
  }
  return undefined;
}

/** Escapes LIKE wildcards so a search term matches literally (backslash is PostgreSQL's default escape). */
export function likeContains(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
