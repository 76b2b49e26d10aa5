/**
 * The seeded default policy matrix, as data (the policy table's migration seeds it; administrators
 * change it there). Sources: the seed's 物流E通 commitment, the regulations in
 * `shared/REGULATIONS.md` (电信条例 Art. 32 and 34, MIIT Order 35) and the enterprise tier table
 * (an assumption for the demo data, progressively tighter from 本地C to 集团级). Every repair and
 * restoration target names its calendar; the regulatory and tier ones run 7×24 (a fault reported on
 * Friday evening is not left until Monday). The 物流E通 row counts working days, as the seed says.
 */
import type { PolicyRow, PolicyTier } from './policy.ts';

const H24 = '24x7';

/** Kind defaults from the regulations (apply to every tier, public customers included). */
const REGULATORY: PolicyRow[] = [
  {
    code: 'reg.fault-repair',
    name: '故障修复时限（城镇）',
    source: '电信条例 第32条: 城镇48小时 (a county town counts as urban; an unknown site too)',
    match: { kind: 'fault' },
    targets: { restoration: { duration: '48h', calendar: H24 } },
  },
  {
    code: 'reg.fault-repair-rural',
    name: '故障修复时限（农村）',
    source: '电信条例 第32条: 农村72小时',
    match: { kind: 'fault', locationClass: 'rural' },
    targets: { restoration: { duration: '72h', calendar: H24 } },
  },
  {
    code: 'reg.complaint-answer',
    name: '投诉答复时限',
    source: '电信用户申诉处理办法 (MIIT Order 35): 15日, counted as the Civil Code says (Art. 201, 203)',
    match: { kind: 'complaint' },
    targets: { resolution: { duration: '15d', calendar: 'cn-workdays', counting: 'civil-code' } },
  },
  {
    code: 'reg.arrears-restoration',
    name: '缴清欠费后恢复通信',
    source: '电信条例 第34条: 48小时 after the customer pays (the clock starts at the payment)',
    match: { kind: 'business_order', category: 'suspend_resume' },
    targets: { restoration: { duration: '48h', calendar: H24 } },
  },
];

/** The enterprise tier table (REGULATIONS.md, an assumption): fault targets per tier on 7×24. */
const TIER_TABLE: {
  tier: PolicyTier;
  name: string;
  response: string;
  arrival: string;
  arrivalOutside: string;
  restoration: string;
  progress?: string;
}[] = [
  {
    tier: 'group',
    name: '集团级',
    response: '15m',
    arrival: '2h',
    arrivalOutside: '4h',
    restoration: '4h',
    progress: '1h',
  },
  {
    tier: 'province',
    name: '省级',
    response: '30m',
    arrival: '2h',
    arrivalOutside: '4h',
    restoration: '6h',
    progress: '1h',
  },
  {
    tier: 'localA',
    name: '本地A',
    response: '30m',
    arrival: '4h',
    arrivalOutside: '6h',
    restoration: '8h',
    progress: '2h',
  },
  {
    tier: 'localB',
    name: '本地B',
    response: '1h',
    arrival: '6h',
    arrivalOutside: '8h',
    restoration: '12h',
    progress: '4h',
  },
];

const TIERS: PolicyRow[] = [
  ...TIER_TABLE.flatMap((t): PolicyRow[] => [
    {
      code: `tier.${t.tier}.fault`,
      name: `${t.name}客户故障`,
      source: 'REGULATIONS.md enterprise tier table (assumption for the demo data)',
      match: { tier: t.tier, kind: 'fault' },
      targets: {
        response: { duration: t.response, calendar: H24 },
        arrival: { duration: t.arrival, calendar: H24 },
        restoration: { duration: t.restoration, calendar: H24 },
        ...(t.progress ? { progress: { duration: t.progress, calendar: H24 } } : {}),
      },
    },
    ...(['county', 'rural'] as const).map((locationClass): PolicyRow => ({
      code: `tier.${t.tier}.fault.${locationClass}`,
      name: `${t.name}客户故障（${locationClass === 'county' ? '县城' : '农村'}到场）`,
      source: 'REGULATIONS.md enterprise tier table: on-site outside the city (assumption)',
      match: { tier: t.tier, kind: 'fault', locationClass },
      targets: { arrival: { duration: t.arrivalOutside, calendar: H24 } },
    })),
  ]),
  {
    code: 'tier.localC.fault',
    name: '本地C客户故障',
    source: 'REGULATIONS.md enterprise tier table (assumption for the demo data)',
    match: { tier: 'localC', kind: 'fault' },
    targets: {
      response: { duration: '2h', calendar: H24 },
      // "next working day": by the end of the next working day's office hours.
      arrival: { duration: '1wd', calendar: 'cn-office' },
      restoration: { duration: '24h', calendar: H24 },
    },
  },
];

/** The seed's own commitment (政企客户售后服务时限): 物流E通 1个工作日内反馈, 3个工作日处理完. */
const PRODUCTS: PolicyRow[] = [
  {
    code: 'seed.logistics-et',
    name: '物流E通 售后服务时限',
    source: 'seed 故障修复时限标准: 物流E通1个工作日内反馈,3个工作日处理完',
    match: { productCode: 'app.logistics_et', kind: 'fault' },
    targets: {
      feedback: { duration: '1wd', calendar: 'cn-workdays' },
      restoration: { duration: '3wd', calendar: 'cn-workdays' },
    },
  },
];

export const DEFAULT_POLICIES: readonly PolicyRow[] = [...PRODUCTS, ...TIERS, ...REGULATORY];
