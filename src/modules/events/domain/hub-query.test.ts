import { describe, expect, it } from 'vitest';
import { hubMatches, parseHubQuery, storedHubFilter, type HubFilter } from './hub-query.ts';

const TYPES = ['CustomerCreateEvent', 'CustomerAttributeValueChangeEvent', 'CustomerDeleteEvent'];
const filterOf = (q: string | undefined): HubFilter => {
  const r = parseHubQuery(q, TYPES);
  if ('problem' in r) throw new Error(r.problem);
  return r.filter;
};
const event = (eventType: string, customer: Record<string, unknown> = {}) => ({
  eventType,
  domain: 'customer',
  event: { customer },
});

describe('hub query', () => {
  it('without a query, every event type of the API matches', () => {
    for (const q of [undefined, '', '  ', '?']) {
      expect(filterOf(q).eventTypes).toEqual(TYPES);
      expect(hubMatches(filterOf(q), event('CustomerDeleteEvent'))).toBe(true);
    }
    expect(hubMatches(filterOf(''), event('TroubleTicketCreateEvent'))).toBe(false);
  });

  it('eventType= selects one type; commas are OR; .ne excludes', () => {
    const one = filterOf('eventType=CustomerCreateEvent');
    expect(hubMatches(one, event('CustomerCreateEvent'))).toBe(true);
    expect(hubMatches(one, event('CustomerAttributeValueChangeEvent'))).toBe(false);
    const two = filterOf('?eventType=CustomerCreateEvent,%20CustomerDeleteEvent');
    expect(two.eventTypes).toEqual(['CustomerCreateEvent', 'CustomerDeleteEvent']);
    expect(hubMatches(two, event('CustomerDeleteEvent'))).toBe(true);
    expect(hubMatches(two, event('CustomerAttributeValueChangeEvent'))).toBe(false);
    expect(filterOf('eventType.ne=CustomerDeleteEvent').eventTypes).toEqual(TYPES.slice(0, 2));
  });

  it('filters on attributes of the event: equals, OR lists, not equals, through arrays, AND across parameters', () => {
    const active = filterOf('eventType=CustomerCreateEvent&event.customer.status=active,suspended');
    expect(hubMatches(active, event('CustomerCreateEvent', { status: 'suspended' }))).toBe(true);
    expect(hubMatches(active, event('CustomerCreateEvent', { status: 'closed' }))).toBe(false);
    expect(hubMatches(active, event('CustomerDeleteEvent', { status: 'active' }))).toBe(false);
    expect(hubMatches(active, event('CustomerCreateEvent', {}))).toBe(false);

    const notOrg = filterOf('event.customer.engagedParty.@referredType.ne=Organization');
    expect(
      hubMatches(notOrg, event('CustomerCreateEvent', { engagedParty: { '@referredType': 'Individual' } })),
    ).toBe(true);
    expect(
      hubMatches(notOrg, event('CustomerCreateEvent', { engagedParty: { '@referredType': 'Organization' } })),
    ).toBe(false);
    expect(hubMatches(notOrg, event('CustomerCreateEvent', {}))).toBe(true);

    const manager = filterOf('event.customer.relatedParty.role=accountManager');
    const parties = [{ role: 'contact:billing' }, { role: 'accountManager' }];
    expect(hubMatches(manager, event('CustomerCreateEvent', { relatedParty: parties }))).toBe(true);
    expect(hubMatches(manager, event('CustomerCreateEvent', { relatedParty: [parties[0]] }))).toBe(false);

    expect(hubMatches(filterOf('domain=customer'), event('CustomerCreateEvent'))).toBe(true);
    expect(hubMatches(filterOf('domain=troubleTicket'), event('CustomerCreateEvent'))).toBe(false);
  });

  it('reads a stored query back with the event types narrowed at registration', () => {
    const r = storedHubFilter(
      'eventType.ne=CustomerDeleteEvent&event.customer.status=active',
      TYPES.slice(0, 2),
    );
    if ('problem' in r) throw new Error(r.problem);
    expect(r.filter.eventTypes).toEqual(TYPES.slice(0, 2));
    expect(hubMatches(r.filter, event('CustomerCreateEvent', { status: 'active' }))).toBe(true);
    expect(hubMatches(r.filter, event('CustomerDeleteEvent', { status: 'active' }))).toBe(false);
  });

  it.each([
    ['status=active', /filtering on "status" is not supported/],
    ['eventType=', /eventType: give a value/],
    ['eventType=TroubleTicketCreateEvent', /eventType: each value is one of CustomerCreateEvent/],
    ['eventType.ne=CustomerCreateEvent,CustomerAttributeValueChangeEvent,CustomerDeleteEvent', /leaves none/],
    ['event.customer.status.regex=a.*', /operator regex is not supported/],
    ['event.customer.name.gt=a', /operator gt is not supported/],
  ])('refuses %s, saying why', (q, why) => {
    const r = parseHubQuery(q, TYPES);
    expect('problem' in r && r.problem).toMatch(why);
  });
});
