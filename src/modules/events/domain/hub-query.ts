/**
 * A listener's `query` (TMF630 style, as sent in POST /hub): which events it wants. Supported:
 * `eventType=A` or `eventType=A,B` (comma = OR), optionally with a leading `?`; anything else is
 * refused at registration rather than silently ignored (a listener would otherwise get events it
 * asked not to).
 */
export interface HubFilter {
  /** Event types the listener asked for; undefined = every event type of the API. */
  eventTypes?: string[];
}

export type HubQueryResult = { filter: HubFilter } | { problem: string };

export function parseHubQuery(query: string | undefined, apiEventTypes: readonly string[]): HubQueryResult {
  const text = (query ?? '').trim().replace(/^\?/, '');
  if (!text) return { filter: {} };
  const filter: HubFilter = {};
  for (const term of text.split('&')) {
    if (!term) continue;
    const eq = term.indexOf('=');
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(eq < 0 ? term : term.slice(0, eq)).trim();
      value = eq < 0 ? '' : decodeURIComponent(term.slice(eq + 1).replace(/\+/g, ' ')).trim();
    } catch {
      return { problem: `"${term}" is not validly %-encoded` };
    }
    if (name !== 'eventType')
      return { problem: `filtering on "${name}" is not supported; use eventType=<type>[,<type>…]` };
    if (filter.eventTypes) return { problem: 'eventType is given twice; list the types with commas' };
    const types = value
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    if (types.length === 0) return { problem: 'eventType needs at least one event type' };
    const unknown = types.filter((t) => !apiEventTypes.includes(t));
    if (unknown.length)
      return {
        problem: `unknown event type ${unknown.join(', ')}; this API sends ${apiEventTypes.join(', ')}`,
      };
    filter.eventTypes = [...new Set(types)];
  }
  return { filter };
}

/** Whether an event (its envelope) goes to a listener with this filter. */
export function hubMatches(filter: HubFilter, event: { eventType: string }): boolean {
  return !filter.eventTypes || filter.eventTypes.includes(event.eventType);
}
