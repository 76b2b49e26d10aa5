import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import slaEn from '../../i18n/locales/sla.en.ts';
import slaZhCN from '../../i18n/locales/sla.zh-CN.ts';
import { plainReason, reasonPieces, slaReasonText, type SlaReason, type Translate } from './reasons.ts';

// The console's own texts, as the SLA screens register them.
const i18n = i18next.createInstance();
void i18n.init({
  resources: { 'zh-CN': { translation: { sla: slaZhCN } }, en: { translation: { sla: slaEn } } },
  lng: 'zh-CN',
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
  initAsync: false,
});
const zh = i18n.getFixedT('zh-CN') as unknown as Translate;
const en = i18n.getFixedT('en') as unknown as Translate;
/** The sentence as read (the data marks dropped). */
const say = (r: SlaReason, t: Translate, fallback?: string) => plainReason(slaReasonText(r, t, fallback));

const restoration = {
  code: 'target_row',
  params: {
    target: 'restoration',
    duration: '12h',
    calendar: '24x7',
    counting: null,
    row: 'tier.localB.fault',
    level: 'tier',
    tiedWith: null,
    overrides: [{ row: 'reg.fault-repair', duration: '48h' }],
  },
} satisfies SlaReason;

describe('SLA reasons in words', () => {
  it('says which row gives a target and what it overrides', () => {
    expect(say(restoration, zh)).toBe(
      '修复/恢复 12小时（7×24小时）：取自策略行 tier.localB.fault，是设定该项的最具体一行（客户等级）；覆盖 reg.fault-repair（48小时）',
    );
    expect(say(restoration, en)).toBe(
      'Restoration 12 h (24×7): row tier.localB.fault, the most specific (Tier) that sets it; overrides reg.fault-repair (48 h)',
    );
    const civil: SlaReason = {
      code: 'target_row',
      params: {
        ...restoration.params,
        target: 'resolution',
        duration: '15d',
        calendar: 'cn-workdays',
        counting: 'civil-code',
        row: 'reg.complaint',
        level: 'kind',
        tiedWith: 'reg.other',
        overrides: [],
      },
    } as SlaReason;
    expect(say(civil, zh)).toBe(
      '解决 15个自然日（法定工作日，按民法典计算期间）：取自策略行 reg.complaint，是设定该项的最具体一行（请求类型）；与 reg.other 同样具体，取先列出的一行',
    );
  });

  it('names the matching rows with their conditions in the user’s words', () => {
    const rows: SlaReason = {
      code: 'rows_matching',
      params: {
        rows: [
          { row: 'tier.localB.fault', level: 'tier', match: { tier: 'localB', kind: 'fault' } },
          { row: 'reg.fault-repair', level: 'kind', match: { kind: 'fault', locationClass: 'rural' } },
          { row: 'global', level: 'global', match: {} },
        ],
      },
    };
    expect(say(rows, zh)).toBe(
      '匹配的策略行（从最具体到最宽泛：合同 > 产品 > 产品族 > 客户等级 > 请求类型 > 全局，同一层级适用条件多者优先）：' +
        'tier.localB.fault（客户等级：客户等级=本地B、请求类型=故障申告）；reg.fault-repair（请求类型：请求类型=故障申告、地点类别=农村）；global（全局：不限）',
    );
    expect(say(rows, en)).toContain(
      'tier.localB.fault (Tier: Customer tier = Local B, Request kind = Fault)',
    );
    expect(say({ code: 'no_row_matches', params: {} }, zh)).toBe('没有匹配的策略行');
    expect(say({ code: 'row_inactive', params: { row: 'x' } }, zh)).toBe('策略行 x（已停用）');
  });

  it('says why deadlines were computed again', () => {
    expect(say({ code: 'tier_changed', params: { from: 'localB', to: 'group' } }, zh)).toBe(
      '客户等级变更：本地B → 集团级',
    );
    expect(say({ code: 'tier_changed', params: { from: null, to: 'group' } }, en)).toBe(
      'Customer tier changed: none → Group',
    );
    expect(say({ code: 'location_class_changed', params: { from: 'urban', to: 'rural' } }, zh)).toBe(
      '服务地点类别变更：城区 → 农村',
    );
    expect(say({ code: 'contract_changed', params: { contractNo: 'JS-1', contractId: null } }, zh)).toBe(
      '客户合同 JS-1 变更：工单适用的合同为 无',
    );
    expect(say({ code: 'reopened', params: {} }, zh)).toBe('工单重开：从原申告时间继续计时');
    expect(say({ code: 'reopened_recomputed', params: {} }, en)).toBe(
      'Request reopened: computed again with the current facts and policies',
    );
    const policy: SlaReason = {
      code: 'policy_changed',
      params: { row: 'tier.group.fault', change: 'updated', version: 3, policies: ['tier.group.fault'] },
    };
    expect(say(policy, zh)).toBe('修改策略行 tier.group.fault（第 3 版）（涉及策略行 tier.group.fault）');
    expect(say(policy, en)).toBe(
      'Policy row tier.group.fault changed (version 3) (policy rows tier.group.fault)',
    );
    expect(say({ code: 'text', params: { text: 'demo contract row added', policies: [] } }, zh)).toBe(
      'demo contract row added',
    );
  });

  it('marks the data in a sentence: row codes, contracts, codes without a name', () => {
    // Odd pieces are data (shown translate="no"): the row codes and the unit's calendar code.
    const pieces = reasonPieces(
      slaReasonText({ code: 'target_row', params: { ...restoration.params, calendar: 'zj-office' } }, zh),
    );
    expect(pieces.filter((_, i) => i % 2 === 1)).toEqual([
      'zj-office',
      'tier.localB.fault',
      'reg.fault-repair',
    ]);
    expect(pieces.filter((_, i) => i % 2 === 0).join('')).not.toMatch(/[A-Za-z]{2,}/);
  });

  it('shows the server’s English for a code it does not know', () => {
    const unknown = { code: 'new_code', params: {} } as unknown as SlaReason;
    expect(say(unknown, zh, 'as the server said')).toBe('as the server said');
  });
});
