/**
 * The routing port: where a request goes (handling unit, skill group, support line) and who in the
 * group takes it. The routing module implements it (rules + assignment); until the composition
 * wires it in, the plain fallback below is used.
 */
import type { AnyExecutor } from '../../platform/db/executor.ts';

export interface RoutingFacts {
  kind: string;
  category: string | null;
  productCode: string | null;
  customerKind: 'individual' | 'enterprise' | null;
  customerTier: string | null;
  valueLevel: string | null;
  channel: string;
  siteUnitId: string | null;
  homeUnitId: string | null;
  intakeUnitId: string;
}
export interface RoutingDecision {
  handlingUnitId: string;
  skillGroupId: string | null;
  supportLine: 1 | 2 | 3;
  priority: 'urgent' | 'high' | 'normal' | 'low' | null;
  ruleId: string | null;
  explanation: string;
}
export type RouteRequest = (db: AnyExecutor, facts: RoutingFacts) => Promise<RoutingDecision>;
export interface AssignmentInput {
  skillGroupId: string;
  requiredSkills: string[];
  enterpriseOrHighValue: boolean;
  loadOf: (userIds: readonly string[]) => Promise<Map<string, number>>;
}
export type PickAssignee = (
  db: AnyExecutor,
  input: AssignmentInput,
) => Promise<{ userId: string | null; explanation: string }>;

/** The unit of the affected site, else the customer's home unit, else the intake unit; no group. */
export const fallbackRouteRequest: RouteRequest = async (_db, facts) => {
  const [handlingUnitId, why] = facts.siteUnitId
    ? [facts.siteUnitId, "the affected service's site unit"]
    : facts.homeUnitId
      ? [facts.homeUnitId, "the customer's home unit"]
      : [facts.intakeUnitId, 'the intake unit (no service or customer known)'];
  return {
    handlingUnitId,
    skillGroupId: null,
    supportLine: 1,
    priority: null,
    ruleId: null,
    explanation: `default routing: ${why}`,
  };
};

/** Nobody is picked without the routing module: the request waits in its unit's unassigned queue. */
export const fallbackPickAssignee: PickAssignee = async () => ({
  userId: null,
  explanation: 'no assignment rule: left unassigned',
});

export interface RoutingPort {
  routeRequest: RouteRequest;
  pickAssignee: PickAssignee;
}

export const fallbackRouting: RoutingPort = {
  routeRequest: fallbackRouteRequest,
  pickAssignee: fallbackPickAssignee,
};
