/**
 * A listener's `query` (TMF630 style, as sent in POST /hub): which events it wants, parsed with the
 * shared TMF filter syntax (src/platform/tmf/filters.ts):
 *
 * - `eventType=A` or `eventType=A,B` (comma = OR), `eventType.ne=A`;
 * - attributes of the event envelope: `domain=…` and dotted paths under `event`, e.g.
 *   `event.customer.status=active,suspended` or `event.customer.engagedParty.@referredType.ne=Organization`
 *   (equals / not equals, compared as text; through arrays, any element matches);
 * - several parameters: all must hold (AND).
 *
 * Anything else is refused at registration rather than ignored (a listener would otherwise get
 * events it asked not to).
 */
import {
  matchesCondition,
  parseFilters,
  type FilterCatalogue,
  type FilterCondition,
} from '../../../platform/tmf/index.ts';

export interface HubFilter {
  /** The event types the listener receives (its API's, narrowed by eventType conditions). */
  eventTypes: string[];
  /** Conditions on the envelope's attributes (not eventType). */
  conditions: FilterCondition[];
}

export type HubQueryResult = { filter: HubFilter } | { problem: string };

/** The attribute a filter parameter names, without its operator (`a.ne`, `a>`, `a<b` → `a`). */
function pathOf(key: string, value: string): string {
  const alone = /^([^<>]+)[<>][^<>=]+$/.exec(key);
  if (alone && value === '') return alone[1]!;
  if (/[<>!*]$/.test(key)) return key.slice(0, -1);
  return key.replace(/\.(eq|ne|gt|gte|lt|lte|regex)$/, '');
}

const isEnvelopePath = (path: string) => path === 'domain' || path.startsWith('event.');

/** Parses a query against the event types an API sends (at registration). */
export function parseHubQuery(
  query: string | null | undefined,
  apiEventTypes: readonly string[],
): HubQueryResult {
  return parse(query, apiEventTypes, true);
}

/**
 * The filter of a registered listener, from its stored query and event types (the fan-out's
 * view: the query was checked at registration, its event types are already narrowed).
 */
export function storedHubFilter(query: string | null, eventTypes: readonly string[]): HubQueryResult {
  return parse(query, eventTypes, false);
}

function parse(
  query: string | null | undefined,
  apiEventTypes: readonly string[],
  checkTypes: boolean,
): HubQueryResult {
  const text = (query ?? '').trim().replace(/^\?/, '');
  const params: Record<string, string | string[]> = {};
  try {
    for (const [k, v] of new URLSearchParams(text)) {
      const prev = params[k];
      params[k] = prev === undefined ? v : [prev, v].flat();
    }
  } catch {
    return { problem: 'is not a valid query string' };
  }
  // Text attributes, equals / not equals only: a regular expression per event could be made slow.
  const catalogue: Record<string, FilterCatalogue[string]> = {
    eventType: checkTypes
      ? { type: 'enum', values: apiEventTypes, operators: ['eq', 'ne'] }
      : { type: 'string', operators: ['eq', 'ne'] },
  };
  for (const [key, value] of Object.entries(params)) {
    const path = pathOf(key, [value].flat()[0] ?? '');
    if (path === 'eventType') continue;
    if (!isEnvelopePath(path))
      return {
        problem:
          `filtering on "${path}" is not supported; use eventType=<type>[,<type>…], domain=… or ` +
          'attributes of the event (event.<resource>.<attribute>=…)',
      };
    catalogue[path] = { type: 'string', operators: ['eq', 'ne'], maxLength: 200 };
  }
  let conditions: FilterCondition[];
  try {
    conditions = parseFilters(params, catalogue, []);
  } catch (err) {
    return { problem: (err as Error).message.replace(/^Filter /, '') };
  }
  const typeConditions = conditions.filter((c) => c.field === 'eventType');
  const eventTypes = checkTypes
    ? apiEventTypes.filter((t) => typeConditions.every((c) => matchesCondition(t, c)))
    : [...apiEventTypes];
  if (eventTypes.length === 0) return { problem: 'the query leaves none of the event types this API sends' };
  return { filter: { eventTypes, conditions: conditions.filter((c) => c.field !== 'eventType') } };
}

/** Every value at a dotted path, through arrays (`event.customer.relatedParty.role`). */
function valuesAt(value: unknown, path: string[]): unknown[] {
  if (path.length === 0)
    return Array.isArray(value)
      ? value.flatMap((v) => valuesAt(v, path))
      : value === undefined
        ? []
        : [value];
  if (Array.isArray(value)) return value.flatMap((v) => valuesAt(v, path));
  if (value === null || typeof value !== 'object') return [];
  return valuesAt((value as Record<string, unknown>)[path[0]!], path.slice(1));
}

/** Whether an event (its envelope) goes to a listener with this filter. */
export function hubMatches(
  filter: HubFilter,
  envelope: { eventType: string } & Record<string, unknown>,
): boolean {
  if (!filter.eventTypes.includes(envelope.eventType)) return false;
  return filter.conditions.every((c) => {
    const texts = valuesAt(envelope, c.field.split('.'))
      .filter((v) => v !== null && typeof v !== 'object')
      .map(String);
    if (texts.length === 0) return matchesCondition(undefined, c);
    return c.op === 'ne'
      ? texts.every((t) => matchesCondition(t, c))
      : texts.some((t) => matchesCondition(t, c));
  });
}
