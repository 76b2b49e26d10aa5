// `audit verify`: walks the sealed chain, checks anchors, and reports rows left unsealed.
import { sql } from 'kysely';
import type { Db } from './audit.tables.ts';
import type { Clock } from '../../platform/clock.ts';
import { sealPending, storedEntry } from './audit.sealer.ts';
import {
  anchorIndex,
  checkAnchor,
  checkLink,
  checkSeal,
  checkTail,
  GENESIS_HASH,
  GENESIS_MAC,
  type ChainAnchor,
  type ChainBreak,
  type Seal,
  type SealKey,
  type StoredEntry,
} from './domain/chain.ts';

export interface VerifyOptions {
  /** Every key seals may have been made with (ONEPOINT_AUDIT_KEYS); the first seals new rows. */
  keys: readonly SealKey[];
  clock: Clock;
  /** Rows committed longer ago than this and still unsealed are a fault. */
  graceMs: number;
  /** Heads recorded outside the database (the anchor file, `--anchor`). */
  anchors?: readonly ChainAnchor[];
  /**
   * Seal what waits before walking (the caller holds the key anyway), so that the walk covers
   * every committed row. False for a read-only check, e.g. on a standby.
   */
  sealFirst?: boolean;
  batchSize?: number;
  onProgress?: (checked: number, total: number) => void;
}

export interface EntryRef {
  seq: string;
  action: string;
  occurredAt: Date;
}

export interface VerifyResult {
  /** No break, nothing unsealed past the grace, nothing deleted while queued. */
  ok: boolean;
  /** Sealed entries verified (all of them when the chain is intact). */
  checked: number;
  /** The first place the chain is broken, with the entry concerned when it still exists. */
  firstBreak?: ChainBreak & { entry?: EntryRef; keyId?: string };
  /** Rows this call sealed before walking. */
  sealedNow: number;
  /** Rows left unsealed longer than the grace, found before sealing: the sealer was not running. */
  overdue: { count: number; oldest?: EntryRef };
  /** Rows still unsealed after the walk (within the grace, or sealFirst off). */
  unsealed: number;
  /** Queued rows that no longer exist: deleted before they were sealed. */
  vanished: string[];
  /** Anchors compared with the chain (all those at or below its head, when intact). */
  anchorsChecked: number;
}

const ref = (e: StoredEntry): EntryRef => ({ seq: e.seq, action: e.action, occurredAt: e.occurredAt });

async function findOverdue(db: Db, now: Date, graceMs: number): Promise<VerifyResult['overdue']> {
  const before = new Date(now.getTime() - graceMs);
  const unsealed = db
    .selectFrom('audit_log as a')
    .where('a.occurred_at', '<', before)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('audit_seal as s').select('s.chain_seq').whereRef('s.audit_seq', '=', 'a.seq'))),
    );
  const { n } = await unsealed.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  if (Number(n) === 0) return { count: 0 };
  const oldest = await unsealed
    .select(['a.seq', 'a.action', 'a.occurred_at'])
    .orderBy('a.seq')
    .limit(1)
    .executeTakeFirstOrThrow();
  return {
    count: Number(n),
    oldest: { seq: String(oldest.seq), action: oldest.action, occurredAt: oldest.occurred_at },
  };
}

async function countUnsealed(db: Db): Promise<number> {
  const r = await sql<{ n: string }>`
    select count(*) as n from audit_log a
    where not exists (select 1 from audit_seal s where s.audit_seq = a.seq)`.execute(db);
  return Number(r.rows[0]!.n);
}

async function findVanished(db: Db): Promise<string[]> {
  const rows = await db
    .selectFrom('audit_pending as p')
    .leftJoin('audit_log as a', 'a.seq', 'p.seq')
    .where('a.seq', 'is', null)
    .select('p.seq')
    .orderBy('p.seq')
    .limit(20)
    .execute();
  return rows.map((r) => String(r.seq));
}

/**
 * Walks the sealed chain in order, in batches: each seal against the key and the previous MAC,
 * the rows from before sealing against their legacy links, every anchor against the seal at its
 * position, and finally that no anchor lies beyond the head.
 */
