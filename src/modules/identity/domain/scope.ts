/**
 * Data scope follows the org tree. Each unit has a materialised path of ids ("/a/b/c/").
 * A user sees rows of their scope unit and everything below it. The scope unit is the nearest
 * administrative unit at or above the user's own unit: a province's hotline centre serves the
 * province. The permission 'scope.national' widens the scope to the whole tree.
 */
export interface UnitRef {
  id: string;
  path: string;
  kind: 'administrative' | 'functional';
}

export function childPath(parentPath: string | null, id: string): string {
  return `${parentPath ?? '/'}${id}/`;
}

/** The ids on a unit's path, root first. */
export function pathIds(path: string): string[] {
  return path.split('/').filter(Boolean);
}

/** The scope path for a user whose unit chain (root first, own unit last) is given. */
export function scopePathFor(chain: readonly UnitRef[], national: boolean): string {
  if (chain.length === 0) throw new Error('empty org unit chain');
  if (national) return chain[0]!.path;
  for (let i = chain.length - 1; i >= 0; i--) {
    if (chain[i]!.kind === 'administrative') return chain[i]!.path;
  }
  return chain[0]!.path;
}

export function inScope(scopePath: string, rowPath: string): boolean {
  return rowPath.startsWith(scopePath);
}

/** A unit may not be moved under itself or one of its descendants. */
export function wouldCreateCycle(unitPath: string, newParentPath: string): boolean {
  return newParentPath.startsWith(unitPath);
}

const LEVEL_ORDER = ['national', 'province', 'city', 'district'] as const;
export type OrgLevel = (typeof LEVEL_ORDER)[number];

/**
 * Levels go down the tree: an administrative child is exactly one level below its parent.
 * A functional unit sits at its parent's level (a province's hotline centre is province-level).
 */
export function validChildLevel(
  parentLevel: OrgLevel,
  childLevel: OrgLevel,
  childKind: 'administrative' | 'functional',
): boolean {
  const p = LEVEL_ORDER.indexOf(parentLevel);
  const c = LEVEL_ORDER.indexOf(childLevel);
  return childKind === 'functional' ? c === p : c === p + 1;
}

export interface UnitShape {
  level: OrgLevel;
  kind: 'administrative' | 'functional';
}

/**
 * Why a unit may not sit under a parent, or undefined if it may. Besides the level rule, an
 * administrative unit never hangs below a functional one: data scope climbs to the nearest
 * administrative unit, and a branch inside a hotline centre would break that.
 */
export function childUnitProblem(parent: UnitShape, child: UnitShape): string | undefined {
  if (child.level === 'national') return 'there is only one national level: the root';
  if (parent.kind === 'functional' && child.kind === 'administrative') {
    return 'an administrative unit cannot sit below a functional unit';
  }
  if (!validChildLevel(parent.level, child.level, child.kind)) {
    return child.kind === 'functional'
      ? `a functional unit takes its parent's level (${parent.level}), not ${child.level}`
      : `an administrative unit below a ${parent.level} unit must be one level lower, not ${child.level}`;
  }
  return undefined;
}

/** The new path of a unit in a moved subtree: the moved unit's old path prefix is swapped for the new one. */
export function movedPath(path: string, oldPrefix: string, newPrefix: string): string {
  if (!path.startsWith(oldPrefix)) throw new Error(`${path} is not below ${oldPrefix}`);
  return newPrefix + path.slice(oldPrefix.length);
}
