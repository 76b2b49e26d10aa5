/**
 * What every module's `onepoint <module> …` commands share: where results and progress go, and a
 * platform opened for one command. The command line passes the opener in (tests pass their own
 * `open`, `out` and `err`), so the platform never depends on the composition.
 */
import { InvalidArgumentError } from 'commander';
import type { CommandOptions, CommandPlatform, ModuleCliDeps } from './module.ts';

export type { ModuleCliDeps } from './module.ts';

/** A command refused or failed for a reason to print without a stack; exit 1, or 2 when refused. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export function moduleCli<Tables>(deps: ModuleCliDeps<Tables>) {
  return {
    out: deps.out ?? ((t: string) => void process.stdout.write(t)),
    err: deps.err ?? ((t: string) => void process.stderr.write(t)),
    /** Runs `fn` on a platform opened for `command`, closing it afterwards whatever happens. */
    async withPlatform<T>(
      command: string,
      fn: (p: CommandPlatform<Tables>) => Promise<T>,
      opts?: CommandOptions,
    ): Promise<T> {
      const platform = await deps.open(command, opts);
      try {
        return await fn(platform);
      } finally {
        await platform.close();
      }
    },
  };
}

/**
 * A whole number from 1 to `max`, in digits: Number() alone took "0x10", "1e3" and 1e20 (a LIMIT
 * the database refuses mid-run, after the first batches were written).
 */
export const positiveInt =
  (max: number) =>
  (v: string): number => {
    const n = Number(v);
    if (!/^\s*\d+\s*$/.test(v) || n < 1 || n > max)
      throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
    return n;
  };

/** A whole number from 0 to `max`, e.g. days where 0 means "never". */
export const nonNegativeInt =
  (max: number) =>
  (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < 0 || n > max)
      throw new InvalidArgumentError(`must be a whole number from 0 to ${max}`);
    return n;
  };

/** For a repeatable option: each value is appended. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A time in UTC to the second, `-` for none. */
export const isoOrDash = (d: Date | null): string => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

/** Rows as aligned columns (the first row is the header). */
export function columns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

/** Standard input up to its end, without the final line ending (a password read with --password-stdin). */
export async function readStdin(prompt?: string): Promise<string> {
  if (process.stdin.isTTY && prompt) process.stderr.write(`${prompt}\n`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // Only the line ending is stripped: spaces inside or around a password are part of it.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
