import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICIES } from './matrix.ts';
import { resolvePolicy, type PolicyRow } from './policy.ts';
import { parseRecomputeReason, POLICY_CHANGES, reasonText, type SlaReason } from './reasons.ts';

describe('the explanation as reasons', () => {
  it('gives one reason per sentence, the sentences made from them', () => {
    const r = resolvePolicy(DEFAULT_POLICIES, {
      kind: 'fault',
      tier: 'group',
      productCode: 'app.logistics_et',
      productFamily: 'industry_app',
    });
    expect(r.reasons).toHaveLength(r.explanation.length);
    expect(r.reasons.map(reasonText)).toEqual(r.explanation);
    expect(r.reasons[0]!.code).toBe('rows_matching');
    const restoration = r.reasons.find((x) => x.code === 'target_row' && x.params.target === 'restoration');
    expect(restoration).toEqual({
      code: 'target_row',
      params: expect.objectContaining({
        row: 'seed.logistics-et',
        level: 'product',
        duration: '3wd',
        calendar: 'cn-workdays',
        counting: null,
        tiedWith: null,
        overrides: [
          { row: 'tier.group.fault', duration: '4h' },
          { row: 'reg.fault-repair', duration: '48h' },
        ],
      }),
    });
    // The sentence the API has always given for it.
    expect(reasonText(restoration!)).toBe(
      'restoration (修复/恢复) 3wd on cn-workdays: row seed.logistics-et, the most specific (product) that sets it; overrides tier.group.fault 4h, reg.fault-repair 48h',
    );
  });

  it('names the row a tie went to, and says when nothing matches', () => {
    const a: PolicyRow = {
      code: 'a',
      name: 'a',
      source: 't',
      match: { tier: 'localB' },
      targets: { feedback: { duration: '1h', calendar: '24x7' } },
    };
    const b: PolicyRow = { ...a, code: 'b', targets: { feedback: { duration: '2h', calendar: '24x7' } } };
    const r = resolvePolicy([b, a], { kind: 'consultation', tier: 'localB' });
    expect(r.reasons.at(-1)).toMatchObject({ code: 'target_row', params: { row: 'b', tiedWith: 'a' } });
    expect(r.explanation.at(-1)).toContain('tied with a, listed earlier wins');
    expect(r.reasons[0]).toEqual({
      code: 'rows_matching',
      params: {
        rows: [
          { row: 'b', level: 'tier', match: { tier: 'localB' } },
          { row: 'a', level: 'tier', match: { tier: 'localB' } },
        ],
      },
    });
    expect(r.explanation[0]).toBe(
      'matching rows, most specific first (contract > product > family > tier > kind > global, then the more narrowing fields): b (tier: tier=localB); a (tier: tier=localB)',
    );
    const none = resolvePolicy([], { kind: 'fault', tier: 'public' });
    expect(none.reasons).toEqual([{ code: 'no_row_matches', params: {} }]);
    expect(none.explanation).toEqual(['no row matches']);
  });
});

describe('recompute reasons', () => {
  it('reads back the texts the producers store', () => {
    const cases: Array<[string, SlaReason]> = [
      [
        'customer tier changed: localB → group',
        { code: 'tier_changed', params: { from: 'localB', to: 'group' } },
      ],
      ['customer tier changed: none → group', { code: 'tier_changed', params: { from: null, to: 'group' } }],
      [
        'location class of the service changed: urban → rural',
        { code: 'location_class_changed', params: { from: 'urban', to: 'rural' } },
      ],
      [
        "customer contract JS-SLA-2025-0001 changed: the request's contract is none",
        { code: 'contract_changed', params: { contractNo: 'JS-SLA-2025-0001', contractId: null } },
      ],
      ['request reopened (重开): counts on from the original start', { code: 'reopened', params: {} }],
      ['request reopened (重开): current facts and policies', { code: 'reopened_recomputed', params: {} }],
      [
        'policy tier.group.fault updated (version 3) (policies tier.group.fault)',
        {
          code: 'policy_changed',
          params: { row: 'tier.group.fault', change: 'updated', version: 3, policies: ['tier.group.fault'] },
        },
      ],
      [
        'policy family.x created (policies family.x)',
        {
          code: 'policy_changed',
          params: { row: 'family.x', change: 'created', version: null, policies: ['family.x'] },
        },
      ],
      [
        'demo contract row added (policies contract.JS-SLA-2025-0001)',
        {
          code: 'text',
          params: { text: 'demo contract row added', policies: ['contract.JS-SLA-2025-0001'] },
        },
      ],
      ['something else: a → b', { code: 'text', params: { text: 'something else: a → b', policies: [] } }],
    ];
    for (const [text, reason] of cases) {
      expect(parseRecomputeReason(text), text).toEqual(reason);
      expect(reasonText(reason), text).toBe(text);
    }
  });

  it('reads back every recompute reason it writes, and never fails on other text', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/);
    const value = fc.option(
      word.filter((w) => w !== 'none'),
      { nil: null },
    );
    const codes = fc.array(word, { maxLength: 3 });
    const reason: fc.Arbitrary<SlaReason> = fc.oneof(
      fc.record({
        code: fc.constant('tier_changed' as const),
        params: fc.record({ from: value, to: value }),
      }),
      fc.record({
        code: fc.constant('location_class_changed' as const),
        params: fc.record({ from: value, to: value }),
      }),
      fc.record({
        code: fc.constant('contract_changed' as const),
        params: fc.record({ contractNo: word, contractId: value }),
      }),
      fc.constant<SlaReason>({ code: 'reopened', params: {} }),
      fc.constant<SlaReason>({ code: 'reopened_recomputed', params: {} }),
      fc
        .record({ row: word, change: fc.constantFrom(...POLICY_CHANGES), version: fc.nat(), policies: codes })
        .map((p): SlaReason => ({
          code: 'policy_changed',
          params: { ...p, version: p.change === 'created' ? null : p.version },
        })),
    );
    fc.assert(
      fc.property(reason, (r) => {
        expect(parseRecomputeReason(reasonText(r))).toEqual(r);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parseRecomputeReason(s);
        expect(reasonText(r)).toBe(s);
      }),
    );
  });
});
