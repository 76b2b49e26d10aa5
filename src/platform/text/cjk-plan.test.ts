import { describe, expect, it } from 'vitest';
import { choosePlan, phraseTerm, rarestFrequency } from './cjk-plan.ts';

describe('CJK phrase plan choice', () => {
  it('reads the rarest lexeme; an unlisted one is bounded by the least common listed', () => {
    const elems = ['宽带', '带宽', 'zxhn', 'zxhnf650'];
    // Frequencies, then the minimum and maximum (tsvector statistics).
    const freqs = [0.4, 0.1, 0.02, 0.01, 0.01, 0.4];
    expect(rarestFrequency([{ text: '宽带', prefix: false }], elems, freqs)).toBeCloseTo(0.4);
    expect(
      rarestFrequency(
        [
          { text: '宽带', prefix: false },
          { text: '带宽', prefix: false },
        ],
        elems,
        freqs,
      ),
    ).toBeCloseTo(0.1);
    expect(rarestFrequency([{ text: '光猫', prefix: false }], elems, freqs)).toBeCloseTo(0.01);
    // A prefix counts every lexeme it begins.
    expect(rarestFrequency([{ text: 'zxhn', prefix: true }], elems, freqs)).toBeCloseTo(0.03);
  });

  it('walks the newest rows for a frequent term and uses the index for a rare one', () => {
    const rows = 10_000_000;
    expect(choosePlan({ rows, rarest: 0.05, known: true }, 50, 20_000)).toBe('recent');
    // 50 hits would need 500 000 rows walked: the 5 000 matches through the index are cheaper.
    expect(choosePlan({ rows, rarest: 0.0001, known: true }, 50, 20_000)).toBe('index');
    expect(choosePlan({ rows: 100, rarest: 0.5, known: true }, 50, 20_000)).toBe('index');
    // Without statistics the walk is bounded, then the index continues: never a full scan.
    expect(choosePlan({ rows: 0, rarest: 1, known: false }, 50, 20_000)).toBe('recent');
  });

  it('refuses a lone Chinese character: the pair index cannot find it exactly', () => {
    expect(phraseTerm('宽')).toEqual({ problem: 'lone_cjk' });
    expect(phraseTerm('宽 带')).toEqual({ problem: 'lone_cjk' });
    expect(phraseTerm(' ,')).toEqual({ problem: 'empty' });
    expect(phraseTerm('光猫 ZXHN')).toEqual({
      tsquery: "'光猫' & 'zxhn':*",
      lexemes: [
        { text: '光猫', prefix: false },
        { text: 'zxhn', prefix: true },
      ],
    });
    expect(phraseTerm('宽带故障')).toMatchObject({ tsquery: "('宽带' <-> '带故' <-> '故障')" });
  });
});
