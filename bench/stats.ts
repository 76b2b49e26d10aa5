// Percentiles of a run's samples, and their ratios to a baseline measured in the same run.
export interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  /** p50 and p95 divided by the baseline's (measured in the same run). */
  ratioP50: number;
  ratioP95: number;
}

export const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

export function stats(samples: number[], baseline?: { p50: number; p95: number }): Stats {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  const p50 = q(0.5);
  const p95 = q(0.95);
  return {
    n: s.length,
    p50: round(p50, 3),
    p95: round(p95, 3),
    p99: round(q(0.99), 3),
    max: round(s.at(-1)!, 3),
    ratioP50: baseline ? round(p50 / baseline.p50, 1) : 1,
    ratioP95: baseline ? round(p95 / baseline.p95, 1) : 1,
  };
}
