import { describe, expect, it } from 'vitest';
import {
  decide,
  groupByCode,
  mismatch,
  nearestOfFunction,
  type MatchFacts,
  type RoutingRule,
  type UnitInfo,
} from './rules.ts';

// A small tree: group → two provinces; each province has a monitoring centre (浙江's only under
// a functional unit's sibling line), a city with a dispatch centre in 江苏 and none in 浙江.
const U = (
  id: string,
  parentId: string | null,
  path: string,
  functionType: string | null = null,
): UnitInfo => ({
  id,
  parentId,
  code: id.toUpperCase(),
  name: id,
  kind: functionType ? 'functional' : 'administrative',
  functionType,
  path,
  active: true,
});
const tree = [
  U('ct', null, '/ct/'),
  U('js', 'ct', '/ct/js/'),
  U('js.noc', 'js', '/ct/js/js.noc/', 'monitoring_centre'),
  U('js.10000', 'js', '/ct/js/js.10000/', 'hotline_centre'),
  U('nj', 'js', '/ct/js/nj/'),
  U('nj.dispatch', 'nj', '/ct/js/nj/nj.dispatch/', 'dispatch_centre'),
  U('nj.jn', 'nj', '/ct/js/nj/nj.jn/'),
  U('zj', 'ct', '/ct/zj/'),
  U('zj.noc', 'zj', '/ct/zj/zj.noc/', 'monitoring_centre'),
  U('hz', 'zj', '/ct/zj/hz/'),
  U('hz.field', 'hz', '/ct/zj/hz/hz.field/', 'field_service'),
];
const units = new Map(tree.map((u) => [u.id, u]));

const rule = (over: Partial<RoutingRule>): RoutingRule => ({
  id: over.id ?? `r${over.position ?? 1}`,
  position: 1,
  name: 'rule',
  active: true,
  kinds: null,
  categories: null,
  productCodes: null,
  productCategories: null,
  customerKinds: null,
  customerTiers: null,
  valueLevels: null,
  channels: null,
  regionUnitId: null,
  anchor: 'site',
  functionType: null,
  unitId: null,
  skillGroupCode: null,
  supportLine: 1,
  priority: null,
  ...over,
});

const facts = (over: Partial<MatchFacts> = {}): MatchFacts => ({
  kind: 'fault',
  category: null,
  productCode: 'data.mpls_vpn',
  productCategory: 'data_circuit',
  customerKind: 'enterprise',
  customerTier: null,
  valueLevel: null,
  channel: 'hotline_enterprise',
  siteUnitId: 'hz',
  homeUnitId: 'nj',
  intakeUnitId: 'js.10000',
  ...over,
});

const enterpriseFaults = rule({
  id: 'noc',
  position: 100,
  kinds: ['fault'],
  customerKinds: ['enterprise'],
  productCategories: ['data_circuit', 'internet_dedicated'],
  functionType: 'monitoring_centre',
  skillGroupCode: 'NOC_FAULT',
  supportLine: 2,
  priority: 'high',
});

