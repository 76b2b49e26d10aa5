export function distState(root: string): 'fresh' | 'stale' | 'missing';
