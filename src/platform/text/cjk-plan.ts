/**
 * Exact CJK phrase search, fast because the application picks the plan (DESIGN.md, "Chinese search
 * measured"): the planner cannot estimate a phrase of bigrams, so it scans the whole table for rare
 * terms and walks the index for phrases it overestimates. Here the rarest lexeme's frequency comes
 * from the column's statistics (`pg_stats.most_common_elems`, statistics target raised), and:
 *  - rare → every match through the GIN index, then the newest page of those;
 *  - frequent → the newest rows through the `(created_at, id)` index, at most `walkRows` of them,
 *    with the phrase as a filter; a page not filled there continues through the GIN index below the
 *    last row walked.
 * Both plans return exactly the rows whose vector matches the phrase, newest first.
 */
import { sql, type RawBuilder } from 'kysely';
import type { AnyExecutor } from '../db/executor.ts';
import { hasLoneCjk, searchLexemes, searchQuery } from './cjk-search.ts';

/** A table searched by phrase: names of its columns (unqualified; the table is aliased `t`). */
export interface PhraseTable {
  table: string;
  /** The tsvector written with `searchVector`, with a GIN index. */
  vector: string;
  /** Newest-first order: a timestamp and a unique tiebreaker, indexed together descending. */
  createdAt: string;
  id: string;
}

export type PhrasePlan = 'index' | 'recent';

/** A term ready to search, or why it cannot be searched exactly. */
export type PhraseTerm =
  { tsquery: string; lexemes: Array<{ text: string; prefix: boolean }> } | { problem: 'empty' | 'lone_cjk' };

export function phraseTerm(term: string): PhraseTerm {
  if (hasLoneCjk(term)) return { problem: 'lone_cjk' };
  const tsquery = searchQuery(term);
  if (!tsquery) return { problem: 'empty' };
  return { tsquery, lexemes: searchLexemes(term) };
}

/** What the statistics say: rows in the table and the rarest lexeme's share of them (0–1). */
export interface TermEstimate {
  rows: number;
  rarest: number;
  /** False when the column has no statistics yet (never analysed). */
  known: boolean;
  /**
   * Whole-word lexemes the statistics do not list: rarer than the least common listed one, by how
   * much unknown (a phrase no text holds has one). `phrasePage` counts them before it walks.
   */
  unlisted: string[];
}

/**
 * The rarest lexeme's frequency from the most-common-elements statistics. A lexeme not listed
 * is rarer than the least common listed one, whose frequency bounds it; a prefix counts every
 * listed lexeme it begins. For tsvector columns the frequency list ends with the minimum and
 * maximum frequencies (two extra entries).
 */
export function rarestFrequency(
  lexemes: Array<{ text: string; prefix: boolean }>,
  elems: string[],
  freqs: number[],
): number {
  if (elems.length === 0) return 0;
  const min = freqs[elems.length] ?? Math.min(...freqs.slice(0, elems.length));
  let rarest = 1;
  for (const l of lexemes) {
    let f = 0;
    for (let i = 0; i < elems.length; i++)
      if (l.prefix ? elems[i]!.startsWith(l.text) : elems[i] === l.text) f += freqs[i]!;
    rarest = Math.min(rarest, Math.min(1, f > 0 ? f : min));
  }
  return rarest;
}

/**
 * Walking is cheaper when the page fills within the walk bound and in fewer rows than the index
 * would hand over: `limit / f` rows walked against `f × rows` matches fetched.
 */
export function choosePlan(
  e: Pick<TermEstimate, 'rows' | 'rarest' | 'known'>,
  limit: number,
  walkRows: number,
): PhrasePlan {
  if (!e.known) return 'recent'; // bounded either way: the walk, then the index below it
  if (e.rarest <= 0) return 'index';
  const toWalk = limit / e.rarest;
  return toWalk <= walkRows && toWalk <= e.rarest * e.rows ? 'recent' : 'index';
}

interface ColumnStats {
  at: number;
  rows: number;
  elems: string[];
  freqs: number[];
  known: boolean;
}

