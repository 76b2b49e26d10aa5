/**
 * Realistic but fake customers for demos and benchmarks: generated Chinese names (never real
 * people), ID numbers with valid check digits, unique phone and account numbers. Deterministic for
 * a seed, and every number derives from the customer's index, so ranges never collide.
 */
import type { CustomerInput, InstanceInput } from '../customers.schemas.ts';
import type { Tier } from './catalogue.ts';
import { creditCodeCheckChar, residentIdCheckChar } from './pii.ts';

export interface District {
  name: string;
  /** 6-digit administrative division code (the first digits of a resident ID). */
  code: string;
  /** Short code used in device names (e.g. XW for 玄武). */
  abbr: string;
}

/** Where generated customers live: an org unit and the place it serves. */
export interface Area {
  orgUnitId: string;
  province: string;
  city: string;
  /** For device and circuit names, e.g. NJ. */
  cityCode: string;
  /** Telephone area code with the leading 0, e.g. 025. */
  areaCode: string;
  districts: District[];
  accountManagerIds?: string[];
  /** Province-level unit, used for branches of group-level customers. */
  provinceUnitId?: string;
}

export type Rng = () => number;

/** mulberry32: small, fast, good enough for test data. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: Rng, p: number) => r() < p;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
];
const GIVEN = [
  ...'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕彬鹏辉健俊帆宇浩然欣怡晨阳涵萱诺远彤嘉博志建国海春梅晓东立新',
];

export function personName(r: Rng): string {
  return pick(r, SURNAMES) + pick(r, GIVEN) + (chance(r, 0.6) ? pick(r, GIVEN) : '');
}

const BRAND = [
  '恒泰',
  '华瑞',
  '金诚',
  '博远',
  '天元',
  '鑫达',
  '瑞丰',
  '中联',
  '海川',
  '正通',
  '弘毅',
  '同创',
  '百川',
  '永信',
  '嘉禾',
  '新锐',
];
const INDUSTRY: Array<[word: string, industry: string]> = [
  ['物流', '交通物流'],
  ['科技', '信息技术'],
  ['制造', '制造业'],
  ['医药', '医疗卫生'],
  ['贸易', '批发零售'],
  ['建设', '建筑业'],
  ['电子', '电子制造'],
  ['食品', '食品加工'],
  ['纺织', '纺织服装'],
  ['能源', '能源'],
  ['银行', '金融'],
  ['酒店', '住宿餐饮'],
];
const ROADS = [
  '中山路',
  '北京东路',
  '汉中路',
  '解放路',
  '人民路',
  '长江路',
  '建设路',
  '和平路',
  '新华路',
  '文化路',
  '湖滨路',
  '学府路',
];

const MOBILE_PREFIXES = [
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '153',
  '158',
  '159',
  '177',
  '180',
  '181',
  '182',
  '187',
  '188',
  '189',
  '199',
];

/** The n-th mobile number: a bijection from n to prefix + 8 digits (no two n share a number). */
export function mobileNumber(n: number, salt = 0): string {
  const prefix = MOBILE_PREFIXES[n % MOBILE_PREFIXES.length]!;
  const k = Math.floor(n / MOBILE_PREFIXES.length);
  return prefix + pad((k * 7919 + salt) % 100_000_000, 8);
}

/** The n-th fixed-line number in an area: 7-8 digit local numbers starting 2–8. */
export function fixedNumber(areaCode: string, n: number): string {
  const digits = areaCode.length === 3 ? 8 : 7;
  const span = digits === 8 ? 70_000_000 : 7_000_000;
  const base = digits === 8 ? 20_000_000 : 2_000_000;
  return areaCode + String(base + ((n * 7919) % span));
}

const DAYS_1950_2005 = 20_454;
/** The n-th fake resident ID: unique birth date and sequence per n (up to ~20 million). */
export function residentId(districtCode: string, n: number): string {
  const day = (Math.floor(n / 1000) * 7919) % DAYS_1950_2005;
  const birth = new Date(Date.UTC(1950, 0, 1) + day * 86_400_000);
  const body =
    districtCode +
    birth.getUTCFullYear() +
    pad(birth.getUTCMonth() + 1, 2) +
    pad(birth.getUTCDate(), 2) +
    pad(n % 1000, 3);
  return body + residentIdCheckChar(body);
}

export function creditCode(districtCode: string, n: number): string {
  const body = `91${districtCode}${pad(n, 9)}`;
  return body + creditCodeCheckChar(body);
}

