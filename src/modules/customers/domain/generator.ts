/**
 * Realistic but fake customers for demos and benchmarks: generated Chinese names (never real
 * people), ID numbers with valid check digits, unique phone and account numbers. Deterministic for
 * a seed, and every number derives from the customer's index n through a bijection over a space
 * sized for INDEX_LIMIT indices, so distinct indices never share a number (a province's 10 M
 * customers fit twice over). An index outside [0, INDEX_LIMIT) is refused, never wrapped round.
 *
 * A consumer and an enterprise may share an index (the demo plan numbers both from its start), so
 * the kinds that both use take separate lanes of a space: lane × INDEX_LIMIT + n.
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

/** Every identifier below is unique for indices 0 … INDEX_LIMIT − 1 (see identifierSpaces). */
export const INDEX_LIMIT = 20_000_000;

/**
 * The number spaces, for the tests and for anyone raising INDEX_LIMIT: each space must hold
 * lanes × INDEX_LIMIT numbers. The multiplier scatters consecutive indices (a multiplication
 * modulo a size it is coprime with, so still a bijection): over the whole space, or for mobiles
 * over the 8 digits after the prefix and for ID numbers over the birth dates.
 */
export const identifierSpaces = {
  /** 20 mobile prefixes × 8 digits; lanes: the consumer's own number, 3 enterprise contacts. */
  mobile: { size: 20 * 100_000_000, lanes: 4, multiplier: 7919 },
  /** Per area: 8-digit local numbers 2xxxxxxx–8xxxxxxx; lanes: consumer line, enterprise switchboard, technical contact's direct line. */
  fixedLine: { size: 70_000_000, lanes: 3, multiplier: 7919 },
  /** Per district: birth dates 1950-01-01 … 2005-12-31 × sequence numbers 000–999. */
  residentId: { size: 20_454 * 1000, lanes: 1, multiplier: 7919 },
  /** 400 and 800 numbers: 2 prefixes × 7 digits. */
  serviceNumber: { size: 20_000_000, lanes: 1, multiplier: 7919 },
  /** Organisation codes of credit codes: 8 digits and a GB 11714 check character. */
  organisationCode: { size: 100_000_000, lanes: 1, multiplier: 1 },
  /** Broadband, IPTV, circuit and application accounts: the index in fixed-width digits. */
  accounts: { size: 100_000_000, lanes: 1, multiplier: 1 },
} as const;

/** Why indices first … first + count − 1 cannot be generated, or undefined when they can. */
export function indexRangeProblem(first: number, count: number): string | undefined {
  if (!Number.isInteger(first) || !Number.isInteger(count) || first < 0 || count < 0)
    return 'the first index and the count must be whole numbers ≥ 0';
  if (first + count > INDEX_LIMIT)
    return (
      `the generator numbers at most ${INDEX_LIMIT.toLocaleString('en')} customers (indices 0 to ` +
      `${(INDEX_LIMIT - 1).toLocaleString('en')}); asked for indices ${first.toLocaleString('en')} to ` +
      `${(first + count - 1).toLocaleString('en')}: lower the start or the count`
    );
  return undefined;
}

function checkIndex(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n >= INDEX_LIMIT)
    throw new RangeError(
      `generator index ${n} is outside 0 … ${INDEX_LIMIT - 1}: ${indexRangeProblem(n, 1)}`,
    );
}

type Space = { size: number; lanes: number; multiplier: number };

/** Index n of a lane as a position in its space: lanes are consecutive blocks of INDEX_LIMIT. */
function position(space: Space, n: number, lane = 0): number {
  checkIndex(n);
  if (lane < 0 || lane >= space.lanes) throw new RangeError(`lane ${lane} outside 0 … ${space.lanes - 1}`);
  return lane * INDEX_LIMIT + n;
}

/** The position scattered over the whole space (a bijection: the multiplier is coprime with the size). */
function spread(space: Space, n: number, lane = 0): number {
  // The product stays below 2^53 (size × multiplier < 1.6e13), so the modulus is exact.
  return (position(space, n, lane) * space.multiplier) % space.size;
}

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

/**
 * The n-th mobile number of a lane: prefix + 8 digits. Lane 0 is the consumer's own number (also
 * their mobile account); lanes 1–3 the contacts of enterprise n.
 */
export function mobileNumber(n: number, lane = 0): string {
  const x = position(identifierSpaces.mobile, n, lane);
  const prefix = MOBILE_PREFIXES[x % MOBILE_PREFIXES.length]!;
  const k = Math.floor(x / MOBILE_PREFIXES.length); // < 10^8: a bijection on the 8 digits
  return prefix + pad((k * identifierSpaces.mobile.multiplier) % 100_000_000, 8);
}