/** Statistics change with ANALYZE only: read once a minute per database handle and column. */
const STATS_TTL_MS = 60_000;
const statsCache = new WeakMap<AnyExecutor, Map<string, ColumnStats>>();

async function columnStats(db: AnyExecutor, t: PhraseTable): Promise<ColumnStats> {
  const key = `${t.table}.${t.vector}`;
  const cached = statsCache.get(db)?.get(key);
  if (cached && Date.now() - cached.at < STATS_TTL_MS) return cached;
  const r = await sql<{ rows: string | number; elems: string | null; freqs: string | null }>`
    select c.reltuples::float8 as rows,
      array_to_json(s.most_common_elems::text::text[])::text as elems,
      array_to_json(s.most_common_elem_freqs)::text as freqs
    from pg_class c
    left join pg_stats s
      on s.schemaname = current_schema() and s.tablename = ${t.table} and s.attname = ${t.vector}
    where c.oid = to_regclass(${t.table})`.execute(db);
  const row = r.rows[0];
  const rows = Math.max(0, Number(row?.rows ?? 0));
  const known = !!row && rows > 0 && row.freqs !== null;
  const stats: ColumnStats = {
    at: Date.now(),
    rows,
    elems: known ? (JSON.parse(row.elems ?? '[]') as string[]) : [],
    freqs: known ? (JSON.parse(row.freqs!) as number[]) : [],
    known,
  };
  if (!statsCache.has(db)) statsCache.set(db, new Map());
  statsCache.get(db)!.set(key, stats);
  return stats;
}

export async function estimateTerm(
  db: AnyExecutor,
  t: PhraseTable,
  lexemes: Array<{ text: string; prefix: boolean }>,
): Promise<TermEstimate> {
  const s = await columnStats(db, t);
  if (!s.known) return { rows: s.rows, rarest: 1, known: false, unlisted: [] };
  const listed = new Set(s.elems);
  return {
    rows: s.rows,
    rarest: rarestFrequency(lexemes, s.elems, s.freqs),
    known: true,
    unlisted: lexemes.filter((l) => !l.prefix && !listed.has(l.text)).map((l) => l.text),
  };
}

export interface PhraseSearch {
  tsquery: string;
  limit: number;
  /** Further conditions on `t` (scope, filters). */
  where?: RawBuilder<boolean> | undefined;
  /** Keyset: rows strictly older than this one. */
  after?: { createdAt: Date; id: string } | undefined;
  /** The most rows the frequent plan walks before it continues through the index (default 20 000). */
  walkRows?: number;
  /** The plan, when the caller has chosen it (tests; the statistics otherwise). */
  plan?: PhrasePlan;
}

export interface PhraseHit {
  id: string;
  createdAt: Date;
}

export const DEFAULT_WALK_ROWS = 20_000;

/**
 * A walk chosen on an unlisted lexeme's upper bound may read every row it may (a phrase no text
 * holds: 20 000 rows, ~130 ms at 10 M). When the unlisted lexemes occur together in at most this
 * many rows, the index plan is cheap for sure (it fetches no more than these), so it is taken.
 */
export const PROBE_ROWS = 1_000;

async function fewRowsHold(db: AnyExecutor, t: PhraseTable, lexemes: string[]): Promise<boolean> {
  // Lexemes come from a tsquery's quoted items: no quote inside.
  const q = lexemes.map((l) => `'${l}'`).join(' & ');
  const r = await sql<{ n: number }>`select count(*)::int as n from (
      select 1 from ${sql.table(t.table)} t where ${col(t.vector)} @@ ${q}::tsquery limit ${PROBE_ROWS + 1}) x`.execute(
    db,
  );
  return Number(r.rows[0]!.n) <= PROBE_ROWS;
}

const col = (name: string) => sql.ref(`t.${name}`);

function conditions(t: PhraseTable, where: RawBuilder<boolean> | undefined, after: PhraseSearch['after']) {
  const parts: RawBuilder<unknown>[] = [sql`true`];
  if (where) parts.push(sql`(${where})`);
  if (after) parts.push(sql`(${col(t.createdAt)}, ${col(t.id)}) < (${after.createdAt}, ${after.id})`);
  return sql.join(parts, sql` and `);
}

