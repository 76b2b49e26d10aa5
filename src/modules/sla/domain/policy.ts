/**
 * Service-commitment policies as a matrix, pure (no I/O): rows that match a request's facts
 * (request kind, customer tier, product family or product, priority, location class, contract)
 * and carry targets (响应, 反馈, 到场, 修复/恢复, 解决, progress updates), each a duration on a
 * calendar. Resolution picks, **per target**, the most specific matching row that sets it:
 *
 *   contract > specific product > product family > tier default > kind default > global
 *
 * whatever its limit (a product row looser than its tier's default still applies). Within a level,
 * a row that narrows more (sets more of kind, tier, priority, location class, category) wins; a
 * row that sets a field matches only requests with that value (a row with a location class does not
 * apply to a request whose location class is unknown). A tie left after that goes to the row listed
 * first, and the explanation says so.
 */
import { parseDuration, type Duration } from './calendar.ts';
import { MATCH_FIELDS, reasonText, type SlaReason } from './reasons.ts';
import { TARGET_TYPES, type TargetType } from './targets.ts';

/** Customer tiers: the customers module's enterprise tiers (集团级 … 本地C) and public customers. */
export const POLICY_TIERS = ['group', 'province', 'localA', 'localB', 'localC', 'public'] as const;
export type PolicyTier = (typeof POLICY_TIERS)[number];

/** Where the site is (the regulations: repair within 48 h urban, 72 h rural). */
export const LOCATION_CLASSES = ['urban', 'county', 'rural'] as const;
export type LocationClass = (typeof LOCATION_CLASSES)[number];

export { TARGET_NAMES, TARGET_TYPES, type TargetType } from './targets.ts';

/**
 * A target: a duration in the calendar module's syntax (`3wd`, `4h`, `90m`, `2d`) on a calendar
 * (`24x7`, `cn-workdays`, `cn-office`, a unit's). `counting: 'civil-code'` (days only) counts as
 * the Civil Code (Art. 201, 203) says: from the day after the start, ending at 24:00 of the last day,
 * moved to the next working day of the calendar when the last day is not one.
 */
export interface PolicyTarget {
  duration: string;
  calendar: string;
  counting?: 'civil-code';
}

/** What a row applies to; an absent field matches anything. */
export interface PolicyMatch {
  contractId?: string;
  productCode?: string;
  /** The product's category (products module: `industry_app`, `data_circuit`, `mobile` …). */
  productFamily?: string;
  tier?: PolicyTier;
  kind?: string;
  /** The request's category code (`suspend_resume`): narrows, like priority and location class. */
  category?: string;
  priority?: string;
  locationClass?: LocationClass;
}

export interface PolicyRow {
  /** Stable code, e.g. `seed.logistics-et`. */
  code: string;
  name: string;
  /** Where the figures come from (the seed, a regulation's article, a contract, an assumption). */
  source: string;
  match: PolicyMatch;
  targets: Partial<Record<TargetType, PolicyTarget>>;
}

/** The facts of a request a policy is resolved for. */
export interface PolicyFacts {
  kind: string;
  tier: PolicyTier;
  productCode?: string;
  productFamily?: string;
  category?: string;
  priority?: string;
  locationClass?: LocationClass;
  contractId?: string;
}

export const LEVELS = ['global', 'kind', 'tier', 'family', 'product', 'contract'] as const;
export type Level = (typeof LEVELS)[number];

/** The precedence level of a row: its most specific field. */
export function levelOf(match: PolicyMatch): Level {
  if (match.contractId !== undefined) return 'contract';
  if (match.productCode !== undefined) return 'product';
  if (match.productFamily !== undefined) return 'family';
  if (match.tier !== undefined) return 'tier';
  if (match.kind !== undefined) return 'kind';
  return 'global';
}

const NARROWING = ['kind', 'tier', 'category', 'priority', 'locationClass'] as const;
/** How many narrowing fields a row sets (beyond the one that gives its level). */
const narrowness = (m: PolicyMatch) => NARROWING.filter((f) => m[f] !== undefined).length;

/** A match's fields in the order they are described (a row read from jsonb has its keys sorted). */
const inOrder = (m: PolicyMatch): PolicyMatch =>
  Object.fromEntries(MATCH_FIELDS.filter((f) => m[f] !== undefined).map((f) => [f, m[f]]));

