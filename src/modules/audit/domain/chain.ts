// The audit chain's rules, pure so that they can be tested without a database.
//
// Two generations live side by side:
// - the legacy chain (before migration 0005): each row's sha256 `hash` covers its content and the
//   previous row's hash. Anyone can recompute it, so it only shows accidents, not a rewrite.
// - seals: rows are appended without a chain; a sealer later gives each committed row a chain
//   position and an HMAC-SHA256 (keyed with a secret kept outside the database) over the row's
//   content and the previous seal's MAC. Without the key a changed row cannot be re-sealed.
import { createHash, createHmac } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);
/** The "previous MAC" of the first seal. */
export const GENESIS_MAC = '0'.repeat(64);

export interface AuditRecord {
  seq: string;
  occurredAt: Date;
  actorId: string | null;
  actorLogin: string | null;
  actorKind: 'user' | 'api_token' | 'system';
  action: string;
  entityType: string;
  entityId: string | null;
  orgUnitId: string | null;
  ip: string | null;
  requestId: string | null;
  details: unknown;
}

/** A row as stored: legacy rows also carry their sha256 link (null on rows appended since). */
export interface StoredEntry extends AuditRecord {
  prevHash: string | null;
  hash: string | null;
}

/** JSON with object keys sorted at every depth: jsonb does not keep key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const recordFields = (r: AuditRecord) => [
  r.seq,
  r.occurredAt.toISOString(),
  r.actorId,
  r.actorLogin,
  r.actorKind,
  r.action,
  r.entityType,
  r.entityId,
  r.orgUnitId,
  r.ip,
  r.requestId,
  r.details,
];

/** Legacy chain: the hash of one entry covers every stored field and the previous entry's hash. */
export function hashAuditRecord(record: AuditRecord, prevHash: string): string {
  return createHash('sha256')
    .update(canonicalJson([...recordFields(record), prevHash]))
    .digest('hex');
}

/** A secret from configuration (ONEPOINT_AUDIT_KEYS); its id is stored with each seal. */
export interface SealKey {
  id: string;
  secret: Buffer;
}

/** One link of the sealed chain, as stored in audit_seal. */
export interface Seal {
  /** Position in the chain, gap-free from 1, in the order the sealer sealed. */
  chainSeq: string;
  /** The entry it seals (audit_log.seq). */
  auditSeq: string;
  sealedAt: Date;
  keyId: string;
  mac: string;
}

/**
 * The MAC of one seal: the entry's whole stored content (its legacy link included), the seal's
 * own fields and the previous seal's MAC, under the key. Changing any of them, or the order,
 * changes it; only the key's holder can compute a new one.
 */
export function sealMac(
  secret: Buffer,
  seal: Omit<Seal, 'mac'>,
  entry: StoredEntry,
  prevMac: string,
): string {
  const material = canonicalJson([
    'onepoint.audit.seal.v1',
    seal.chainSeq,
    seal.auditSeq,
    seal.sealedAt.toISOString(),
    seal.keyId,
    ...recordFields(entry),
    entry.prevHash,
    entry.hash,
    prevMac,
  ]);
  return createHmac('sha256', secret).update(material).digest('hex');
}

export type BreakReason =
  // sealed chain: the entry or its seal changed; entry_altered when the next seal confirms the
  // stored MAC, so the entry's content was changed
  | 'mac_mismatch'
  | 'entry_altered'
  | 'chain_gap'
  | 'entry_missing'
  | 'unknown_key'
  // legacy links (rows from before sealing)
  | 'hash_mismatch'
  | 'prev_hash_mismatch'
  | 'sequence_gap'
  // anchors kept outside the database
  | 'anchor_mismatch'
  | 'truncated';

export interface ChainBreak {
  reason: BreakReason;
  /** The chain position where the walk stopped (sealed chain and anchors). */
  chainSeq?: string;
  /** The entry concerned (audit_log.seq), when it still exists. */
  seq?: string;
}

/**
 * Checks one seal against the walk so far (pure, so verification can stream). `prevMac` is the
 * previous seal's stored MAC, so that a changed entry breaks its own seal only and is named,
 * while a changed MAC breaks its seal and the next.
 */
