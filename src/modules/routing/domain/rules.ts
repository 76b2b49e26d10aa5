/**
 * Routing rules as data, and the pure matcher: the first active rule (by position) whose criteria
 * all hold decides where a request goes; nothing matching, it stays where the need is.
 */

export const ANCHORS = ['site', 'home', 'intake', 'fixed'] as const;
export type Anchor = (typeof ANCHORS)[number];
export const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const CUSTOMER_KINDS = ['individual', 'enterprise'] as const;
export type SupportLine = 1 | 2 | 3;

/** What the request is, as the caller knows it at intake. */
export interface RoutingFacts {
  kind: string;
  category: string | null;
  productCode: string | null;
  customerKind: 'individual' | 'enterprise' | null;
  customerTier: string | null;
  valueLevel: string | null;
  channel: string;
  /** The unit of the affected product instance's site (安装地址所属单位), when the instance is known. */
  siteUnitId: string | null;
  /** The customer's home unit (归属单位). */
  homeUnitId: string | null;
  /** The unit of the person or system that accepted the request. */
  intakeUnitId: string;
}

export interface RoutingDecision {
  handlingUnitId: string;
  skillGroupId: string | null;
  supportLine: SupportLine;
  priority: Priority | null;
  ruleId: string | null;
  explanation: string;
}

/** A rule's criteria: null means "any"; a list means "one of these". */
export interface RuleCriteria {
  kinds: string[] | null;
  categories: string[] | null;
  productCodes: string[] | null;
  /** Product families: the catalogue's categories (data_circuit, internet_dedicated …). */
  productCategories: string[] | null;
  customerKinds: Array<'individual' | 'enterprise'> | null;
  customerTiers: string[] | null;
  valueLevels: string[] | null;
  channels: string[] | null;
  /** The need's unit (site, else home, else intake) must be this unit or under it. */
  regionUnitId: string | null;
}

/** Where a matching rule sends the request. */
export interface RuleTarget {
  anchor: Anchor;
  /** The nearest unit of this function type at or above the anchor (or beside a unit above it). */
  functionType: string | null;
  /** The unit, for anchor 'fixed'. */
  unitId: string | null;
  /** A skill group of the handling unit: its code, or the last part(s) of it after a dot. */
  skillGroupCode: string | null;
  supportLine: SupportLine;
  priority: Priority | null;
}

export interface RoutingRule extends RuleCriteria, RuleTarget {
  id: string;
  position: number;
  name: string;
  active: boolean;
}

/** An org unit as the matcher needs it (the service loads those around the facts' units). */
export interface UnitInfo {
  id: string;
  parentId: string | null;
  code: string;
  name: string;
  kind: 'administrative' | 'functional';
  functionType: string | null;
  path: string;
  active: boolean;
}

/** The facts plus what the catalogue says of the product. */
export interface MatchFacts extends RoutingFacts {
  productCategory: string | null;
}

/** The matcher's decision before the skill group is looked up in the handling unit. */
export interface Placement {
  handlingUnitId: string;
  skillGroupCode: string | null;
  supportLine: SupportLine;
  priority: Priority | null;
  ruleId: string | null;
  explanation: string;
}

const oneOf = (list: readonly string[] | null, value: string | null) =>
  list === null || (value !== null && list.includes(value));

/** The unit where the need is: the affected site's, else the customer's home, else the intake unit. */
export function needUnitId(facts: RoutingFacts): string {
  return facts.siteUnitId ?? facts.homeUnitId ?? facts.intakeUnitId;
}

/** Why a rule does not match, or undefined when it does. */
export function mismatch(
  rule: RuleCriteria,
  facts: MatchFacts,
  units: ReadonlyMap<string, UnitInfo>,
): string | undefined {
  if (!oneOf(rule.kinds, facts.kind)) return 'kind';
  if (!oneOf(rule.categories, facts.category)) return 'category';
  if (rule.productCodes !== null || rule.productCategories !== null) {
    const byCode = rule.productCodes !== null && oneOf(rule.productCodes, facts.productCode);
    const byFamily = rule.productCategories !== null && oneOf(rule.productCategories, facts.productCategory);
    if (!byCode && !byFamily) return 'product';
  }
  if (!oneOf(rule.customerKinds, facts.customerKind)) return 'customer kind';
  if (!oneOf(rule.customerTiers, facts.customerTier)) return 'customer tier';
  if (!oneOf(rule.valueLevels, facts.valueLevel)) return 'value level';
  if (!oneOf(rule.channels, facts.channel)) return 'channel';
  if (rule.regionUnitId !== null) {
    const region = units.get(rule.regionUnitId);
    const need = units.get(needUnitId(facts));
    if (!region || !need || !need.path.startsWith(region.path)) return 'region';
  }
  return undefined;
}

