/** Rules about a customer record that need no stored data beyond the row itself. */

export type CustomerKind = 'individual' | 'enterprise';

export type TierProblem =
  { code: 'TIER_REQUIRED'; message: string } | { code: 'TIER_ENTERPRISE_ONLY'; message: string };

/** Tier ↔ kind: an enterprise (政企客户) has a tier, a consumer (公众客户) has none. */
export function tierProblem(kind: CustomerKind, tier: string | null | undefined): TierProblem | undefined {
  if (kind === 'enterprise' && !tier)
    return { code: 'TIER_REQUIRED', message: 'is required for an enterprise customer' };
  if (kind === 'individual' && tier)
    return { code: 'TIER_ENTERPRISE_ONLY', message: 'applies to enterprise customers only' };
  return undefined;
}

/** Branches in other regions (跨地域) belong to enterprises only. */
export const branchesAllowed = (kind: CustomerKind, branchCount: number): boolean =>
  kind === 'enterprise' || branchCount === 0;

/**
 * The org units a change of a customer's place (its unit and its branches' units) adds or takes
 * away: each needs the caller's scope. Units that stay are not asked about — a province that sees
 * a customer through its branch may edit it, but not move it out of the owner's scope.
 */
export function unitsChanged(
  before: { orgUnitId: string; branchUnitIds: readonly string[] },
  after: { orgUnitId?: string | undefined; branchUnitIds?: readonly string[] | undefined },
): string[] {
  const changed = new Set<string>();
  if (after.orgUnitId !== undefined && after.orgUnitId !== before.orgUnitId) {
    changed.add(before.orgUnitId);
    changed.add(after.orgUnitId);
  }
  if (after.branchUnitIds !== undefined) {
    const was = new Set(before.branchUnitIds);
    const is = new Set(after.branchUnitIds);
    for (const u of was) if (!is.has(u)) changed.add(u);
    for (const u of is) if (!was.has(u)) changed.add(u);
  }
  return [...changed];
}

/** An erased customer's records stay as they are (requests, bills and audit refer to them). */
export const isErased = (status: string): boolean => status === 'erased';

/**
 * A change of ID type alone would leave a number of the old type under the new one: the number
 * must come with it when one is stored.
 */
export function idTypeChangeNeedsNumber(
  stored: { idType: string | null; hasNumber: boolean },
  patch: { idType?: string | null | undefined; idNumber?: string | null | undefined },
): boolean {
  return (
    patch.idType !== undefined &&
    patch.idNumber === undefined &&
    patch.idType !== stored.idType &&
    stored.hasNumber
  );
}

/** The name an erased customer keeps: an individual's is personal, an enterprise's is not. */
export const erasedName = (kind: CustomerKind, customerNo: string, name: string): string =>
  kind === 'individual' ? `已注销客户 ${customerNo}` : name;
