import { describe, expect, it } from 'vitest';
import { hubMatches, parseHubQuery, type HubFilter } from './hub-query.ts';

const TYPES = ['CustomerCreateEvent', 'CustomerAttributeValueChangeEvent', 'CustomerDeleteEvent'];
const filterOf = (q: string | undefined): HubFilter => {
  const r = parseHubQuery(q, TYPES);
  if ('problem' in r) throw new Error(r.problem);
  return r.filter;
};

describe('hub query', () => {
  it('without a query, every event type of the API matches', () => {
    for (const q of [undefined, '', '  ', '?'])
      expect(hubMatches(filterOf(q), { eventType: 'CustomerDeleteEvent' })).toBe(true);
  });

  it('eventType= selects one type; commas are OR', () => {
    const one = filterOf('eventType=CustomerCreateEvent');
    expect(hubMatches(one, { eventType: 'CustomerCreateEvent' })).toBe(true);
    expect(hubMatches(one, { eventType: 'CustomerAttributeValueChangeEvent' })).toBe(false);
    const two = filterOf('?eventType=CustomerCreateEvent,%20CustomerDeleteEvent');
    expect(two.eventTypes).toEqual(['CustomerCreateEvent', 'CustomerDeleteEvent']);
    expect(hubMatches(two, { eventType: 'CustomerDeleteEvent' })).toBe(true);
    expect(hubMatches(two, { eventType: 'CustomerAttributeValueChangeEvent' })).toBe(false);
  });

  it.each([
    ['status=active', /not supported/],
    ['eventType=', /at least one/],
    ['eventType=TroubleTicketCreateEvent', /unknown event type TroubleTicketCreateEvent/],
    ['eventType=CustomerCreateEvent&eventType=CustomerDeleteEvent', /twice/],
    ['eventType=%E0%A4%A', /%-encoded/],
  ])('refuses %s, saying why', (q, why) => {
    const r = parseHubQuery(q, TYPES);
    expect('problem' in r && r.problem).toMatch(why);
  });
});
