import { describe, expect, it } from 'vitest';
import {
  anchorIndex,
  canonicalJson,
  checkAnchor,
  checkLink,
  checkSeal,
  checkTail,
  formatAnchor,
  formatAnchorLine,
  GENESIS_HASH,
  GENESIS_MAC,
  hashAuditRecord,
  parseAnchor,
  parseAnchorLog,
  sealMac,
  unsealedTooLong,
  type AuditRecord,
  type Seal,
  type StoredEntry,
} from './chain.ts';

const base: AuditRecord = {
  seq: '1',
  occurredAt: new Date('2026-11-25T08:00:00.123Z'),
  actorId: null,
  actorLogin: 'admin',
  actorKind: 'user',
  action: 'user.create',
  entityType: 'user',
  entityId: 'u1',
  orgUnitId: null,
  ip: '127.0.0.1',
  requestId: 'r1',
  details: { b: 1, a: { d: [1, 2], c: '王芳' } },
};

describe('legacy sha256 chain (rows from before sealing)', () => {
  it('canonical JSON does not depend on key order (jsonb reorders keys)', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });

  it('a stored entry verifies, and changing any field breaks it', () => {
    const hash = hashAuditRecord(base, GENESIS_HASH);
    const row = { ...base, prevHash: GENESIS_HASH, hash };
    expect(checkLink(row, GENESIS_HASH, 1n)).toBeUndefined();
    expect(checkLink({ ...row, action: 'user.delete' }, GENESIS_HASH, 1n)?.reason).toBe('hash_mismatch');
    expect(checkLink({ ...row, details: { b: 2, a: {} } }, GENESIS_HASH, 1n)?.reason).toBe('hash_mismatch');
    expect(
      checkLink({ ...row, occurredAt: new Date('2026-11-25T08:00:00.124Z') }, GENESIS_HASH, 1n)?.reason,
    ).toBe('hash_mismatch');
  });

  it('detects a removed entry (gap) and a re-linked chain', () => {
    const h1 = hashAuditRecord(base, GENESIS_HASH);
    const second = { ...base, seq: '2', action: 'user.update' };
    const h2 = hashAuditRecord(second, h1);
    expect(checkLink({ ...second, prevHash: h1, hash: h2 }, h1, 2n)).toBeUndefined();
    // Entry 2 presented where entry 1 was expected: a gap.
    expect(checkLink({ ...second, prevHash: h1, hash: h2 }, GENESIS_HASH, 1n)?.reason).toBe('sequence_gap');
    // Entry 2 re-hashed onto another predecessor.
    expect(checkLink({ ...second, prevHash: GENESIS_HASH, hash: h2 }, h1, 2n)?.reason).toBe(
      'prev_hash_mismatch',
    );
  });
});

describe('sealed chain (HMAC keyed outside the database)', () => {
  const key = Buffer.alloc(32, 'test-audit-key');
  const otherKey = Buffer.alloc(32, 'someone-elses-key');
  const keys = new Map([['k1', key]]);
  const sealedAt = new Date('2026-12-06T10:00:00.000Z');
  const entry = (seq: string, over: Partial<StoredEntry> = {}): StoredEntry => ({
    ...base,
    seq,
    prevHash: null,
    hash: null,
    ...over,
  });
  /** Seals entries in order, as the sealer does. */
  function seal(entries: StoredEntry[], secret = key): Seal[] {
    let prev = GENESIS_MAC;
    return entries.map((e, i) => {
      const s = { chainSeq: String(i + 1), auditSeq: e.seq, sealedAt, keyId: 'k1' };
      prev = sealMac(secret, s, e, prev);
      return { ...s, mac: prev };
    });
  }
  const entries = [entry('3'), entry('7', { action: 'user.update' }), entry('8', { details: { x: 1 } })];

  it('an intact chain verifies link by link', () => {
    const seals = seal(entries);
    let prev = GENESIS_MAC;
    seals.forEach((s, i) => {
      expect(checkSeal(s, entries[i], prev, BigInt(i + 1), keys)).toBeUndefined();
      prev = s.mac;
    });
  });

  it('a changed field of the entry breaks its own seal only, and names that entry', () => {
    const seals = seal(entries);
    const altered = { ...entries[1]!, details: { b: 1, a: { d: [1, 2], c: '李四' } } };
    expect(checkSeal(seals[1]!, altered, seals[0]!.mac, 2n, keys)).toEqual({
      reason: 'mac_mismatch',
      chainSeq: '2',
      seq: '7',
    });
    // The next seal still verifies against the stored MAC: the content, not the seal, changed.
    expect(checkSeal(seals[2]!, entries[2], seals[1]!.mac, 3n, keys)).toBeUndefined();
    for (const change of [
      { occurredAt: new Date('2026-11-25T08:00:00.124Z') },
      { actorLogin: 'root' },
      { hash: 'f'.repeat(64) },
    ])
      expect(checkSeal(seals[1]!, { ...entries[1]!, ...change }, seals[0]!.mac, 2n, keys)?.reason).toBe(
        'mac_mismatch',
      );
  });

  it('an entry rewritten and re-sealed without the key (any other key) is detected', () => {
    const rewritten = [entries[0]!, { ...entries[1]!, action: 'user.read' }, entries[2]!];
    const forged = seal(rewritten, otherKey);
    const honest = seal(entries);
    expect(checkSeal(forged[0]!, rewritten[0], GENESIS_MAC, 1n, keys)?.reason).toBe('mac_mismatch');
    // Forging only from the altered entry on, on top of the honest first seal:
    const s2 = { ...forged[1]!, mac: sealMac(otherKey, forged[1]!, rewritten[1]!, honest[0]!.mac) };
    expect(checkSeal(s2, rewritten[1], honest[0]!.mac, 2n, keys)?.reason).toBe('mac_mismatch');
  });

  it('a MAC covers its position and its predecessor: reordering or re-linking breaks it', () => {
    const seals = seal(entries);
    expect(checkSeal(seals[2]!, entries[2], seals[0]!.mac, 3n, keys)?.reason).toBe('mac_mismatch');
    expect(checkSeal({ ...seals[2]!, chainSeq: '2' }, entries[2], seals[0]!.mac, 2n, keys)?.reason).toBe(
      'mac_mismatch',
    );
  });

  it('reports a missing seal, a deleted entry and an unknown key', () => {
    const seals = seal(entries);
    expect(checkSeal(seals[2]!, entries[2], seals[1]!.mac, 2n, keys)).toEqual({
      reason: 'chain_gap',
      chainSeq: '2',
    });
    expect(checkSeal(seals[1]!, undefined, seals[0]!.mac, 2n, keys)).toEqual({
      reason: 'entry_missing',
      chainSeq: '2',
      seq: '7',
    });
    expect(checkSeal({ ...seals[0]!, keyId: 'old' }, entries[0], GENESIS_MAC, 1n, keys)?.reason).toBe(
      'unknown_key',
    );
  });

  it('a row is overdue only once the grace period has passed', () => {
    const at = new Date('2026-12-06T10:00:00Z');
    expect(unsealedTooLong(at, new Date('2026-12-06T10:00:10Z'), 10_000)).toBe(false);
    expect(unsealedTooLong(at, new Date('2026-12-06T10:00:10.001Z'), 10_000)).toBe(true);
  });
});

