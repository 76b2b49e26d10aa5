/**
 * `onepoint rotate-keys`: every module that encrypts with the platform's vault (ONEPOINT_PII_KEYS)
 * re-encrypts what it keeps under the newest key, through its `rotateKeys` hook (each module owns
 * its tables, so each rotates its own). After a run that leaves nothing unreadable, the old key can
 * be removed. The command line passes the registry and the platform opener in.
 */
import type { Command } from 'commander';
import { CliError, moduleCli, positiveInt } from './module-cli.ts';
import type { AnyModule, ModuleCliDeps, ModuleContext, RotatedSecrets } from './module.ts';
import { PiiVault } from './pii/vault.ts';

export interface ModuleRotation extends RotatedSecrets {
  module: string;
}

/** The most rows one transaction of `rotate-keys --batch` re-encrypts. */
const MAX_BATCH = 100_000;

/** Runs every module's rotation, in registry order, with one vault. */
export async function rotateModuleKeys(
  modules: readonly AnyModule[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each module sees its own tables
  ctx: ModuleContext<any>,
  opts: {
    vault?: PiiVault;
    batchSize?: number;
    onProgress?: (what: string, done: number, total: number) => void;
  } = {},
): Promise<{ keyId: string; results: ModuleRotation[] }> {
  const vault = opts.vault ?? new PiiVault(ctx.config.piiKeys);
  const results: ModuleRotation[] = [];
  for (const m of modules) {
    if (!m.rotateKeys) continue;
    const done = await m.rotateKeys(ctx, {
      vault,
      batchSize: opts.batchSize ?? 1000,
      onProgress: opts.onProgress ?? (() => {}),
    });
    results.push(...done.map((r) => ({ module: m.name, ...r })));
  }
  return { keyId: vault.currentKeyId, results };
}

/** What a run printed: one line per kind of secret, then each that could not be decrypted. */
export function rotationReport(r: { keyId: string; results: readonly ModuleRotation[] }): string {
  const lines = r.results.map((x) => `${x.what}: ${x.rotated} re-encrypted under key "${r.keyId}"`);
  const unreadable = r.results.flatMap((x) => x.unreadable);
  if (unreadable.length) {
    lines.push(
      `${unreadable.length} secret(s) left as they were: no key in ONEPOINT_PII_KEYS decrypts them ` +
        '(save them again, or add their key back and run this again):',
    );
    for (const u of unreadable) lines.push(`  ${u}`);
  } else
    lines.push(`everything is under key "${r.keyId}": the other keys can be removed from ONEPOINT_PII_KEYS`);
  return `${lines.join('\n')}\n`;
}

/** Registers `rotate-keys` under `parent` (the program; `hidden` for an alias kept for old runbooks). */
export function registerKeyRotation(
  parent: Command,
  modules: readonly AnyModule[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the whole registry's tables
  deps: ModuleCliDeps<any>,
  opts: { hidden?: boolean } = {},
): Command {
  const { out, err, withPlatform } = moduleCli(deps);
  const names = modules.filter((m) => m.rotateKeys).map((m) => m.name);
  return parent
    .command('rotate-keys', { hidden: opts.hidden ?? false })
    .description(
      `Re-encrypt everything encrypted with ONEPOINT_PII_KEYS under its newest key (${names.join(', ')}; ` +
        'progress; safe to interrupt and rerun); then the old key can be removed',
    )
    .option('--batch <n>', `rows per transaction (1–${MAX_BATCH})`, positiveInt(MAX_BATCH), 1000)
    .action(async (o: { batch: number }) => {
      const r = await withPlatform(
        'rotate-keys',
        (p) =>
          rotateModuleKeys(modules, p.context, {
            batchSize: o.batch,
            onProgress: (what, done, total) => err(`${what}: rotated ${done}/${total}\n`),
          }),
        { personalData: true },
      );
      out(rotationReport(r));
      const unreadable = r.results.reduce((n, x) => n + x.unreadable.length, 0);
      if (unreadable)
        throw new CliError(`${unreadable} secret(s) could not be re-encrypted (listed above)`, 1);
    });
}