function address(r: Rng, area: Area, district: District): string {
  return `${area.province}${area.city}${district.name}${pick(r, ROADS)}${1 + Math.floor(r() * 300)}号${1 + Math.floor(r() * 20)}栋${1 + Math.floor(r() * 30)}0${1 + Math.floor(r() * 4)}室`;
}

function broadband(r: Rng, area: Area, district: District, n: number, addr: string): InstanceInput[] {
  const x = r();
  const olt = `${area.cityCode}-${district.abbr}-OLT-${pad(1 + (Math.floor(n / 640) % 400), 3)}`;
  const port = `0/${1 + (Math.floor(n / 64) % 16)}/${1 + (n % 16)}`;
  const base = {
    accountNo: `AD${area.areaCode}${pad(n, 9)}`,
    status: 'active' as const,
    serviceAddress: addr,
    exchange: `${area.city.replace('市', '')}${district.name.replace(/[区县]$/, '')}局`,
  };
  let access: InstanceInput;
  if (x < 0.7) {
    access = {
      ...base,
      productCode: 'broadband.ftth',
      accessType: 'ftth',
      deviceType: 'olt',
      deviceId: olt,
      devicePort: port,
      bandwidthMbps: pick(r, [100, 200, 300, 500, 1000]),
    };
  } else if (x < 0.9) {
    access = {
      ...base,
      productCode: 'broadband.lan',
      accessType: 'lan',
      deviceType: 'switch',
      deviceId: `${area.cityCode}-${district.abbr}-SW-${pad(1 + (Math.floor(n / 48) % 2000), 4)}`,
      devicePort: `GE0/0/${1 + (n % 48)}`,
      switchOccupancy: Math.round(30 + r() * 65),
      bandwidthMbps: 100,
    };
  } else {
    access = {
      ...base,
      productCode: 'broadband.adsl',
      accessType: 'adsl',
      deviceType: 'dslam',
      deviceId: `${area.cityCode}-${district.abbr}-DSLAM-${pad(1 + (Math.floor(n / 256) % 800), 3)}`,
      devicePort: `${1 + (Math.floor(n / 32) % 8)}/${1 + (n % 32)}`,
      routeLengthKm: Math.round((0.3 + r() * 3.5) * 100) / 100,
      bandwidthMbps: pick(r, [4, 8, 20]),
    };
  }
  const out = [access];
  if (chance(r, 0.4))
    out.push({
      ...access,
      productCode: 'iptv',
      accountNo: `ITV${area.areaCode}${pad(n, 9)}`,
      stbId: `STB${pad(n, 10)}`,
      bandwidthMbps: null,
    });
  return out;
}

/** One consumer (公众客户) with 1–4 service instances. */
export function generateIndividual(r: Rng, area: Area, n: number): CustomerInput {
  const district = pick(r, area.districts);
  const addr = address(r, area, district);
  const phone = mobileNumber(n);
  const instances: InstanceInput[] = [];
  if (chance(r, 0.85)) instances.push(...broadband(r, area, district, n, addr));
  if (chance(r, 0.5)) instances.push({ productCode: 'mobile', accountNo: phone, status: 'active' });
  if (chance(r, 0.25) || instances.length === 0)
    instances.push({
      productCode: 'voice.fixed',
      accountNo: fixedNumber(area.areaCode, n),
      status: 'active',
      serviceAddress: addr,
      exchange: `${area.city.replace('市', '')}${district.name.replace(/[区县]$/, '')}局`,
    });
  return {
    kind: 'individual',
    name: personName(r),
    orgUnitId: area.orgUnitId,
    phone,
    email: chance(r, 0.3) ? `u${n.toString(36)}@example.com` : null,
    address: addr,
    idType: 'resident_id',
    idNumber: residentId(district.code, n),
    valueLevel: pick(r, [
      'standard',
      'standard',
      'standard',
      'silver',
      'silver',
      'gold',
      'platinum',
      'diamond',
    ] as const),
    membershipLevel: chance(r, 0.3) ? pick(r, ['星级一', '星级三', '星级五']) : null,
    tags: chance(r, 0.3) ? [pick(r, ['老年用户', '高价值', '投诉敏感', '校园', '新装'])] : [],
    consents: { marketing: chance(r, 0.4), satisfactionSurvey: chance(r, 0.8), sms: true },
    instances,
  };
}

