import { describe, expect, it } from 'vitest';
import { buildTree, subtreeIds } from './tree.ts';

const units = [
  { id: 'js', parentId: 'ct', code: 'CT.JS' },
  { id: 'ct', parentId: null, code: 'CT' },
  { id: 'nj', parentId: 'js', code: 'CT.JS.NJ' },
  { id: 'hot', parentId: 'js', code: 'CT.JS.10000' },
  { id: 'zj', parentId: 'ct', code: 'CT.ZJ' },
];

const shape = (nodes: ReturnType<typeof buildTree>): unknown =>
  nodes.map((n) => (n.children.length ? { [n.item.code]: shape(n.children) } : n.item.code));

describe('org tree from a flat list', () => {
  it('nests units under their parents, sorted by code', () => {
    expect(shape(buildTree(units))).toEqual([{ CT: [{ 'CT.JS': ['CT.JS.10000', 'CT.JS.NJ'] }, 'CT.ZJ'] }]);
  });

  it('shows a unit whose parent is outside the user’s scope as a root', () => {
    const scoped = units.filter((u) => u.id !== 'ct');
    expect(shape(buildTree(scoped))).toEqual([{ 'CT.JS': ['CT.JS.10000', 'CT.JS.NJ'] }, 'CT.ZJ']);
  });

  it('lists a unit’s whole subtree (where it may not be moved)', () => {
    expect([...subtreeIds(units, 'js')].sort()).toEqual(['hot', 'js', 'nj']);
    expect([...subtreeIds(units, 'zj')]).toEqual(['zj']);
  });
});
