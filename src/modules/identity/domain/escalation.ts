/**
 * No privilege escalation (防止越权授权): a caller may only hand out, or act on behalf of, what they
 * hold themselves. Returns the permissions in `wanted` that the caller lacks, sorted; empty = allowed.
 *
 * With `guarded`, only those permissions count: 三员分立 separates authorising from using, so the
 * security administrator hands out business roles it cannot use and the system administrator keeps
 * accounts whose work it cannot do — but administration permissions (`guarded`, see
 * administrationPermissions) still go only from someone who holds them.
 */
export function missingPermissions(
  caller: ReadonlySet<string>,
  wanted: Iterable<string>,
  guarded?: ReadonlySet<string>,
): string[] {
  const missing = new Set<string>();
  for (const p of wanted) if (!caller.has(p) && (!guarded || guarded.has(p))) missing.add(p);
  return [...missing].sort();
}