const CIRCUITS: Array<[code: string, label: string]> = [
  ['data.mpls_vpn', 'MPLS'],
  ['data.sdh', 'SDH'],
  ['data.ddn', 'DDN'],
  ['data.frame_relay', 'FR'],
  ['data.atm', 'ATM'],
  ['lease.digital', 'LEASE'],
  ['internet.lan_dedicated', 'ZX'],
];
const ENTERPRISE_APPS: Array<[code: string, prefix: string]> = [
  ['bundle.swlh_comm', 'SWLH'],
  ['bundle.swlh_info', 'SWLH'],
  ['app.logistics_et', 'WLET'],
  ['app.global_eye', 'QQY'],
  ['app.ptt', 'PTT'],
  ['app.industry_sms', 'HYDX'],
  ['voice.virtual_network', 'VPN'],
];

/** One enterprise (政企客户) of a tier, with contacts, circuits, applications and numbers. */
export function generateEnterprise(
  r: Rng,
  area: Area,
  n: number,
  tier: Tier,
  branchUnits: string[] = [],
): CustomerInput {
  const district = pick(r, area.districts);
  const [word, industry] = pick(r, INDUSTRY);
  const suffix = tier === 'group' ? '集团有限公司' : chance(r, 0.3) ? '股份有限公司' : '有限公司';
  const name = `${area.city.replace('市', '')}${pick(r, BRAND)}${word}${suffix}`;
  const addr = address(r, area, district);
  const instances: InstanceInput[] = [];
  const circuitCount = tier === 'group' ? 4 : tier === 'province' ? 3 : tier === 'localA' ? 2 : 1;
  for (let k = 0; k < circuitCount; k++) {
    const [code, label] = pick(r, CIRCUITS);
    instances.push({
      productCode: code,
      accountNo: `ZQ${area.areaCode}${pad(n, 7)}${k}`,
      status: 'active',
      circuitId: `${area.cityCode}-${label}-${pad(n, 7)}-${k}`,
      bandwidthMbps: pick(r, [2, 10, 20, 100, 1000]),
      aEnd: `${name}（${district.name}）`,
      zEnd: `${area.city}${pick(r, ['数据中心', '总部', '分支机构'])}`,
      serviceAddress: addr,
      exchange: `${area.city.replace('市', '')}${district.name.replace(/[区县]$/, '')}局`,
    });
  }
  if (tier !== 'localC' || chance(r, 0.5)) {
    const [code, prefix] = pick(r, ENTERPRISE_APPS);
    instances.push({
      productCode: code,
      accountNo: `${prefix}${area.areaCode}${pad(n, 8)}`,
      status: 'active',
    });
  }
  if (tier === 'group' || tier === 'province' || chance(r, 0.2)) {
    const freephone = chance(r, 0.5);
    instances.push({
      productCode: freephone ? 'number.800' : 'number.400',
      accountNo: `${freephone ? '800' : '400'}${pad(n % 10_000_000, 7)}`,
      status: 'active',
    });
  }
  const contactCount = tier === 'localC' ? 1 : tier === 'localB' ? 2 : 3;
  const roles = ['primary', 'technical', 'billing'] as const;
  const contacts = Array.from({ length: contactCount }, (_, k) => ({
    name: personName(r),
    role: roles[k]!,
    title: ['总经理', '网络管理员', '财务主管'][k]!,
    mobile: mobileNumber(50_000_000 + n * 3 + k),
    officePhone: fixedNumber(area.areaCode, 5_000_000 + n * 3 + k),
    email: `c${n.toString(36)}${k}@example.com`,
    preferredChannel: pick(r, ['phone', 'sms', 'email'] as const),
    quietHours: k === 0 ? { start: '22:00', end: '08:00' } : null,
    isPrimary: k === 0,
  }));
  const managers = area.accountManagerIds ?? [];
  return {
    kind: 'enterprise',
    name,
    tier,
    orgUnitId: area.orgUnitId,
    accountManagerId: managers.length ? pick(r, managers) : null,
    phone: fixedNumber(area.areaCode, 9_000_000 + n),
    email: `service${n.toString(36)}@example.com`,
    address: addr,
    creditCode: creditCode(district.code, n),
    industry,
    valueLevel: tier === 'group' || tier === 'province' ? 'diamond' : tier === 'localA' ? 'platinum' : 'gold',
    tags: tier === 'group' ? ['跨省'] : [],
    consents: { marketing: false, satisfactionSurvey: true, sms: true },
    contacts,
    branches: branchUnits.map((u, k) => ({ orgUnitId: u, name: `${name}分支机构${k + 1}` })),
    instances,
  };
}
