import { describe, expect, it } from 'vitest';
import { CLOCK_STATES, STEP_ACTIONS } from './clocks.ts';
import { EXPORT_LABELS, limitLabel, reasonLabel } from './labels.ts';
import { parseRecomputeReason } from './reasons.ts';

const { 'zh-CN': zh, en } = EXPORT_LABELS;

describe('the downloads’ labels', () => {
  it('name every breach action, in both languages the same keys', () => {
    for (const labels of [zh, en])
      expect(Object.keys(labels.actions).sort()).toEqual([...STEP_ACTIONS].sort());
    expect(CLOCK_STATES).toContain('missed');
    const keys = (o: object): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        typeof v === 'object' && v !== null ? keys(v).map((x) => `${k}.${x}`) : [k],
      );
    expect(keys(en).sort()).toEqual(keys(zh).sort());
  });

  it('say a limit and a recompute reason in the file’s language', () => {
    expect(limitLabel(zh, '12h', '24x7')).toBe('12小时 · 7×24小时');
    expect(limitLabel(en, '3wd', 'cn-workdays')).toBe('3 working day(s) · national working days');
    expect(limitLabel(zh, '2d', 'zj-office')).toBe('2个自然日 · zj-office');
    const tier = parseRecomputeReason('customer tier changed: localB → group');
    expect(reasonLabel(zh, tier)).toBe('客户等级变更：本地B → 集团级');
    expect(reasonLabel(en, tier)).toBe('customer tier changed: Local B → Group');
    const policy = parseRecomputeReason(
      'policy tier.group.fault updated (version 3) (policies tier.group.fault)',
    );
    expect(reasonLabel(zh, policy)).toBe(
      '修改策略行 tier.group.fault（第 3 版）（涉及策略行 tier.group.fault）',
    );
    expect(
      reasonLabel(zh, parseRecomputeReason('request reopened (重开): counts on from the original start')),
    ).toBe('工单重开：从原申告时间继续计时');
    expect(reasonLabel(zh, parseRecomputeReason('something typed'))).toBe('something typed');
  });
});