/** Why a row does not match the facts (the first field that differs), or undefined when it matches. */
export function mismatch(match: PolicyMatch, facts: PolicyFacts): string | undefined {
  for (const f of MATCH_FIELDS) {
    const want = match[f];
    if (want === undefined) continue;
    if (facts[f] !== want) return `${f} is ${facts[f] ?? 'unknown'}, the row needs ${want}`;
  }
  return undefined;
}

export interface ResolvedTarget extends PolicyTarget {
  type: TargetType;
  row: string;
  level: Level;
}

export interface Resolution {
  /** Per target type that some matching row sets: the target and the row it came from. */
  targets: Partial<Record<TargetType, ResolvedTarget>>;
  /** The matching rows, most specific first. */
  rows: { code: string; level: Level; narrowness: number }[];
  /** Which rows matched, which won each target and why: codes and parameters (the console words them). */
  reasons: SlaReason[];
  /** The same in English words, one sentence per reason. */
  explanation: string[];
}

/** The targets that apply to a request: per target, the most specific matching row that sets it. */
export function resolvePolicy(rows: readonly PolicyRow[], facts: PolicyFacts): Resolution {
  const ranked = rows
    .map((row, order) => ({
      row,
      order,
      level: levelOf(row.match),
      narrowness: narrowness(row.match),
    }))
    .filter((r) => mismatch(r.row.match, facts) === undefined)
    .sort(
      (a, b) =>
        LEVELS.indexOf(b.level) - LEVELS.indexOf(a.level) || b.narrowness - a.narrowness || a.order - b.order,
    );
  const reasons: SlaReason[] = [
    ranked.length
      ? {
          code: 'rows_matching',
          params: {
            rows: ranked.map((r) => ({ row: r.row.code, level: r.level, match: inOrder(r.row.match) })),
          },
        }
      : { code: 'no_row_matches', params: {} },
  ];
  const targets: Resolution['targets'] = {};
  for (const type of TARGET_TYPES) {
    const setting = ranked.filter((r) => r.row.targets[type]);
    const win = setting[0];
    if (!win) continue;
    const t = win.row.targets[type]!;
    targets[type] = { ...t, type, row: win.row.code, level: win.level };
    const tied = setting[1];
    reasons.push({
      code: 'target_row',
      params: {
        target: type,
        duration: t.duration,
        calendar: t.calendar,
        counting: t.counting ?? null,
        row: win.row.code,
        level: win.level,
        tiedWith:
          tied && tied.level === win.level && tied.narrowness === win.narrowness ? tied.row.code : null,
        overrides: setting
          .slice(1)
          .map((r) => ({ row: r.row.code, duration: r.row.targets[type]!.duration })),
      },
    });
  }
  return {
    targets,
    rows: ranked.map((r) => ({ code: r.row.code, level: r.level, narrowness: r.narrowness })),
    reasons,
    explanation: reasons.map(reasonText),
  };
}

/** Problems with a row (an unknown target type, a malformed duration, civil-code counting of a non-day duration). */
export function rowProblems(row: PolicyRow): string[] {
  const out: string[] = [];
  for (const [type, t] of Object.entries(row.targets)) {
    if (!(TARGET_TYPES as readonly string[]).includes(type)) out.push(`${row.code}: unknown target ${type}`);
    const d = parseDuration(t.duration);
    if ('error' in d) out.push(`${row.code}.${type}: duration ${d.error}`);
    else if (t.counting === 'civil-code' && d.unit !== 'd')
      out.push(`${row.code}.${type}: civil-code counting needs days (Nd)`);
  }
  if (row.match.locationClass && !LOCATION_CLASSES.includes(row.match.locationClass))
    out.push(`${row.code}: unknown location class ${row.match.locationClass}`);
  if (row.match.tier && !POLICY_TIERS.includes(row.match.tier))
    out.push(`${row.code}: unknown tier ${row.match.tier}`);
  return out;
}

export const durationOf = (t: PolicyTarget): Duration => {
  const d = parseDuration(t.duration);
  if ('error' in d) throw new Error(`duration ${t.duration}: ${d.error}`);
  return d;
};
