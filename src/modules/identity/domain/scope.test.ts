import { describe, expect, it } from 'vitest';
import {
  childPath,
  childUnitProblem,
  inScope,
  movedPath,
  pathIds,
  scopePathFor,
  validChildLevel,
  wouldCreateCycle,
} from './scope.ts';

const root = { id: 'r', path: '/r/', kind: 'administrative' as const };
const province = { id: 'p', path: '/r/p/', kind: 'administrative' as const };
const hotline = { id: 'h', path: '/r/p/h/', kind: 'functional' as const };

describe('data scope', () => {
  it('a functional unit serves its nearest administrative ancestor', () => {
    expect(scopePathFor([root, province, hotline], false)).toBe('/r/p/');
  });
  it('the national permission widens the scope to the root', () => {
    expect(scopePathFor([root, province, hotline], true)).toBe('/r/');
  });
  it('a scope covers its own subtree only', () => {
    expect(inScope('/r/p/', '/r/p/h/')).toBe(true);
    expect(inScope('/r/p/', '/r/q/')).toBe(false);
    expect(inScope('/r/p/', '/r/')).toBe(false);
  });
  it('paths are built from the parent and split back into ids', () => {
    expect(childPath('/r/p/', 'x')).toBe('/r/p/x/');
    expect(childPath(null, 'r')).toBe('/r/');
    expect(pathIds('/r/p/x/')).toEqual(['r', 'p', 'x']);
  });
});

describe('org tree rules', () => {
  it('refuses moving a unit below itself or its descendants', () => {
    expect(wouldCreateCycle('/r/p/', '/r/p/')).toBe(true);
    expect(wouldCreateCycle('/r/p/', '/r/p/c/')).toBe(true);
    expect(wouldCreateCycle('/r/p/', '/r/q/')).toBe(false);
  });
  it('administrative children go exactly one level down, functional ones stay level', () => {
    expect(validChildLevel('province', 'city', 'administrative')).toBe(true);
    expect(validChildLevel('province', 'district', 'administrative')).toBe(false);
    expect(validChildLevel('province', 'province', 'functional')).toBe(true);
    expect(validChildLevel('province', 'city', 'functional')).toBe(false);
  });
  it('explains why a child does not fit', () => {
    const prov = { level: 'province', kind: 'administrative' } as const;
    expect(childUnitProblem(prov, { level: 'city', kind: 'administrative' })).toBeUndefined();
    expect(childUnitProblem(prov, { level: 'province', kind: 'functional' })).toBeUndefined();
    expect(childUnitProblem(prov, { level: 'district', kind: 'administrative' })).toMatch(/one level lower/);
    expect(childUnitProblem(prov, { level: 'city', kind: 'functional' })).toMatch(/parent's level/);
    expect(
      childUnitProblem(
        { level: 'national', kind: 'administrative' },
        { level: 'national', kind: 'functional' },
      ),
    ).toMatch(/only one national/);
    expect(
      childUnitProblem({ level: 'province', kind: 'functional' }, { level: 'city', kind: 'administrative' }),
    ).toMatch(/below a functional unit/);
    expect(
      childUnitProblem({ level: 'province', kind: 'functional' }, { level: 'province', kind: 'functional' }),
    ).toBeUndefined();
  });
  it('rewrites a moved subtree path', () => {
    expect(movedPath('/r/p/c/d/', '/r/p/c/', '/r/q/c/')).toBe('/r/q/c/d/');
    expect(() => movedPath('/r/x/', '/r/p/', '/r/q/')).toThrow();
  });
});