const ANCHOR_WORDS = {
  site: "the affected site's unit",
  home: "the customer's home unit",
  intake: 'the intake unit',
};

/** The anchor unit: the one named, else the next one down the chain site → home → intake. */
export function anchorUnit(
  anchor: Exclude<Anchor, 'fixed'>,
  facts: RoutingFacts,
): { id: string; what: string } {
  const chain: Array<[keyof typeof ANCHOR_WORDS, string | null]> = [
    ['site', facts.siteUnitId],
    ['home', facts.homeUnitId],
    ['intake', facts.intakeUnitId],
  ];
  const from = chain.findIndex(([a]) => a === anchor);
  const [which, id] = chain.slice(from).find(([, u]) => u !== null)!;
  const what = which === anchor ? ANCHOR_WORDS[which] : `${ANCHOR_WORDS[which]} (no ${anchor} unit known)`;
  return { id: id!, what };
}

/**
 * The nearest active unit of a function type: the unit itself, a functional unit directly under it,
 * then the same one level up, and so on to the root (the monitoring centre of a site's province).
 */
export function nearestOfFunction(
  startId: string,
  functionType: string,
  units: ReadonlyMap<string, UnitInfo>,
): UnitInfo | undefined {
  const children = new Map<string, UnitInfo[]>();
  for (const u of units.values())
    if (u.parentId) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u]);
  for (let at = units.get(startId); at; at = at.parentId ? units.get(at.parentId) : undefined) {
    if (at.active && at.functionType === functionType) return at;
    const beside = (children.get(at.id) ?? [])
      .filter((c) => c.active && c.functionType === functionType)
      .sort((a, b) => a.code.localeCompare(b.code));
    if (beside[0]) return beside[0];
  }
  return undefined;
}

const unitName = (id: string, units: ReadonlyMap<string, UnitInfo>) => {
  const u = units.get(id);
  return u ? `${u.name} (${u.code})` : id;
};

/** Where a matched rule sends the request, and in words why. */
export function placeByRule(
  rule: RoutingRule,
  facts: MatchFacts,
  units: ReadonlyMap<string, UnitInfo>,
): { unitId: string; how: string } {
  if (rule.anchor === 'fixed')
    return { unitId: rule.unitId!, how: `fixed unit ${unitName(rule.unitId!, units)}` };
  const anchor = anchorUnit(rule.anchor, facts);
  const at = `${anchor.what} ${unitName(anchor.id, units)}`;
  if (rule.functionType === null) return { unitId: anchor.id, how: at };
  const found = nearestOfFunction(anchor.id, rule.functionType, units);
  if (found)
    return {
      unitId: found.id,
      how: `the nearest ${rule.functionType} ${unitName(found.id, units)} from ${at}`,
    };
  return { unitId: anchor.id, how: `${at} (no ${rule.functionType} found above it)` };
}

/** The first active rule by position that matches decides; none matching: the need's own unit. */
export function decide(
  rules: readonly RoutingRule[],
  facts: MatchFacts,
  units: ReadonlyMap<string, UnitInfo>,
): Placement {
  const ordered = [...rules]
    .filter((r) => r.active)
    .sort((a, b) => a.position - b.position || a.id.localeCompare(b.id));
  for (const rule of ordered) {
    if (mismatch(rule, facts, units) !== undefined) continue;
    const place = placeByRule(rule, facts, units);
    return {
      handlingUnitId: place.unitId,
      skillGroupCode: rule.skillGroupCode,
      supportLine: rule.supportLine,
      priority: rule.priority,
      ruleId: rule.id,
      explanation: `rule #${rule.position} "${rule.name}" matched; handled by ${place.how}; support line ${rule.supportLine}`,
    };
  }
  const id = needUnitId(facts);
  const what = facts.siteUnitId
    ? ANCHOR_WORDS.site
    : facts.homeUnitId
      ? ANCHOR_WORDS.home
      : ANCHOR_WORDS.intake;
  return {
    handlingUnitId: id,
    skillGroupCode: null,
    supportLine: 1,
    priority: null,
    ruleId: null,
    explanation: `no rule matched; handled by ${what} ${unitName(id, units)}; support line 1`,
  };
}

/**
 * A rule's skill group code within the handling unit: a group whose code is it, or ends with
 * ".<it>" (JS.NOC_FAULT for NOC_FAULT); an exact code first, then the shortest, then by code.
 */
export function groupByCode<G extends { code: string }>(groups: readonly G[], code: string): G | undefined {
  const fits = groups.filter((g) => g.code === code || g.code.endsWith(`.${code}`));
  return fits.sort(
    (a, b) =>
      Number(b.code === code) - Number(a.code === code) ||
      a.code.length - b.code.length ||
      a.code.localeCompare(b.code),
  )[0];
}
