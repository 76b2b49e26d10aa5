/**
 * What people read for a request's kind, workflow state and priority, in zh-CN and English: the one
 * table behind the console's texts (web/src/i18n/locales/requests.*.ts) and the SLA module's
 * downloads (sla/domain/labels.ts), so a file and the screen say the same.
 * Plain data that imports nothing (rule `words-pure` in .dependency-cruiser.mjs): other modules
 * and the console may import this file directly, without the module's server code.
 */

const zhCN = {
  kinds: {
    consultation: '咨询',
    business_order: '业务受理',
    fault: '故障申告',
    complaint: '投诉',
    billing: '计费/账务',
    technical_support: '技术支持',
    integration: '集成外包',
    suggestion: '建议/表扬',
  },
  states: {
    accepted: '已受理',
    triage: '预处理',
    dispatched: '已派单',
    taken: '已接单',
    in_progress: '处理中',
    suspended: '挂起',
    escalated: '已升级',
    returned: '退单',
    resolved: '已回单',
    callback: '回访中',
    closed: '已归档',
    cancelled: '已撤单',
  },
  priorities: { urgent: '紧急', high: '高', normal: '普通', low: '低' },
};

// Typed as the zh-CN table: a key missing or extra in one language does not compile.
const en: typeof zhCN = {
  kinds: {
    consultation: 'Consultation',
    business_order: 'Business order',
    fault: 'Fault report',
    complaint: 'Complaint',
    billing: 'Billing enquiry',
    technical_support: 'Technical support',
    integration: 'Integration request',
    suggestion: 'Suggestion / praise',
  },
  states: {
    accepted: 'Accepted',
    triage: 'Triage',
    dispatched: 'Dispatched',
    taken: 'Taken',
    in_progress: 'In progress',
    suspended: 'Suspended',
    escalated: 'Escalated',
    returned: 'Returned',
    resolved: 'Resolved',
    callback: 'Callback',
    closed: 'Closed',
    cancelled: 'Cancelled',
  },
  priorities: { urgent: 'Urgent', high: 'High', normal: 'Normal', low: 'Low' },
};

export const REQUEST_WORDS = { 'zh-CN': zhCN, en };
