import { describe, expect, it } from 'vitest';
import { composeNotices, formatZhTime, transitionProblems, type IncidentFacts } from './incidents.ts';

const base: IncidentFacts = {
  state: 'open',
  incidentNo: 'SI-000007',
  title: '工单导出文件外泄',
  description: '外包人员上传导出文件至外部网盘。',
  category: 'leak',
  cause: null,
  occurredAt: null,
  discoveredAt: new Date('2026-12-05T02:00:00Z'),
  dataKinds: [],
  estimatedAffected: null,
  severity: null,
  harm: null,
  measures: null,
  advice: null,
  decidedBy: null,
  notifyIndividuals: true,
  noNoticeReason: null,
  notificationNote: null,
  closeNote: null,
};
const assessed: IncidentFacts = {
  ...base,
  state: 'assessed',
  severity: 'major',
  harm: '可能被用于诈骗。',
  dataKinds: ['name', 'id_number'],
  decidedBy: '信息安全负责人',
};
const complete: IncidentFacts = {
  ...assessed,
  cause: '违规导出。',
  measures: '已删除文件。',
  advice: '警惕冒充来电。',
  notificationNote: '短信告知。',
};
const fields = (from: IncidentFacts['state'], f: IncidentFacts) =>
  transitionProblems(from, f).map((p) => p.field);

describe('incident states', () => {
  it('allows open → assessed → notified → closed, and closing early with a note', () => {
    expect(fields('open', assessed)).toEqual([]);
    expect(fields('assessed', { ...complete, state: 'notified' })).toEqual([]);
    expect(fields('notified', { ...complete, state: 'closed', closeNote: '完成' })).toEqual([]);
    expect(fields('open', { ...base, state: 'closed', closeNote: '误报' })).toEqual([]);
    expect(fields('assessed', { ...assessed, state: 'closed', closeNote: '不涉及个人信息' })).toEqual([]);
  });

  it('refuses skipping the assessment, going back, and any move out of closed', () => {
    expect(fields('open', { ...complete, state: 'notified' })).toEqual(['state']);
    expect(fields('notified', { ...complete, state: 'assessed' })).toEqual(['state']);
    expect(fields('assessed', { ...complete, state: 'open' })).toEqual(['state']);
    expect(transitionProblems('closed', { ...complete, state: 'open' })[0]!.message).toMatch(/closed/);
  });

  it('names everything a step lacks', () => {
    expect(fields('open', { ...base, state: 'assessed' }).sort()).toEqual([
      'dataKinds',
      'decidedBy',
      'harm',
      'severity',
    ]);
    expect(fields('assessed', { ...assessed, state: 'notified' }).sort()).toEqual([
      'advice',
      'cause',
      'measures',
      'notificationNote',
    ]);
    // Blank text is not text.
    expect(fields('assessed', { ...complete, state: 'notified', cause: '   ' })).toEqual(['cause']);
    expect(fields('notified', { ...complete, state: 'closed' })).toEqual(['closeNote']);
  });

  it('asks for the reason instead of the advice when individuals are not notified (Art. 57 para. 2)', () => {
    const noIndividuals = { ...complete, state: 'notified' as const, notifyIndividuals: false, advice: null };
    expect(fields('assessed', noIndividuals)).toEqual(['noNoticeReason']);
    expect(fields('assessed', { ...noIndividuals, noNoticeReason: '数据已加密且密钥未泄露' })).toEqual([]);
  });
});

describe('notice texts (PIPL Art. 57)', () => {
  const settings = {
    privacyContact: '客服热线10000',
    regulatorContact: '江苏省通信管理局',
    timeZone: 'Asia/Shanghai',
  };

  it('formats times in the configured zone', () => {
    expect(formatZhTime(new Date('2026-12-05T02:00:00Z'), 'Asia/Shanghai')).toBe('2026年12月5日 10:00');
    expect(formatZhTime(new Date('2026-12-05T17:05:00Z'), 'Asia/Shanghai')).toBe('2026年12月6日 01:05');
  });

  it('says what kinds of information, the cause, the harm, the measures, what to do and whom to contact', () => {
    const t = composeNotices(
      { ...complete, occurredAt: new Date('2026-12-01T00:00:00Z') },
      { linkedCustomers: 2 },
      settings,
    );
    expect(t.missing).toEqual([]);
    expect(t.individual).toContain('个人信息泄露事件');
    expect(t.individual).toContain('2026年12月5日 10:00');
    expect(t.individual).toContain('2026年12月1日 08:00');
    expect(t.individual).toContain('姓名、身份证件号码');
    for (const part of ['违规导出。', '可能被用于诈骗。', '已删除文件。', '警惕冒充来电。', '客服热线10000'])
      expect(t.individual).toContain(part);
    expect(t.regulator).toMatch(/^致：江苏省通信管理局/);
    for (const part of [
      'SI-000007',
      '重大',
      '涉及的个人数量：2户',
      '是否通知个人：是',
      '决定人：信息安全负责人',
    ])
      expect(t.regulator).toContain(part);
    // Nothing of the register's internal text goes to individuals.
    expect(t.individual).not.toContain('外包人员上传');
  });

  it('marks what is not written yet, and the settings that are not configured', () => {
    const t = composeNotices(
      base,
      { linkedCustomers: 0 },
      { ...settings, privacyContact: null, regulatorContact: null },
    );
    expect(t.missing.sort()).toEqual(
      [
        'ONEPOINT_PRIVACY_CONTACT',
        'ONEPOINT_REGULATOR_CONTACT',
        'advice',
        'cause',
        'dataKinds',
        'decidedBy',
        'harm',
        'measures',
        'severity',
      ].sort(),
    );
    expect(t.individual).toContain('【待填写：事件原因】');
    expect(t.individual).toContain('【待填写：个人信息保护联系方式】');
    expect(t.regulator).toContain('致：【待填写：主管部门】');
  });

  it('reports an estimate beside the customers identified, and why individuals are not told', () => {
    const t = composeNotices(
      {
        ...complete,
        estimatedAffected: 5000,
        notifyIndividuals: false,
        advice: null,
        noNoticeReason: '数据已加密',
      },
      { linkedCustomers: 120 },
      settings,
    );
    expect(t.regulator).toContain('已确认120户，估计共约5000人');
    expect(t.regulator).toContain('是否通知个人：否，理由：数据已加密');
    expect(t.missing).toEqual([]);
  });
});
