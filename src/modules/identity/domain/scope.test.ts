import { describe, expect, it } from 'vitest';
import { childPath, inScope, pathIds, scopePathFor, validChildLevel, wouldCreateCycle } from './scope.ts';

const group = { id: 'g', path: '/g/', kind: 'administrative' as const };
const js = { id: 'js', path: '/g/js/', kind: 'administrative' as const };
const hotline = { id: 'hl', path: '/g/js/hl/', kind: 'functional' as const };
const nj = { id: 'nj', path: '/g/js/nj/', kind: 'administrative' as const };

describe('data scope follows the org tree', () => {
  it('a functional unit (hotline centre) serves its administrative parent (the province)', () => {
    expect(scopePathFor([group, js, hotline], false)).toBe('/g/js/');
  });
  it('an administrative unit is its own scope', () => {
    expect(scopePathFor([group, js, nj], false)).toBe('/g/js/nj/');
  });
  it('scope.national widens the scope to the whole tree', () => {
    expect(scopePathFor([group, js, nj], true)).toBe('/g/');
  });
  it('a city sees itself and below, not its sibling or parent', () => {
    expect(inScope('/g/js/nj/', '/g/js/nj/x/')).toBe(true);
    expect(inScope('/g/js/nj/', '/g/js/sz/')).toBe(false);
    expect(inScope('/g/js/nj/', '/g/js/')).toBe(false);
  });
  it('paths are built from ids and split back', () => {
    expect(childPath(null, 'g')).toBe('/g/');
    expect(childPath('/g/', 'js')).toBe('/g/js/');
    expect(pathIds('/g/js/nj/')).toEqual(['g', 'js', 'nj']);
  });
  it('a unit cannot move under its own subtree', () => {
    expect(wouldCreateCycle('/g/js/', '/g/js/nj/')).toBe(true);
    expect(wouldCreateCycle('/g/js/', '/g/zj/')).toBe(false);
  });
  it('levels go one step down; functional units stay at the parent level', () => {
    expect(validChildLevel('province', 'city', 'administrative')).toBe(true);
    expect(validChildLevel('province', 'district', 'administrative')).toBe(false);
    expect(validChildLevel('province', 'province', 'functional')).toBe(true);
    expect(validChildLevel('province', 'city', 'functional')).toBe(false);
  });
});