describe('the routing matcher', () => {
  it("sends an enterprise circuit fault to the monitoring centre of the site's province, whatever the channel", () => {
    for (const channel of ['hotline_enterprise', 'account_manager', 'monitoring']) {
      const d = decide([enterpriseFaults], facts({ channel }), units);
      expect(d).toMatchObject({ handlingUnitId: 'zj.noc', ruleId: 'noc', supportLine: 2, priority: 'high' });
      expect(d.explanation).toContain('monitoring_centre');
    }
  });

  it('matches a product by its code or by its family', () => {
    const byCode = rule({ productCodes: ['data.sdh'] });
    expect(mismatch(byCode, facts(), units)).toBe('product');
    expect(mismatch(byCode, facts({ productCode: 'data.sdh' }), units)).toBeUndefined();
    const both = rule({ productCodes: ['data.sdh'], productCategories: ['data_circuit'] });
    expect(mismatch(both, facts(), units)).toBeUndefined();
    expect(mismatch(both, facts({ productCode: null, productCategory: null }), units)).toBe('product');
  });

  it('names the first criterion that fails; null criteria match anything, a list never matches a missing value', () => {
    expect(mismatch(rule({}), facts({ customerKind: null, productCode: null }), units)).toBeUndefined();
    expect(mismatch(rule({ kinds: ['complaint'] }), facts(), units)).toBe('kind');
    expect(mismatch(rule({ categories: ['x'] }), facts(), units)).toBe('category');
    expect(mismatch(rule({ customerKinds: ['individual'] }), facts(), units)).toBe('customer kind');
    expect(mismatch(rule({ customerTiers: ['gold'] }), facts(), units)).toBe('customer tier');
    expect(mismatch(rule({ valueLevels: ['high'] }), facts({ valueLevel: 'low' }), units)).toBe(
      'value level',
    );
    expect(mismatch(rule({ channels: ['web'] }), facts(), units)).toBe('channel');
  });

  it("matches a region by the need's unit (site, else home, else intake) at or under it", () => {
    const zj = rule({ regionUnitId: 'zj' });
    expect(mismatch(zj, facts(), units)).toBeUndefined();
    expect(mismatch(zj, facts({ siteUnitId: null }), units)).toBe('region');
    expect(mismatch(rule({ regionUnitId: 'js' }), facts({ siteUnitId: null }), units)).toBeUndefined();
    expect(
      mismatch(rule({ regionUnitId: 'js' }), facts({ siteUnitId: null, homeUnitId: null }), units),
    ).toBeUndefined();
  });

  it('takes the first active rule by position, whatever the list order', () => {
    const late = rule({ id: 'late', position: 900, anchor: 'intake' });
    const early = rule({ id: 'early', position: 10, anchor: 'home' });
    const off = rule({ id: 'off', position: 1, anchor: 'site', active: false });
    const d = decide([late, off, early], facts(), units);
    expect(d.ruleId).toBe('early');
    expect(d.handlingUnitId).toBe('nj');
  });

  it('falls down the chain site → home → intake when the anchor unit is not known', () => {
    const site = rule({ anchor: 'site' });
    expect(decide([site], facts({ siteUnitId: null }), units).handlingUnitId).toBe('nj');
    expect(decide([site], facts({ siteUnitId: null, homeUnitId: null }), units).handlingUnitId).toBe(
      'js.10000',
    );
    const d = decide([rule({ anchor: 'home' })], facts({ homeUnitId: null }), units);
    expect(d.handlingUnitId).toBe('js.10000');
    expect(d.explanation).toContain('no home unit known');
  });

  it('stays with the anchor unit when no unit of the function type is found, saying so', () => {
    const local = rule({ functionType: 'dispatch_centre', skillGroupCode: 'LOCAL_FAULT' });
    expect(decide([local], facts({ siteUnitId: 'nj.jn' }), units).handlingUnitId).toBe('nj.dispatch');
    const d = decide([local], facts({ siteUnitId: 'hz' }), units);
    expect(d.handlingUnitId).toBe('hz');
    expect(d.explanation).toContain('no dispatch_centre found');
  });

  it('sends to a fixed unit', () => {
    expect(decide([rule({ anchor: 'fixed', unitId: 'js.noc' })], facts(), units).handlingUnitId).toBe(
      'js.noc',
    );
  });

  it('without a matching rule: the site unit, else the home unit, else the intake unit; line 1, no group', () => {
    expect(decide([], facts(), units)).toMatchObject({
      handlingUnitId: 'hz',
      ruleId: null,
      supportLine: 1,
      skillGroupCode: null,
    });
    expect(decide([], facts({ siteUnitId: null }), units).handlingUnitId).toBe('nj');
    const d = decide([], facts({ siteUnitId: null, homeUnitId: null }), units);
    expect(d.handlingUnitId).toBe('js.10000');
    expect(d.explanation).toContain('no rule matched');
  });
});

describe('nearest unit of a function type', () => {
  it('looks at the unit, the functional units under it, then one level up at a time', () => {
    expect(nearestOfFunction('hz.field', 'monitoring_centre', units)?.id).toBe('zj.noc');
    expect(nearestOfFunction('js.noc', 'monitoring_centre', units)?.id).toBe('js.noc');
    expect(nearestOfFunction('nj', 'dispatch_centre', units)?.id).toBe('nj.dispatch');
    expect(nearestOfFunction('hz', 'dispatch_centre', units)).toBeUndefined();
  });

  it('passes over inactive units', () => {
    const closed = new Map(units);
    closed.set('zj.noc', { ...units.get('zj.noc')!, active: false });
    expect(nearestOfFunction('hz', 'monitoring_centre', closed)).toBeUndefined();
  });
});

describe('a skill group by code within a unit', () => {
  const groups = [
    { code: 'ZJ.NOC_FAULT' },
    { code: 'NOC_FAULT.OLD' },
    { code: 'X.JS.NOC_FAULT' },
    { code: 'BILLING' },
  ];
  it('takes the exact code, else the shortest code ending in .CODE', () => {
    expect(groupByCode(groups, 'NOC_FAULT')?.code).toBe('ZJ.NOC_FAULT');
    expect(groupByCode(groups, 'BILLING')?.code).toBe('BILLING');
    expect(groupByCode(groups, 'FAULT')).toBeUndefined();
  });
});
