import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

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

/** JSON with object keys sorted at every depth: jsonb does not keep key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The hash of one entry covers every stored field and the previous entry's hash. */
export function hashAuditRecord(record: AuditRecord, prevHash: string): string {
  const material = canonicalJson([
    record.seq,
    record.occurredAt.toISOString(),
    record.actorId,
    record.actorLogin,
    record.actorKind,
    record.action,
    record.entityType,
    record.entityId,
    record.orgUnitId,
    record.ip,
    record.requestId,
    record.details,
    prevHash,
  ]);
  return createHash('sha256').update(material).digest('hex');
}

export interface ChainBreak {
  seq: string;
  /**
   * anchor_mismatch: the entry differs from a head recorded outside the database earlier;
   * truncated: the chain ends before a recorded head (entries were removed from the end).
   */
  reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap' | 'anchor_mismatch' | 'truncated';
}

/**
 * A chain head recorded outside the database (`onepoint audit head`, kept by the operator or a
 * log system). The chain alone cannot show that entries were removed from its end; an anchor can.
 */
export interface ChainAnchor {
  seq: string;
  hash: string;
}

const ANCHOR = /^(\d{1,19}):([0-9a-f]{64})$/;

/** Parses "seq:hash" as printed by `onepoint audit head`; undefined when malformed. */
export function parseAnchor(text: string): ChainAnchor | undefined {
  const m = ANCHOR.exec(text.trim().toLowerCase());
  return m && BigInt(m[1]!) > 0n ? { seq: BigInt(m[1]!).toString(), hash: m[2]! } : undefined;
}

export const formatAnchor = (a: ChainAnchor) => `${a.seq}:${a.hash}`;

/** Checks a verified row against the anchors (pure); the walk calls it for every row. */
export function checkAnchor(
  row: { seq: string; hash: string },
  anchors: ReadonlyMap<string, string>,
): ChainBreak | undefined {
  const expected = anchors.get(row.seq);
  return expected !== undefined && expected !== row.hash
    ? { seq: row.seq, reason: 'anchor_mismatch' }
    : undefined;
}

/** After the walk: the first anchor beyond the last entry shows the chain was cut short. */
export function checkTail(lastSeq: bigint, anchors: Iterable<ChainAnchor>): ChainBreak | undefined {
  const beyond = [...anchors].filter((a) => BigInt(a.seq) > lastSeq);
  if (beyond.length === 0) return undefined;
  return { seq: (lastSeq + 1n).toString(), reason: 'truncated' };
}

/** Checks one stored row against the running chain; pure, so verification can stream rows. */
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
