import { describe, expect, it } from 'vitest';
import { childUnitProblem, movedPath, wouldCreateCycle } from './scope.ts';

describe('org tree rules for creating and moving units', () => {
  const province = { level: 'province', kind: 'administrative' } as const;

  it('accepts a city below a province and a functional unit at the province level', () => {
    expect(childUnitProblem(province, { level: 'city', kind: 'administrative' })).toBeUndefined();
    expect(childUnitProblem(province, { level: 'province', kind: 'functional' })).toBeUndefined();
  });
  it('explains a level that does not fit', () => {
    expect(childUnitProblem(province, { level: 'district', kind: 'administrative' })).toMatch(
      /one level lower/,
    );
    expect(childUnitProblem(province, { level: 'city', kind: 'functional' })).toMatch(/parent's level/);
  });
  it('allows only one national unit: the root', () => {
    const national = { level: 'national', kind: 'administrative' } as const;
    expect(childUnitProblem(national, { level: 'national', kind: 'functional' })).toMatch(
      /only one national/,
    );
  });
  it('keeps administrative units out of functional ones (scope climbs to the administrative parent)', () => {
    const hotline = { level: 'province', kind: 'functional' } as const;
    expect(childUnitProblem(hotline, { level: 'city', kind: 'administrative' })).toMatch(
      /below a functional/,
    );
    expect(childUnitProblem(hotline, { level: 'province', kind: 'functional' })).toBeUndefined();
  });
  it('a unit cannot move below itself', () => {
    expect(wouldCreateCycle('/g/js/', '/g/js/')).toBe(true);
  });
  it('rewrites the path of every unit in a moved subtree', () => {
    expect(movedPath('/g/js/nj/jn/', '/g/js/nj/', '/g/zj/nj/')).toBe('/g/zj/nj/jn/');
    expect(movedPath('/g/js/nj/', '/g/js/nj/', '/g/zj/nj/')).toBe('/g/zj/nj/');
    expect(() => movedPath('/g/js/sz/', '/g/js/nj/', '/g/zj/nj/')).toThrow();
  });
});
