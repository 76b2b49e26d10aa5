/**
 * The words of the SLA's downloads (pure data, no I/O): headers and the labels of coded values —
 * targets, request kinds, workflow states, priorities, tiers, breach actions, recompute reasons —
 * in zh-CN and English. The JSON answers keep the codes (the console names them from its own locale
 * files); the files are read by people. The names of coded values come from the same tables as the
 * console's (service-requests/domain/words.ts, words.ts), so a file and the screen say the same.
 */
import { REQUEST_WORDS } from '../../service-requests/domain/words.ts';
import type { SlaReason } from './reasons.ts';
import { SLA_WORDS } from './words.ts';

export const EXPORT_LANGUAGES = ['zh-CN', 'en'] as const;
export type ExportLanguage = (typeof EXPORT_LANGUAGES)[number];

const zhCN = {
  ...SLA_WORDS['zh-CN'],
  ...REQUEST_WORDS['zh-CN'],
  durations: { wd: '{n}个工作日', d: '{n}个自然日', h: '{n}小时', m: '{n}分钟' },
  actions: {
    notify_owner: '通知首问责任人',
    notify_supervisor: '通知班长',
    notify_account_manager: '通知客户经理',
    raise_priority: '提升优先级',
    escalate: '升级支持线',
    timeline: '记入工单轨迹',
  } as Record<string, string>,
  groupNone: {
    orgUnit: '无单位',
    agent: '未分配',
    product: '无产品',
    tier: '无客户等级',
    kind: '无类型',
  } as Record<string, string>,
  yes: '是',
  no: '否',
  none: '无',
  list: '；',
  items: '、',
  weekOf: '{date} 起一周',
  priority: '优先级 {from} → {to}',
  supportLine: '支持线 {from} → {to}',
  reasons: {
    tierChanged: '客户等级变更：{from} → {to}',
    locationClassChanged: '服务地点类别变更：{from} → {to}',
    contractChanged: '客户合同 {contractNo} 变更：工单适用的合同为 {contractId}',
    reopened: '工单重开：从原申告时间继续计时',
    reopenedRecomputed: '工单重开：按当前情况和策略重新计算',
    created: '新增策略行 {row}',
    updated: '修改策略行 {row}（第 {version} 版）',
    deactivated: '停用策略行 {row}（第 {version} 版）',
    reactivated: '重新启用策略行 {row}（第 {version} 版）',
    policies: '（涉及策略行 {rows}）',
  },
  met: {
    sheet: '服务时限达标率',
    group: '分组',
    groupCode: '分组编码',
    target: '时限',
    met: '达标',
    missed: '超时',
    openBreached: '未完成已超时',
    openOnTrack: '未完成未超时',
    decided: '考核基数',
    metPercent: '达标率(%)',
  },
  breaches: {
    sheet: '超时明细',
    number: '工单号',
    kind: '工单类型',
    target: '时限',
    policy: '策略行',
    limit: '承诺时限',
    start: '起算时间',
    deadline: '时限到期',
    metAt: '完成时间',
    lateMinutes: '超时(分钟)',
    open: '仍未完成',
    handlingUnit: '处理单位',
    group: '技能组',
    assignee: '处理人',
    owner: '首问责任人',
    pausedMinutes: '客户原因挂起(分钟)',
    statusAtDeadline: '到期时环节',
    breachActedAt: '超时处理时间',
    breachActions: '超时处理',
    escalation: '升级',
    recomputed: '时限重算',
  },
};

type Labels = typeof zhCN;