/** Every match (the GIN index), newest first, then the page. */
async function indexPage(db: AnyExecutor, t: PhraseTable, s: PhraseSearch): Promise<PhraseHit[]> {
  const r = await sql<{ id: string; created_at: Date }>`
    with m as materialized (
      select ${col(t.id)} as id, ${col(t.createdAt)} as created_at
      from ${sql.table(t.table)} t
      where ${col(t.vector)} @@ ${s.tsquery}::tsquery and ${conditions(t, s.where, s.after)}
    )
    select id, created_at from m order by created_at desc, id desc limit ${s.limit}`.execute(db);
  return r.rows.map((x) => ({ id: x.id, createdAt: new Date(x.created_at) }));
}

/** The newest `walk` rows (the created-at index), the phrase as a filter on them. */
async function walkPage(
  db: AnyExecutor,
  t: PhraseTable,
  s: PhraseSearch,
  walk: number,
): Promise<PhraseHit[]> {
  // The LIMIT keeps the filter out of the subquery: the index is walked in order and stops early.
  const r = await sql<{ id: string; created_at: Date }>`
    select w.id, w.created_at from (
      select ${col(t.id)} as id, ${col(t.createdAt)} as created_at, ${col(t.vector)} as v
      from ${sql.table(t.table)} t
      where ${conditions(t, s.where, s.after)}
      order by ${col(t.createdAt)} desc, ${col(t.id)} desc
      limit ${walk}
    ) w
    where w.v @@ ${s.tsquery}::tsquery
    order by w.created_at desc, w.id desc
    limit ${s.limit}`.execute(db);
  return r.rows.map((x) => ({ id: x.id, createdAt: new Date(x.created_at) }));
}

/** The last row a walk of `walk` rows reached, or undefined when fewer rows are left. */
async function walkEnd(
  db: AnyExecutor,
  t: PhraseTable,
  s: PhraseSearch,
  walk: number,
): Promise<{ createdAt: Date; id: string } | undefined> {
  const r = await sql<{ id: string; created_at: Date }>`
    select ${col(t.id)} as id, ${col(t.createdAt)} as created_at
    from ${sql.table(t.table)} t
    where ${conditions(t, s.where, s.after)}
    order by ${col(t.createdAt)} desc, ${col(t.id)} desc
    offset ${walk - 1} limit 1`.execute(db);
  const x = r.rows[0];
  return x ? { id: x.id, createdAt: new Date(x.created_at) } : undefined;
}

/**
 * One page of exact phrase matches, newest first, by the plan the statistics suggest (or the one
 * given). Returns the hits and the plan used (`recent+index` when a walk continued in the index).
 */
export async function phrasePage(
  db: AnyExecutor,
  t: PhraseTable,
  s: PhraseSearch,
  lexemes: Array<{ text: string; prefix: boolean }> = [],
): Promise<{ hits: PhraseHit[]; plan: PhrasePlan | 'recent+index'; estimate?: TermEstimate }> {
  const walk = s.walkRows ?? DEFAULT_WALK_ROWS;
  let estimate: TermEstimate | undefined;
  let plan = s.plan;
  if (!plan) {
    estimate = await estimateTerm(db, t, lexemes);
    plan = choosePlan(estimate, s.limit, walk);
    if (plan === 'recent' && estimate.unlisted.length > 0 && (await fewRowsHold(db, t, estimate.unlisted)))
      plan = 'index';
  }
  if (plan === 'index') return { hits: await indexPage(db, t, s), plan, estimate };
  const hits = await walkPage(db, t, s, walk);
  if (hits.length >= s.limit) return { hits, plan, estimate };
  const end = await walkEnd(db, t, s, walk);
  if (!end) return { hits, plan, estimate };
  const rest = await indexPage(db, t, { ...s, after: end, limit: s.limit - hits.length });
  return { hits: [...hits, ...rest], plan: 'recent+index', estimate };
}
