/**
 * The service products the operator's documents name, seeded as data (administrators add more).
 * `resourceKind` says which network resources an instance of the product records, so that a
 * network alarm on a device, port or circuit can find every affected customer.
 */
export const RESOURCE_KINDS = ['dsl', 'lan', 'pon', 'iptv', 'voice', 'circuit', 'none'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export const PRODUCT_CATEGORIES = [
  'broadband',
  'iptv',
  'voice',
  'mobile',
  'data_circuit',
  'internet_dedicated',
  'bundle',
  'industry_app',
  'number_service',
  'ict',
] as const;
export type ProductCategory = (typeof PRODUCT_CATEGORIES)[number];

export const SEGMENTS = ['consumer', 'enterprise', 'both'] as const;
export type Segment = (typeof SEGMENTS)[number];

export interface ProductSeed {
  code: string;
  name: string;
  nameEn: string;
  category: ProductCategory;
  segment: Segment;
  resourceKind: ResourceKind;
}

export const PRODUCT_SEEDS: ProductSeed[] = [
  {
    code: 'broadband.adsl',
    name: '宽带（ADSL）',
    nameEn: 'Broadband (ADSL)',
    category: 'broadband',
    segment: 'both',
    resourceKind: 'dsl',
  },
  {
    code: 'broadband.lan',
    name: '宽带（LAN）',
    nameEn: 'Broadband (LAN)',
    category: 'broadband',
    segment: 'both',
    resourceKind: 'lan',
  },
  {
    code: 'broadband.ftth',
    name: '光纤宽带（FTTH）',
    nameEn: 'Fibre broadband (FTTH)',
    category: 'broadband',
    segment: 'both',
    resourceKind: 'pon',
  },
  { code: 'iptv', name: 'IPTV', nameEn: 'IPTV', category: 'iptv', segment: 'consumer', resourceKind: 'iptv' },
  {
    code: 'voice.fixed',
    name: '固定电话',
    nameEn: 'Fixed voice',
    category: 'voice',
    segment: 'both',
    resourceKind: 'voice',
  },
  {
    code: 'mobile',
    name: '移动电话（天翼）',
    nameEn: 'Mobile',
    category: 'mobile',
    segment: 'both',
    resourceKind: 'none',
  },
  {
    code: 'data.mpls_vpn',
    name: 'MPLS-VPN',
    nameEn: 'MPLS-VPN',
    category: 'data_circuit',
    segment: 'enterprise',
    resourceKind: 'circuit',
  },
  {
    code: 'data.sdh',
    name: 'SDH数字电路',
    nameEn: 'SDH digital circuit',
    category: 'data_circuit',
    segment: 'enterprise',
    resourceKind: 'circuit',
  },
  {
    code: 'data.ddn',
    name: 'DDN',
    nameEn: 'DDN',
    category: 'data_circuit',
    segment: 'enterprise',
    resourceKind: 'circuit',
  },
  {
    code: 'data.frame_relay',
    name: '帧中继',
    nameEn: 'Frame relay',
    category: 'data_circuit',
    segment: 'enterprise',
    resourceKind: 'circuit',
  },
  {
    code: 'data.atm',
    name: 'ATM',
    nameEn: 'ATM',
    category: 'data_circuit',
    segment: 'enterprise',
    resourceKind: 'circuit',
  },
  {
    code: 'lease.digital',
    name: '数字电路出租',
    nameEn: 'Leased digital circuit',
    category: 'data_circuit',
    segment: 'enterprise',
    resourceKind: 'circuit',
  },
  {
    code: 'lease.satellite',
    name: '卫星电路出租',
    nameEn: 'Leased satellite circuit',
    category: 'data_circuit',
    segment: 'enterprise',
    resourceKind: 'circuit',
  },
  {
    code: 'internet.lan_dedicated',
    name: 'LAN专线',
    nameEn: 'Dedicated LAN internet line',
    category: 'internet_dedicated',
    segment: 'enterprise',
    resourceKind: 'circuit',
  },
  {
    code: 'bundle.swlh_comm',
    name: '商务领航（通信版）',
    nameEn: 'Business Navigator (communications)',
    category: 'bundle',
    segment: 'enterprise',
    resourceKind: 'none',
  },
  {
    code: 'bundle.swlh_info',
    name: '商务领航（信息版）',
    nameEn: 'Business Navigator (information)',
    category: 'bundle',
    segment: 'enterprise',
    resourceKind: 'none',
  },
  {
    code: 'bundle.swlh_industry',
    name: '商务领航（行业版）',
    nameEn: 'Business Navigator (industry)',
    category: 'bundle',
    segment: 'enterprise',
    resourceKind: 'none',
  },
  {
    code: 'app.logistics_et',
    name: '物流E通',
    nameEn: 'Logistics E-Link',
    category: 'industry_app',
    segment: 'enterprise',
    resourceKind: 'none',
  },
  {
    code: 'app.global_eye',
    name: '全球眼',
    nameEn: 'Global Eye video surveillance',
    category: 'industry_app',
    segment: 'enterprise',
    resourceKind: 'none',
  },
  {
    code: 'app.ptt',
    name: '天翼对讲（PTT）',
    nameEn: 'Push-to-talk',
    category: 'industry_app',
    segment: 'enterprise',
    resourceKind: 'none',
  },
  {
    code: 'app.location',
    name: '位置定位',
    nameEn: 'Location service',
    category: 'industry_app',
    segment: 'enterprise',
    resourceKind: 'none',
  },
  {
    code: 'app.industry_sms',
    name: '行业短信',
    nameEn: 'Industry SMS',
    category: 'industry_app',
    segment: 'enterprise',
    resourceKind: 'none',
  },
  {
    code: 'app.vpdn',
    name: 'VPDN',
    nameEn: 'VPDN',
    category: 'industry_app',
    segment: 'enterprise',
    resourceKind: 'none',
  },
  {
    code: 'voice.virtual_network',
    name: '虚拟网（NGN）',
    nameEn: 'Virtual private network (NGN)',
    category: 'voice',
    segment: 'enterprise',
    resourceKind: 'none',
  },
  {
    code: 'number.800',
    name: '800号码',
    nameEn: '800 freephone number',
    category: 'number_service',
    segment: 'enterprise',
    resourceKind: 'none',
  },
  {
    code: 'number.400',
    name: '400号码',
    nameEn: '400 number',
    category: 'number_service',
    segment: 'enterprise',
    resourceKind: 'none',
  },
  {
    code: 'voice.enterprise_ringback',
    name: '企业彩铃',
    nameEn: 'Enterprise ring-back tone',
    category: 'voice',
    segment: 'enterprise',
    resourceKind: 'none',
  },
  {
    code: 'ict.it_services',
    name: 'IT服务及应用',
    nameEn: 'IT services and applications',
    category: 'ict',
    segment: 'enterprise',
    resourceKind: 'none',
  },
];
