/**
 * The request's search vector (`service_requests.search_vector`): CJK pairs and ASCII words of its
 * title, description and notes, kept in the same transaction as the text it comes from. Built from
 * the masked text, so a search can only find what a reader is shown (a phone's last four digits,
 * never the hidden middle ones).
 *
 * Where the core calls it:
 *  - create: `search_vector: requestSearchVector(title, description)` in the inserted row;
 *  - every change (`changeRequest`): `keepRequestSearch(trx, id, change)` after its timeline insert —
 *    a note or reply is appended, a new title or description rebuilds the vector;
 *  - after a merge of timelines: `refreshRequestSearch(trx, id)`.
 */
import { sql } from 'kysely';
import { maskFreeText } from '../../platform/pii/free-text.ts';
import type { PhraseTable } from '../../platform/text/cjk-plan.ts';
import { searchVector } from '../../platform/text/cjk-search.ts';
import type { Executor } from './service-requests.tables.ts';

/** Timeline entries whose text is searched. */
export const SEARCHED_TIMELINE_KINDS = ['note', 'reply'] as const;

export const REQUEST_SEARCH_TABLE: PhraseTable = {
  table: 'service_requests',
  vector: 'search_vector',
  createdAt: 'created_at',
  id: 'id',
};

const masked = (t: string | null | undefined) => (t ? maskFreeText(t) : t);

/** The tsvector literal of a request's searchable text. */
export function requestSearchVector(
  title: string,
  description: string | null | undefined,
  notes: ReadonlyArray<string | null | undefined> = [],
): string {
  return searchVector(masked(title), masked(description), ...notes.map(masked));
}

/**
 * Adds one note's words to the vector. PostgreSQL's `||` shifts the added positions past the
 * existing ones; the leading space keeps a gap, so no phrase spans the join.
 */
export async function appendToRequestSearch(db: Executor, requestId: string, text: string): Promise<void> {
  const v = searchVector(` ${maskFreeText(text)}`);
  if (!v) return;
  await sql`update service_requests set search_vector = search_vector || ${v}::tsvector
    where id = ${requestId}`.execute(db);
}

/** Rebuilds the vector from the stored title, description and searched timeline entries. */
export async function refreshRequestSearch(db: Executor, requestId: string): Promise<void> {
  const row = await db
    .selectFrom('service_requests')
    .select(['title', 'description'])
    .where('id', '=', requestId)
    .executeTakeFirst();
  if (!row) return;
  const notes = await db
    .selectFrom('service_request_timeline')
    .select('body')
    .where('request_id', '=', requestId)
    .where('kind', 'in', [...SEARCHED_TIMELINE_KINDS])
    .where('body', 'is not', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  const v = requestSearchVector(
    row.title,
    row.description,
    notes.map((n) => n.body),
  );
  await sql`update service_requests set search_vector = ${v}::tsvector where id = ${requestId}`.execute(db);
}

/**
 * After a change's timeline entries are written (same transaction): a changed title or description
 * rebuilds the vector; otherwise each searched entry's text is appended.
 */
export async function keepRequestSearch(
  db: Executor,
  requestId: string,
  change: {
    set: { title?: unknown; description?: unknown };
    entries: ReadonlyArray<{ kind: string; body?: string | null | undefined }>;
  },
): Promise<void> {
  if (change.set.title !== undefined || change.set.description !== undefined)
    return refreshRequestSearch(db, requestId);
  const searched: readonly string[] = SEARCHED_TIMELINE_KINDS;
  for (const e of change.entries)
    if (e.body && searched.includes(e.kind)) await appendToRequestSearch(db, requestId, e.body);
}