export async function verifyAuditChain(db: Db, opts: VerifyOptions): Promise<VerifyResult> {
  const batchSize = opts.batchSize ?? 2000;
  const keys = new Map(opts.keys.map((k) => [k.id, k.secret]));
  const anchors = opts.anchors ?? [];
  const anchorMacs = anchorIndex(anchors);
  const now = opts.clock.now();
  const overdue = await findOverdue(db, now, opts.graceMs);
  const sealedNow = opts.sealFirst ? (await sealPending(db, opts.keys[0]!, opts.clock)).sealed : 0;
  const vanished = await findVanished(db);
  const { total } = await db
    .selectFrom('audit_seal')
    .select((eb) => eb.fn.countAll<string>().as('total'))
    .executeTakeFirstOrThrow();

  const walk = await walkSeals(db, keys, anchorMacs, batchSize, (checked) =>
    opts.onProgress?.(checked, Number(total)),
  );
  let firstBreak = walk.firstBreak;
  if (!firstBreak) {
    const cut = checkTail(walk.last, anchors);
    if (cut) firstBreak = cut;
  }
  const anchorsChecked = anchors.filter((a) => BigInt(a.chainSeq) <= walk.last).length;
  const unsealed = await countUnsealed(db);
  return {
    ok: !firstBreak && overdue.count === 0 && vanished.length === 0,
    checked: walk.checked,
    ...(firstBreak ? { firstBreak } : {}),
    sealedNow,
    overdue,
    unsealed,
    vanished,
    anchorsChecked,
  };
}

interface Walk {
  checked: number;
  /** The last chain position verified. */
  last: bigint;
  firstBreak?: VerifyResult['firstBreak'];
}

async function walkSeals(
  db: Db,
  keys: ReadonlyMap<string, Buffer>,
  anchorMacs: ReadonlyMap<string, readonly string[]>,
  batchSize: number,
  onBatch: (checked: number) => void,
): Promise<Walk> {
  let expected = 1n;
  let prevMac = GENESIS_MAC;
  let legacyPrev = GENESIS_HASH;
  let legacyExpected = 1n;
  let checked = 0;
  // A seal that failed: the next seal tells whether its MAC is the one the sealer wrote (then the
  // entry's content was changed) or not (the seal itself was rewritten, or both).
  let suspect: { brk: VerifyResult['firstBreak'] & object; mac: string; at: bigint } | undefined;
  for (;;) {
    const rows = await db
      .selectFrom('audit_seal as s')
      .leftJoin('audit_log as a', 'a.seq', 's.audit_seq')
      .selectAll('a')
      .select(['s.chain_seq', 's.audit_seq', 's.sealed_at', 's.key_id', 's.mac'])
      .where('s.chain_seq', '>=', expected.toString())
      .orderBy('s.chain_seq')
      .limit(suspect ? 1 : batchSize)
      .execute();
    for (const r of rows) {
      const seal: Seal = {
        chainSeq: String(r.chain_seq),
        auditSeq: String(r.audit_seq),
        sealedAt: r.sealed_at,
        keyId: r.key_id,
        mac: r.mac,
      };
      // Left join: the entry's columns are null when it was deleted.
      const entry = r.seq === null ? undefined : storedEntry(r as Parameters<typeof storedEntry>[0]);
      if (suspect) {
        if (!checkSeal(seal, entry, suspect.mac, expected, keys)) suspect.brk.reason = 'entry_altered';
        return { checked, last: suspect.at - 1n, firstBreak: suspect.brk };
      }
      const brk =
        checkSeal(seal, entry, prevMac, expected, keys) ??
        (entry?.hash != null && entry.prevHash != null
          ? checkLink({ ...entry, prevHash: entry.prevHash, hash: entry.hash }, legacyPrev, legacyExpected)
          : undefined) ??
        checkAnchor(seal, entry?.hash ?? null, anchorMacs);
      if (brk) {
        const found = {
          ...brk,
          chainSeq: brk.chainSeq ?? seal.chainSeq,
          ...(entry && brk.reason !== 'chain_gap' ? { entry: ref(entry) } : {}),
          ...(brk.reason === 'unknown_key' ? { keyId: seal.keyId } : {}),
        };
        if (brk.reason !== 'mac_mismatch') return { checked, last: expected - 1n, firstBreak: found };
        suspect = { brk: found, mac: seal.mac, at: expected };
        expected += 1n;
        break;
      }
      if (entry?.hash != null) {
        legacyPrev = entry.hash;
        legacyExpected += 1n;
      }
      prevMac = seal.mac;
      expected += 1n;
      checked += 1;
    }
    if (suspect) {
      if (rows.length === 0) return { checked, last: suspect.at - 1n, firstBreak: suspect.brk };
      continue;
    }
    if (rows.length === 0) return { checked, last: expected - 1n };
    onBatch(checked);
  }
}