export function checkSeal(
  seal: Seal,
  entry: StoredEntry | undefined,
  prevMac: string,
  expectedChainSeq: bigint,
  keys: ReadonlyMap<string, Buffer>,
): ChainBreak | undefined {
  if (BigInt(seal.chainSeq) !== expectedChainSeq)
    return { reason: 'chain_gap', chainSeq: expectedChainSeq.toString() };
  if (!entry) return { reason: 'entry_missing', chainSeq: seal.chainSeq, seq: seal.auditSeq };
  const secret = keys.get(seal.keyId);
  if (!secret) return { reason: 'unknown_key', chainSeq: seal.chainSeq, seq: entry.seq };
  if (sealMac(secret, seal, entry, prevMac) !== seal.mac)
    return { reason: 'mac_mismatch', chainSeq: seal.chainSeq, seq: entry.seq };
  return undefined;
}

/** Legacy chain: checks one stored row against the running chain of rows from before sealing. */
export function checkLink(
  row: AuditRecord & { prevHash: string; hash: string },
  expectedPrevHash: string,
  expectedSeq: bigint,
): ChainBreak | undefined {
  if (BigInt(row.seq) !== expectedSeq) return { seq: row.seq, reason: 'sequence_gap' };
  if (row.prevHash !== expectedPrevHash) return { seq: row.seq, reason: 'prev_hash_mismatch' };
  if (hashAuditRecord(row, row.prevHash) !== row.hash) return { seq: row.seq, reason: 'hash_mismatch' };
  return undefined;
}

/**
 * A chain head recorded outside the database: written automatically by the sealer (anchor file
 * and log), or printed by `onepoint audit head`. The chain alone cannot show that its newest
 * entries were removed; an anchor can.
 */
export interface ChainAnchor {
  chainSeq: string;
  mac: string;
}

const ANCHOR = /^(\d{1,19}):([0-9a-f]{64})$/;

/** Parses "position:mac" as printed by `onepoint audit head`; undefined when malformed. */
export function parseAnchor(text: string): ChainAnchor | undefined {
  const m = ANCHOR.exec(text.trim().toLowerCase());
  return m && BigInt(m[1]!) > 0n ? { chainSeq: BigInt(m[1]!).toString(), mac: m[2]! } : undefined;
}

export const formatAnchor = (a: ChainAnchor) => `${a.chainSeq}:${a.mac}`;

/** One line of the anchor file: the time it was taken, then the anchor. */
export const formatAnchorLine = (a: ChainAnchor, at: Date) => `${at.toISOString()} ${formatAnchor(a)}\n`;

export interface AnchorLog {
  anchors: Array<ChainAnchor & { at: Date }>;
  /** 1-based numbers of lines that are not anchors (e.g. a line cut short by a crash). */
  malformed: number[];
}

export function parseAnchorLog(text: string): AnchorLog {
  const out: AnchorLog = { anchors: [], malformed: [] };
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const [at, anchor, ...rest] = line.trim().split(/\s+/);
    const a = anchor ? parseAnchor(anchor) : undefined;
    const when = new Date(at ?? '');
    if (!a || rest.length || Number.isNaN(when.getTime())) out.malformed.push(i + 1);
    else out.anchors.push({ ...a, at: when });
  });
  return out;
}

/** Anchors by chain position; one position may have been anchored more than once. */
export function anchorIndex(anchors: Iterable<ChainAnchor>): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const a of anchors) index.set(a.chainSeq, [...(index.get(a.chainSeq) ?? []), a.mac]);
  return index;
}

/**
 * Checks a verified seal against the anchors taken at its position: all must match. An anchor
 * taken before the upgrade to seals ("seq:sha256" of the legacy chain) still matches: legacy rows
 * are sealed first, in seq order, so their chain position is their seq, and the legacy hash is
 * accepted there.
 */
export function checkAnchor(
  seal: { chainSeq: string; mac: string },
  legacyHash: string | null,
  anchors: ReadonlyMap<string, readonly string[]>,
): ChainBreak | undefined {
  const expected = anchors.get(seal.chainSeq) ?? [];
  return expected.every((mac) => mac === seal.mac || mac === legacyHash)
    ? undefined
    : { reason: 'anchor_mismatch', chainSeq: seal.chainSeq };
}

/** After the walk: an anchor beyond the last seal shows the chain was cut short. */
export function checkTail(lastChainSeq: bigint, anchors: Iterable<ChainAnchor>): ChainBreak | undefined {
  for (const a of anchors)
    if (BigInt(a.chainSeq) > lastChainSeq)
      return { reason: 'truncated', chainSeq: (lastChainSeq + 1n).toString() };
  return undefined;
}

/** A committed row still unsealed after the grace period: the sealer is not running, or the queue was tampered with. */
export const unsealedTooLong = (occurredAt: Date, now: Date, graceMs: number) =>
  now.getTime() - occurredAt.getTime() > graceMs;
