/**
 * No privilege escalation (防止越权授权): a caller may only hand out, or act on behalf of, what they
 * hold themselves. Returns the permissions in `wanted` that the caller lacks, sorted; empty = allowed.
 */
export function missingPermissions(caller: ReadonlySet<string>, wanted: Iterable<string>): string[] {
  const missing = new Set<string>();
  for (const p of wanted) if (!caller.has(p)) missing.add(p);
  return [...missing].sort();
}
