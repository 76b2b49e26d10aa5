import { Command, InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { DataDirLockedError } from './platform/db/data-dir-lock.ts';
import { createLogger, type Logger } from './platform/logger.ts';
import { serve } from './main.ts';
import { startPlatform, version } from './server.ts';

/** Prints a CLI progress line to stderr (stdout stays for results). */
export const progress = (msg: string) => process.stderr.write(`${msg}\n`);

function cliLogger(config: Config): Logger {
  // CLI commands log warnings only, to stderr; their results go to stdout.
  return createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, undefined);
}

export async function withPlatform<T>(
  command: string,
  fn: (p: Awaited<ReturnType<typeof startPlatform>>, config: Config) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const platform = await startPlatform(config, cliLogger(config), { command, jobs: false });
  try {
    return await fn(platform, config);
  } finally {
    await platform.close();
  }
}

export const positiveInt = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive whole number');
  return n;
};

export function buildCli(): Command {
  const program = new Command()
    .name('onepoint')
    .description('onepoint — one-stop after-sales service platform for telecom operators')
    .version(version)
    .showHelpAfterError();

  program
    .command('serve')
    .description('Start the HTTP server (API, docs and console)')
    .option('--demo', 'load the demo data into an empty database before starting')
    .action(async (opts: { demo?: boolean }) => {
      await serve({ demo: Boolean(opts.demo) });
    });

  program
    .command('migrate')
    .description('Bring the database schema up to date and exit')
    .action(async () => {
      await withPlatform('migrate', async () => progress('database schema is up to date'));
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DataDirLockedError) {
      process.stderr.write(`onepoint: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`onepoint: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  }
}
