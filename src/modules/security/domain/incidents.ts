/**
 * Information-security incidents (信息安全事件处理, PIPL Art. 57): the pure rules — the register's
 * states and what each step needs, and the text of the notices. No I/O.
 */

/** open → assessed → notified → closed; closing early (a false alarm) is allowed with a note. */
export const INCIDENT_STATES = ['open', 'assessed', 'notified', 'closed'] as const;
export type IncidentState = (typeof INCIDENT_STATES)[number];

/** What happened to the personal information (Art. 57: 泄露、篡改、丢失). */
export const INCIDENT_CATEGORIES = ['leak', 'tampering', 'loss', 'other'] as const;
export type IncidentCategory = (typeof INCIDENT_CATEGORIES)[number];
export const CATEGORY_ZH: Record<IncidentCategory, string> = {
  leak: '泄露',
  tampering: '篡改',
  loss: '丢失',
  other: '其他安全事件',
};

/** The usual four grades of a network-security incident (一般、较大、重大、特别重大). */
export const SEVERITIES = ['minor', 'significant', 'major', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const SEVERITY_ZH: Record<Severity, string> = {
  minor: '一般',
  significant: '较大',
  major: '重大',
  critical: '特别重大',
};

/** Kinds of personal information an incident can touch (what the notice names). */
export const DATA_KINDS = [
  'name',
  'phone',
  'id_number',
  'address',
  'email',
  'account',
  'billing',
  'service_usage',
  'location',
  'credentials',
  'other',
] as const;
export type DataKind = (typeof DATA_KINDS)[number];
export const DATA_KIND_ZH: Record<DataKind, string> = {
  name: '姓名',
  phone: '电话号码',
  id_number: '身份证件号码',
  address: '地址',
  email: '电子邮箱',
  account: '业务账号',
  billing: '账单及缴费信息',
  service_usage: '业务使用记录',
  location: '位置信息',
  credentials: '登录凭证',
  other: '其他个人信息',
};

/** The register entry as the rules see it (the service maps rows to this). */
export interface IncidentFacts {
  state: IncidentState;
  incidentNo: string;
  title: string;
  description: string;
  category: IncidentCategory;
  cause: string | null;
  occurredAt: Date | null;
  discoveredAt: Date;
  dataKinds: readonly DataKind[];
  estimatedAffected: number | null;
  severity: Severity | null;
  harm: string | null;
  measures: string | null;
  advice: string | null;
  decidedBy: string | null;
  notifyIndividuals: boolean;
  noNoticeReason: string | null;
  notificationNote: string | null;
  closeNote: string | null;
}

const ALLOWED: Record<IncidentState, readonly IncidentState[]> = {
  open: ['assessed', 'closed'],
  assessed: ['notified', 'closed'],
  notified: ['closed'],
  closed: [],
};

export interface FieldProblem {
  field: string;
  message: string;
}

const blank = (v: string | null | undefined) => !v || !v.trim();

/**
 * What stops moving `facts` (already merged with the change) from `from` to `facts.state`, as
 * field problems; empty when the move is allowed. Assessing needs the grade, the likely harm, the
 * kinds of data and who decided; notifying needs everything Art. 57 says a notice contains (or,
 * when individuals are not notified, the reason); closing needs a note.
 */
export function transitionProblems(from: IncidentState, facts: IncidentFacts): FieldProblem[] {
  const to = facts.state;
  if (from === to) return [];
  if (!ALLOWED[from].includes(to))
    return [
      {
        field: 'state',
        message:
          from === 'closed'
            ? 'the incident is closed; it can no longer change'
            : `cannot go from ${from} to ${to} (allowed: ${ALLOWED[from].join(', ')})`,
      },
    ];
  const problems: FieldProblem[] = [];
  const need = (ok: boolean, field: string, message: string) => {
    if (!ok) problems.push({ field, message });
  };
  if (to === 'assessed' || to === 'notified') {
    need(facts.severity !== null, 'severity', `is needed to move to ${to}`);
    need(!blank(facts.harm), 'harm', `(the likely harm) is needed to move to ${to}`);
    need(
      facts.dataKinds.length > 0,
      'dataKinds',
      `(the kinds of personal information) are needed to move to ${to}`,
    );
    need(!blank(facts.decidedBy), 'decidedBy', `(who decided) is needed to move to ${to}`);
  }
  if (to === 'notified') {
    need(!blank(facts.cause), 'cause', 'is needed in the notice (PIPL Art. 57)');
    need(
      !blank(facts.measures),
      'measures',
      '(the remedial measures) are needed in the notice (PIPL Art. 57)',
    );
    if (facts.notifyIndividuals)
      need(!blank(facts.advice), 'advice', '(what people can do) is needed in the notice to individuals');
    else need(!blank(facts.noNoticeReason), 'noNoticeReason', 'is needed when individuals are not notified');
    need(
      !blank(facts.notificationNote),
      'notificationNote',
      '(who was notified, how and when) is needed to record the notice',
    );
  }
  if (to === 'closed') need(!blank(facts.closeNote), 'closeNote', 'is needed to close an incident');
  return problems;
}

/** Fields that may not change once the incident is closed (all of them, in effect). */
export const isEditable = (state: IncidentState): boolean => state !== 'closed';

// ---- Notice texts (Chinese, PIPL Art. 57) ----

/** 2026年12月7日 10:30 in the given time zone. */
export function formatZhTime(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}年${Number(parts.month)}月${Number(parts.day)}日 ${parts.hour}:${parts.minute}`;
}

/** A placeholder that stands where something is not written yet (and is listed in `missing`). */
const TODO = (what: string) => `【待填写：${what}】`;

export interface NoticeSettings {
  /** The handler's contact for people affected (Art. 57(3)); null: not configured. */
  privacyContact: string | null;
  /** Who the report to the regulator goes to; null: not configured. */
  regulatorContact: string | null;
  timeZone: string;
}

export interface NoticeTexts {
  individual: string;
  regulator: string;
  /** What the texts lack (field names, or the setting's variable), each shown as 【待填写…】. */
  missing: string[];
}

const dataKindsZh = (kinds: readonly DataKind[]) => kinds.map((k) => DATA_KIND_ZH[k]).join('、');

/**
 * The notice to the people affected and the report to the regulator (the department that performs
 * personal-information protection duties), with what Art. 57 asks: the kinds of personal
 * information, the cause and the possible harm; the remedial measures and what people can do to
 * reduce the harm; the handler's contact. Nothing personal: one text for everybody.
 */
export function composeNotices(
  f: IncidentFacts,
  counts: { linkedCustomers: number },
  settings: NoticeSettings,
): NoticeTexts {
  const missing = new Set<string>();
  const val = (v: string | null, field: string, zh: string) => {
    if (blank(v)) {
      missing.add(field);
      return TODO(zh);
    }
    return v!.trim();
  };
  const kinds = f.dataKinds.length
    ? dataKindsZh(f.dataKinds)
    : (missing.add('dataKinds'), TODO('涉及的个人信息种类'));
  const contact =
    settings.privacyContact ?? (missing.add('ONEPOINT_PRIVACY_CONTACT'), TODO('个人信息保护联系方式'));
  const regulatorTo =
    settings.regulatorContact ?? (missing.add('ONEPOINT_REGULATOR_CONTACT'), TODO('主管部门'));
  const what = CATEGORY_ZH[f.category];
  const found = formatZhTime(f.discoveredAt, settings.timeZone);
  const happened = f.occurredAt ? formatZhTime(f.occurredAt, settings.timeZone) : '尚在核查';
  const cause = val(f.cause, 'cause', '事件原因');
  const harm = val(f.harm, 'harm', '可能造成的危害');
  const measures = val(f.measures, 'measures', '已采取的补救措施');
  const advice = f.notifyIndividuals || !blank(f.advice) ? val(f.advice, 'advice', '个人可采取的措施') : '无';

  const individual = [
    '【个人信息安全事件告知】',
    '尊敬的客户：',
    `我们于${found}发现一起个人信息${what}事件（发生时间：${happened}），可能涉及您的以下个人信息：${kinds}。`,
    `一、事件原因：${cause}`,
    `二、可能造成的危害：${harm}`,
    `三、我们已采取的补救措施：${measures}`,
    `四、您可以采取的措施：${advice}`,
    `五、如有疑问，请联系：${contact}`,
    '我们对此深表歉意，并将持续采取措施保护您的个人信息安全。',
  ].join('\n');

  const affected =
    f.estimatedAffected !== null && f.estimatedAffected !== counts.linkedCustomers
      ? `已确认${counts.linkedCustomers}户，估计共约${f.estimatedAffected}人`
      : `${counts.linkedCustomers}户`;
  const severity = f.severity ? SEVERITY_ZH[f.severity] : (missing.add('severity'), TODO('事件级别'));
  const decided = val(f.decidedBy, 'decidedBy', '决定人');
  const individualsLine = f.notifyIndividuals
    ? '是（告知内容见附件）'
    : `否，理由：${val(f.noNoticeReason, 'noNoticeReason', '不通知个人的理由')}`;
  const regulator = [
    `致：${regulatorTo}`,
    '关于个人信息安全事件的报告',
    `事件编号：${f.incidentNo}`,
    `事件名称：${f.title.trim()}`,
    `事件类型：个人信息${what}`,
    `发现时间：${found}；发生时间：${happened}`,
    `事件经过：${f.description.trim()}`,
    `涉及的个人信息种类：${kinds}`,
    `涉及的个人数量：${affected}`,
    `事件原因：${cause}`,
    `事件级别：${severity}`,
    `可能造成的危害：${harm}`,
    `已采取的补救措施：${measures}`,
    `个人可以采取的减轻危害的措施：${advice}`,
    `是否通知个人：${individualsLine}`,
    `决定人：${decided}`,
    `联系方式：${contact}`,
  ].join('\n');
  return { individual, regulator, missing: [...missing] };
}