export type FixedLineLane = 'consumer' | 'switchboard' | 'direct';
const FIXED_LANES: Record<FixedLineLane, number> = { consumer: 0, switchboard: 1, direct: 2 };

/**
 * The n-th fixed-line number of an area and lane: area code + 8-digit local number starting 2–8
 * (every city of the demo areas, like nearly every prefecture city, dials 8 digits).
 */
export function fixedNumber(areaCode: string, n: number, lane: FixedLineLane = 'consumer'): string {
  return areaCode + String(20_000_000 + spread(identifierSpaces.fixedLine, n, FIXED_LANES[lane]));
}

/** The n-th fake resident ID of a district: a unique birth date and sequence number per n. */
export function residentId(districtCode: string, n: number): string {
  const x = position(identifierSpaces.residentId, n);
  const day = (Math.floor(x / 1000) * identifierSpaces.residentId.multiplier) % 20_454; // x / 1000 < 20 454
  const birth = new Date(Date.UTC(1950, 0, 1) + day * 86_400_000);
  const body =
    districtCode +
    birth.getUTCFullYear() +
    pad(birth.getUTCMonth() + 1, 2) +
    pad(birth.getUTCDate(), 2) +
    pad(x % 1000, 3);
  return body + residentIdCheckChar(body);
}

// GB 11714 organisation code check character (the 9th character of the code).
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
function organisationCode(n: number): string {
  const body = pad(spread(identifierSpaces.organisationCode, n), 8);
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(body[i]) * ORG_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return body + (c === 10 ? 'X' : c === 11 ? '0' : String(c));
}

/** Unified social credit code: 9 (registered by market regulation), 1 (enterprise), district, organisation code. */
export function creditCode(districtCode: string, n: number): string {
  const body = `91${districtCode}${organisationCode(n)}`;
  return body + creditCodeCheckChar(body);
}

/** The n-th 400 or 800 number (which of the two follows from n). */
export function serviceNumber(n: number): { productCode: 'number.400' | 'number.800'; accountNo: string } {
  const x = spread(identifierSpaces.serviceNumber, n);
  return x < 10_000_000
    ? { productCode: 'number.400', accountNo: `400${pad(x, 7)}` }
    : { productCode: 'number.800', accountNo: `800${pad(x - 10_000_000, 7)}` };
}

/** Account numbers that carry the index itself, in fixed width (within INDEX_LIMIT). */
function accountDigits(n: number, width: number): string {
  checkIndex(n);
  return pad(n, width);
}

function address(r: Rng, area: Area, district: District): string {
  return `${area.province}${area.city}${district.name}${pick(r, ROADS)}${1 + Math.floor(r() * 300)}号${1 + Math.floor(r() * 20)}栋${1 + Math.floor(r() * 30)}0${1 + Math.floor(r() * 4)}室`;
}

function broadband(r: Rng, area: Area, district: District, n: number, addr: string): InstanceInput[] {
  const x = r();
  const olt = `${area.cityCode}-${district.abbr}-OLT-${pad(1 + (Math.floor(n / 640) % 400), 3)}`;
  const port = `0/${1 + (Math.floor(n / 64) % 16)}/${1 + (n % 16)}`;
  const base = {
    accountNo: `AD${area.areaCode}${accountDigits(n, 9)}`,
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
      accountNo: `ITV${area.areaCode}${accountDigits(n, 9)}`,
      stbId: `STB${accountDigits(n, 10)}`,
      bandwidthMbps: null,
    });
  return out;
}

/** One consumer (公众客户) with 1–4 service instances. */
export function generateIndividual(r: Rng, area: Area, n: number): CustomerInput {
  checkIndex(n);
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
  checkIndex(n);
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
      accountNo: `ZQ${area.areaCode}${accountDigits(n, 8)}${k}`,
      status: 'active',
      circuitId: `${area.cityCode}-${label}-${accountDigits(n, 8)}-${k}`,
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
      accountNo: `${prefix}${area.areaCode}${accountDigits(n, 8)}`,
      status: 'active',
    });
  }
  if (tier === 'group' || tier === 'province' || chance(r, 0.2)) {
    instances.push({ ...serviceNumber(n), status: 'active' });
  }
  const contactCount = tier === 'localC' ? 1 : tier === 'localB' ? 2 : 3;
  const switchboard = fixedNumber(area.areaCode, n, 'switchboard');
  const roles = ['primary', 'technical', 'billing'] as const;
  const contacts = Array.from({ length: contactCount }, (_, k) => ({
    name: personName(r),
    role: roles[k]!,
    title: ['总经理', '网络管理员', '财务主管'][k]!,
    mobile: mobileNumber(n, 1 + k),
    // The technical contact has a direct line; the others are reached through the switchboard.
    officePhone: roles[k] === 'technical' ? fixedNumber(area.areaCode, n, 'direct') : switchboard,
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
    phone: switchboard,
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
