/**
 * What people read for the SLA's coded values, in zh-CN and English: targets, policy levels, the
 * built-in calendars (short names), and customer tiers and location classes as the SLA screens name
 * them (with `public`, a consumer; the customer screens have their own wording, e.g. 城市 for
 * urban). The one table behind the console's texts (web/src/i18n/locales/sla.*.ts) and the
 * downloads (labels.ts), so a file and the screen say the same.
 * Plain data that imports nothing (rule `words-pure` in .dependency-cruiser.mjs): other modules
 * and the console may import this file directly, without the module's server code.
 */

const zhCN = {
  targets: {
    response: '响应',
    feedback: '反馈',
    arrival: '到场',
    restoration: '修复/恢复',
    resolution: '解决',
    progress: '进展通报',
  },
  levels: {
    contract: '合同',
    product: '产品',
    family: '产品族',
    tier: '客户等级',
    kind: '请求类型',
    global: '全局',
  },
  tiers: {
    group: '集团级',
    province: '省级',
    localA: '本地A',
    localB: '本地B',
    localC: '本地C',
    public: '公众客户',
  },
  locationClasses: { urban: '城区', county: '县城', rural: '农村' },
  calendars: { '24x7': '7×24小时', 'cn-workdays': '法定工作日', 'cn-office': '工作日办公时间' },
};

// Typed as the zh-CN table: a key missing or extra in one language does not compile.
const en: typeof zhCN = {
  targets: {
    response: 'Response',
    feedback: 'Feedback',
    arrival: 'On-site arrival',
    restoration: 'Restoration',
    resolution: 'Resolution',
    progress: 'Progress update',
  },
  levels: {
    contract: 'Contract',
    product: 'Product',
    family: 'Product family',
    tier: 'Tier',
    kind: 'Kind',
    global: 'Global',
  },
  tiers: {
    group: 'Group',
    province: 'Province',
    localA: 'Local A',
    localB: 'Local B',
    localC: 'Local C',
    public: 'Public',
  },
  locationClasses: { urban: 'Urban', county: 'County', rural: 'Rural' },
  calendars: {
    '24x7': '24×7',
    'cn-workdays': 'national working days',
    'cn-office': 'office hours on working days',
  },
};

export const SLA_WORDS = { 'zh-CN': zhCN, en };
