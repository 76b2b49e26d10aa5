import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  checkAnchor,
  checkLink,
  checkTail,
  formatAnchor,
  GENESIS_HASH,
  hashAuditRecord,
  parseAnchor,
  type AuditRecord,
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

describe('audit hash chain', () => {
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

describe('anchors (a head kept outside the database)', () => {
  const hash = 'a'.repeat(64);
  it('parses seq:hash as printed, and refuses anything else', () => {
    expect(parseAnchor(` 42:${hash.toUpperCase()} `)).toEqual({ seq: '42', hash });
    expect(formatAnchor({ seq: '42', hash })).toBe(`42:${hash}`);
    for (const bad of [
      '',
      '42',
      `0:${hash}`,
      `-1:${hash}`,
      `42:${hash.slice(1)}`,
      `x:${hash}`,
      `42:${'g'.repeat(64)}`,
    ])
      expect(parseAnchor(bad)).toBeUndefined();
  });

  it('flags a row whose hash differs from its anchor, and only that row', () => {
    const anchors = new Map([['7', hash]]);
    expect(checkAnchor({ seq: '7', hash }, anchors)).toBeUndefined();
    expect(checkAnchor({ seq: '6', hash: 'b'.repeat(64) }, anchors)).toBeUndefined();
    expect(checkAnchor({ seq: '7', hash: 'b'.repeat(64) }, anchors)).toEqual({
      seq: '7',
      reason: 'anchor_mismatch',
    });
  });

  it('reports a chain that ends before an anchor as truncated at the first missing entry', () => {
    expect(checkTail(9n, [{ seq: '9', hash }])).toBeUndefined();
    expect(
      checkTail(9n, [
        { seq: '3', hash },
        { seq: '12', hash },
      ]),
    ).toEqual({ seq: '10', reason: 'truncated' });
    expect(checkTail(0n, [{ seq: '1', hash }])).toEqual({ seq: '1', reason: 'truncated' });
  });
});