describe('anchors (a head kept outside the database)', () => {
  const mac = 'a'.repeat(64);
  it('parses position:mac as printed, and refuses anything else', () => {
    expect(parseAnchor(` 42:${mac.toUpperCase()} `)).toEqual({ chainSeq: '42', mac });
    expect(formatAnchor({ chainSeq: '42', mac })).toBe(`42:${mac}`);
    for (const bad of [
      '',
      '42',
      `0:${mac}`,
      `-1:${mac}`,
      `42:${mac.slice(1)}`,
      `x:${mac}`,
      `42:${'g'.repeat(64)}`,
    ])
      expect(parseAnchor(bad)).toBeUndefined();
  });

  it('the anchor file reads back what was appended; a cut or foreign line is set aside', () => {
    const at = new Date('2026-12-06T10:00:00.000Z');
    const text =
      formatAnchorLine({ chainSeq: '5', mac }, at) +
      'garbage\n' +
      formatAnchorLine({ chainSeq: '9', mac: 'b'.repeat(64) }, at) +
      formatAnchorLine({ chainSeq: '12', mac }, at).slice(0, 40);
    const log = parseAnchorLog(text);
    expect(log.anchors).toEqual([
      { chainSeq: '5', mac, at },
      { chainSeq: '9', mac: 'b'.repeat(64), at },
    ]);
    expect(log.malformed).toEqual([2, 4]);
  });

  it('flags a seal differing from any anchor at its position; a legacy head still matches', () => {
    const legacy = 'c'.repeat(64);
    const index = anchorIndex([
      { chainSeq: '7', mac },
      { chainSeq: '3', mac: legacy },
    ]);
    expect(checkAnchor({ chainSeq: '7', mac }, null, index)).toBeUndefined();
    expect(checkAnchor({ chainSeq: '6', mac: 'b'.repeat(64) }, null, index)).toBeUndefined();
    expect(checkAnchor({ chainSeq: '7', mac: 'b'.repeat(64) }, null, index)).toEqual({
      reason: 'anchor_mismatch',
      chainSeq: '7',
    });
    expect(checkAnchor({ chainSeq: '3', mac: 'd'.repeat(64) }, legacy, index)).toBeUndefined();
    // Anchored twice at one position (the chain was cut and regrew): both must match.
    const twice = anchorIndex([
      { chainSeq: '7', mac },
      { chainSeq: '7', mac: 'b'.repeat(64) },
    ]);
    expect(checkAnchor({ chainSeq: '7', mac: 'b'.repeat(64) }, null, twice)?.reason).toBe('anchor_mismatch');
  });

  it('reports a chain that ends before an anchor as truncated at the first missing position', () => {
    expect(checkTail(9n, [{ chainSeq: '9', mac }])).toBeUndefined();
    expect(
      checkTail(9n, [
        { chainSeq: '3', mac },
        { chainSeq: '12', mac },
      ]),
    ).toEqual({ chainSeq: '10', reason: 'truncated' });
    expect(checkTail(0n, [{ chainSeq: '1', mac }])).toEqual({ chainSeq: '1', reason: 'truncated' });
  });
});
