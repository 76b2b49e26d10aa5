/** The vocabulary of service requests: kinds, channels, priorities, states and the seeded categories. */

export const KINDS = [
  'consultation', // 咨询
  'business_order', // 业务受理
  'fault', // 故障申告
  'complaint', // 投诉
  'billing', // 计费/账务
  'technical_support', // 技术支持
  'integration', // 集成外包
  'suggestion', // 建议/表扬
] as const;
export type Kind = (typeof KINDS)[number];

export const CHANNELS = [
  'hotline', // 10000 / 10000+9 (access_number tells them apart)
  'walk_in', // 营业厅
  'web',
  'app',
  'chat',
  'social',
  'api',
  'account_manager', // 客户经理代客户提交
  'monitoring', // 监控中心 / 系统告警
  'email',
  'sms',
] as const;
export type Channel = (typeof CHANNELS)[number];

/** The hotline numbers a call came in on: the public 10000 and the enterprise line 10000+9. */
export const ACCESS_NUMBERS = ['10000', '10000-9'] as const;
export type AccessNumber = (typeof ACCESS_NUMBERS)[number];

export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const VISIBILITIES = ['internal', 'customer'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/** Every state a workflow may use (its meaning is fixed in code; a workflow picks and links them). */
export const STATES = [
  'accepted', // 受理
  'triage', // 预处理
  'dispatched', // 派单
  'taken', // 接单
  'in_progress', // 处理中
  'suspended', // 挂起
  'escalated', // 升级
  'returned', // 退单
  'resolved', // 回单
  'callback', // 回访
  'closed', // 归档
  'cancelled', // 已撤单: withdrawn before anyone worked on it (migration 0038)
] as const;
export type State = (typeof STATES)[number];

/** States nothing leaves: archived (归档) or cancelled (撤单). */
export const TERMINAL_STATES = ['closed', 'cancelled'] as const satisfies readonly State[];
export type TerminalState = (typeof TERMINAL_STATES)[number];
export const isTerminal = (state: string): boolean => (TERMINAL_STATES as readonly string[]).includes(state);

/** States in which a request is still open (everything but closed and cancelled). */
export const OPEN_STATES: readonly State[] = STATES.filter((s) => !isTerminal(s));

/** Timeline entry kinds. */
export const TIMELINE_KINDS = [
  'created',
  'status',
  'note',
  'reply',
  'contact_attempt',
  'transfer',
  'assignment',
  'urge',
  'owner_handover',
  'follow_up',
  // extras.migrations.ts (0022): repeat detection, merge, links, tags.
  'repeat',
  'merge',
  'link',
  'tags',
  // sla-timeline.migrations (0035): the SLA's warnings and breaches (internal).
  'sla',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export interface CategorySeed {
  kind: Kind;
  code: string;
  name: string;
  nameEn: string;
}

const c = (kind: Kind, code: string, name: string, nameEn: string): CategorySeed => ({
  kind,
  code,
  name,
  nameEn,
});

/** Real telecom categories per kind; administrators edit them (service_request_categories). */
export const CATEGORY_SEEDS: readonly CategorySeed[] = [
  // 故障申告
  c('fault', 'broadband.no_connection', '宽带无法上网', 'Broadband cannot connect'),
  c('fault', 'broadband.slow', '宽带网速慢', 'Broadband slow'),
  c('fault', 'broadband.drops', '宽带频繁掉线', 'Broadband drops frequently'),
  c('fault', 'broadband.ont', '光猫故障', 'Optical modem (ONT) fault'),
  c('fault', 'iptv.stutter', 'IPTV 卡顿', 'IPTV stutters'),
  c('fault', 'iptv.no_signal', 'IPTV 无信号', 'IPTV no signal'),
  c('fault', 'voice.no_dial_tone', '固话无拨号音', 'Fixed line: no dial tone'),
  c('fault', 'voice.noise', '固话杂音', 'Fixed line: noise'),
  c('fault', 'mobile.no_signal', '手机无信号', 'Mobile: no signal'),
  c('fault', 'private_line.down', '专线中断', 'Private line down'),
  c('fault', 'private_line.degraded', '专线质量劣化（丢包/时延）', 'Private line degraded (loss/latency)'),
  c('fault', 'mpls_vpn.down', 'MPLS-VPN 站点中断', 'MPLS-VPN site down'),
  // 一点业务咨询
  c('consultation', 'products_tariffs', '产品与资费', 'Products and tariffs'),
  c('consultation', 'network_planning', '网络规划与评估', 'Network planning and assessment'),
  c('consultation', 'security_dr', '安全与容灾', 'Security and disaster recovery'),
  c('consultation', 'call_centre', '呼叫中心解决方案', 'Call-centre solutions'),
  c('consultation', 'management', '管理咨询', 'Management consulting'),
  c('consultation', 'industry_it', '行业信息化规划', 'Industry IT planning'),
  c('consultation', 'service_progress', '业务办理进度查询', 'Order progress enquiry'),
  // 业务受理
  c('business_order', 'new_install', '新装', 'New installation'),
  c('business_order', 'relocation', '移机', 'Relocation'),
  c('business_order', 'plan_change', '套餐变更', 'Plan change'),
  c('business_order', 'speed_upgrade', '宽带提速', 'Broadband speed upgrade'),
  c('business_order', 'suspend_resume', '停复机', 'Suspend or resume service'),
  c('business_order', 'cancellation', '拆机', 'Cancellation'),
  c('business_order', 'transfer_owner', '过户', 'Change of owner'),
  // 投诉
  c('complaint', 'network_quality', '网络质量', 'Network quality'),
  c('complaint', 'repair_timeliness', '修障不及时', 'Repair not timely'),
  c('complaint', 'service_attitude', '服务态度', 'Staff attitude'),
  c('complaint', 'billing_dispute', '收费争议', 'Charge dispute'),
  c('complaint', 'unsolicited_sp', '未经同意订购增值业务', 'Value-added service ordered without consent'),
  c('complaint', 'marketing_harassment', '营销骚扰', 'Marketing harassment'),
  c('complaint', 'personal_information', '个人信息保护', 'Personal information protection'),
  // 计费/账务
  c('billing', 'bill_enquiry', '账单查询', 'Bill enquiry'),
  c('billing', 'charge_dispute', '费用争议', 'Charge dispute'),
  c('billing', 'payment_not_credited', '缴费未到账', 'Payment not credited'),
  c('billing', 'refund', '退费', 'Refund'),
  c('billing', 'invoice', '发票', 'Invoice'),
  c('billing', 'settlement', '集团统付/结算', 'Group billing and settlement'),
  // 技术支持
  c('technical_support', 'router_config', '路由器/组网配置', 'Router and network configuration'),
  c('technical_support', 'cloud_access', '云专线/上云接入', 'Cloud connection'),
  c('technical_support', 'ip_dns', 'IP 地址与域名解析', 'IP addressing and DNS'),
  c('technical_support', 'security_incident', '网络安全事件协助', 'Security incident assistance'),
  c('technical_support', 'performance_analysis', '网络性能分析', 'Network performance analysis'),
  // 集成外包
  c('integration', 'system_integration', '系统集成', 'System integration'),
  c('integration', 'it_outsourcing', 'IT 外包运维', 'IT outsourcing and operations'),
  c('integration', 'cabling', '综合布线', 'Structured cabling'),
  c('integration', 'video_surveillance', '视频监控集成', 'Video surveillance integration'),
  c('integration', 'project_management', '项目实施与管理', 'Project implementation and management'),
  // 建议/表扬
  c('suggestion', 'suggestion', '建议', 'Suggestion'),
  c('suggestion', 'praise', '表扬', 'Praise'),
  c('suggestion', 'product_idea', '产品需求', 'Product idea'),
];