const en: Labels = {
  ...SLA_WORDS.en,
  ...REQUEST_WORDS.en,
  durations: { wd: '{n} working day(s)', d: '{n} calendar day(s)', h: '{n} h', m: '{n} min' },
  actions: {
    notify_owner: 'owner told',
    notify_supervisor: 'supervisors told',
    notify_account_manager: 'account manager told',
    raise_priority: 'priority raised',
    escalate: 'escalated one support line',
    timeline: 'on the timeline',
  },
  groupNone: {
    orgUnit: 'No unit',
    agent: 'Unassigned',
    product: 'No product',
    tier: 'No tier',
    kind: 'No kind',
  },
  yes: 'yes',
  no: 'no',
  none: 'none',
  list: '; ',
  items: ', ',
  weekOf: 'week of {date}',
  priority: 'priority {from} → {to}',
  supportLine: 'support line {from} → {to}',
  reasons: {
    tierChanged: 'customer tier changed: {from} → {to}',
    locationClassChanged: 'location class of the service changed: {from} → {to}',
    contractChanged: "customer contract {contractNo} changed: the request's contract is {contractId}",
    reopened: 'request reopened: counts on from the original report',
    reopenedRecomputed: 'request reopened: computed again with the current facts and policies',
    created: 'policy row {row} added',
    updated: 'policy row {row} changed (version {version})',
    deactivated: 'policy row {row} deactivated (version {version})',
    reactivated: 'policy row {row} reactivated (version {version})',
    policies: ' (policy rows {rows})',
  },
  met: {
    sheet: 'SLA met',
    group: 'Group',
    groupCode: 'Group code',
    target: 'Target',
    met: 'Met',
    missed: 'Missed',
    openBreached: 'Open, past the deadline',
    openOnTrack: 'Open, within the deadline',
    decided: 'Base',
    metPercent: 'Met (%)',
  },
  breaches: {
    sheet: 'Breaches',
    number: 'Request number',
    kind: 'Kind',
    target: 'Target',
    policy: 'Policy row',
    limit: 'Commitment',
    start: 'Started',
    deadline: 'Deadline',
    metAt: 'Done at',
    lateMinutes: 'Late (minutes)',
    open: 'Still open',
    handlingUnit: 'Handling unit',
    group: 'Skill group',
    assignee: 'Assignee',
    owner: 'First-contact owner',
    pausedMinutes: 'Paused by the customer (minutes)',
    statusAtDeadline: 'State at the deadline',
    breachActedAt: 'Breach acted on at',
    breachActions: 'Breach actions',
    escalation: 'Escalation',
    recomputed: 'Deadline recomputed',
  },
};

export const EXPORT_LABELS: Readonly<Record<ExportLanguage, Labels>> = { 'zh-CN': zhCN, en };

/** `{name}` placeholders filled in. */
export const fill = (template: string, values: Record<string, string | number>): string =>
  template.replace(/\{(\w+)\}/g, (all, k: string) => (k in values ? String(values[k]) : all));

/** A coded value's label, or the code itself when the table has none (a kind an administrator added …). */
export const labelOf = (table: Readonly<Record<string, string>>, code: string): string => table[code] ?? code;

/** "12小时 · 7×24小时": a duration on its calendar (a unit's calendar by its code). */
export function limitLabel(l: Labels, duration: string, calendar: string): string {
  const m = /^(\d+)(wd|d|h|m)$/.exec(duration);
  const d = m ? fill(l.durations[m[2] as keyof Labels['durations']], { n: m[1]! }) : duration;
  return `${d} · ${labelOf(l.calendars, calendar)}`;
}

/** A recompute reason in a file's language (free text stays as written). */
export function reasonLabel(l: Labels, r: SlaReason): string {
  const fact = (table: Readonly<Record<string, string>>, v: string | null) =>
    v === null ? l.none : labelOf(table, v);
  const policies = (codes: readonly string[]) =>
    codes.length ? fill(l.reasons.policies, { rows: codes.join(l.items) }) : '';
  switch (r.code) {
    case 'tier_changed':
      return fill(l.reasons.tierChanged, {
        from: fact(l.tiers, r.params.from),
        to: fact(l.tiers, r.params.to),
      });
    case 'location_class_changed':
      return fill(l.reasons.locationClassChanged, {
        from: fact(l.locationClasses, r.params.from),
        to: fact(l.locationClasses, r.params.to),
      });
    case 'contract_changed':
      return fill(l.reasons.contractChanged, {
        contractNo: r.params.contractNo,
        contractId: r.params.contractId ?? l.none,
      });
    case 'reopened':
      return l.reasons.reopened;
    case 'reopened_recomputed':
      return l.reasons.reopenedRecomputed;
    case 'policy_changed':
      return (
        fill(l.reasons[r.params.change], { row: r.params.row, version: r.params.version ?? '?' }) +
        policies(r.params.policies)
      );
    case 'text':
      return r.params.text + policies(r.params.policies);
    default:
      // The explanation's reasons are not recompute reasons: not in a file.
      return '';
  }
}
