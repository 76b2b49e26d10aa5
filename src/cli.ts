// The `onepoint` command line. Results go to stdout, progress and errors to stderr.
// Each command loads only what it needs, so `--help` and small commands start quickly.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { Config } from './config.ts';
import type { Database } from './platform/db/database.ts';
import type { DB } from './db.ts';
import { CliError } from './platform/module-cli.ts';
import type { Platform } from './server.ts';

export { CliError };

// Same depth from src/ and from the compiled dist/.
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const version = (
  JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }
).version;

/** Prints a CLI progress line to stderr (stdout stays for results). */
export const progress = (msg: string): void => void process.stderr.write(`${msg}\n`);
const out = (line = ''): void => void process.stdout.write(`${line}\n`);

async function cliLogger(config: Config) {
  const [{ default: pino }, { createLogger }] = await Promise.all([
    import('pino'),
    import('./platform/logger.ts'),
  ]);
  // Warnings and errors only, to stderr: stdout carries the command's result.
  const level = config.logLevel === 'info' ? 'warn' : config.logLevel;
  return createLogger(level, pino.destination({ dest: 2, sync: true }));
}

/** Opens the database (reporting progress) and brings it up to date: the platform for one command. */
async function openPlatform(
  command: string,
  opts: { migrationProgress?: boolean; env?: NodeJS.ProcessEnv; useSchemaTemplate?: boolean } = {},
): Promise<{ platform: Platform; config: Config }> {
  const { loadConfig } = await import('./config.ts');
  const config = loadConfig(opts.env);
  const [
    logger,
    { openDatabase },
    { readySchemaTemplate },
    { startPlatform, migrations },
    { migrateToLatest },
  ] = await Promise.all([
    cliLogger(config),
    import('./platform/db/database.ts'),
    import('./platform/db/schema-template.ts'),
    import('./server.ts'),
    import('./platform/db/migrate.ts'),
  ]);
  const database: Database<DB> = await openDatabase<DB>({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: Math.min(config.dbPoolSize, 4),
    command,
    template: opts.useSchemaTemplate === false ? undefined : () => readySchemaTemplate(),
    onProgress: progress,
  });
  try {
    // Migrate here first, so that the applied migrations are reported as they go.
    await migrateToLatest(database.db as never, migrations, opts.migrationProgress ? progress : undefined);
    return { platform: await startPlatform(config, logger, { command, jobs: false, database }), config };
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** Runs `fn` on a platform opened for `command`, closing it afterwards whatever happens. */
export async function withPlatform<T>(
  command: string,
  fn: (p: Platform, config: Config) => Promise<T>,
  opts: { migrationProgress?: boolean; env?: NodeJS.ProcessEnv; useSchemaTemplate?: boolean } = {},
): Promise<T> {
  const { platform, config } = await openPlatform(command, opts);
  try {
    return await fn(platform, config);
  } finally {
    await platform.close();
  }
}

export function buildCli(): Command {
  const program = new Command()
    .name('onepoint')
    .description('onepoint — one-stop after-sales service platform for telecom operators')
    .version(version)
    .showHelpAfterError()
    .addHelpText(
      'after',
      '\nDatabase: DATABASE_URL (PostgreSQL), or the embedded engine in ONEPOINT_DATA_DIR (default ./data).\n' +
        'Exit codes: 0 success, 1 the command failed, 2 refused (invalid configuration, data directory in use).',
    );

  program
    .command('serve')
    .description('Start the HTTP server (API, docs and console); SIGTERM drains requests and jobs')
    .option('--demo', 'load the demo data into the database before starting (idempotent)')
    .action(async (opts: { demo?: boolean }) => {
      const { serve } = await import('./main.ts');
      await serve({ demo: Boolean(opts.demo) });
    });

  program
    .command('migrate')
    .description('Bring the database schema up to date and exit')
    .action(async () => {
      await withPlatform(
        'migrate',
        async (p) => {
          const { migrations } = await import('./server.ts');
          out(`database schema is up to date (${migrations.length} migrations, ${p.database.location})`);
        },
        { migrationProgress: true },
      );
    });

  program
    .command('prepare-embedded', { hidden: true })
    .description(
      'Build the ready-made embedded cluster with the schema applied that new data directories ' +
        'start from (npm install runs this; again after a migration is added)',
    )
    .action(async () => {
      const { schemaFingerprint, buildSchemaTemplate, readySchemaTemplate } =
        await import('./platform/db/schema-template.ts');
      const fingerprint = schemaFingerprint();
      const existing = readySchemaTemplate(fingerprint);
      if (existing) return out(`embedded schema template already prepared: ${existing}`);
      const started = Date.now();
      const dir = await buildSchemaTemplate(fingerprint, async (dataDir) => {
        // Defaults only: the template must not depend on this shell's settings.
        const env = { ONEPOINT_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
        await withPlatform('prepare-embedded', async () => {}, { env, useSchemaTemplate: false });
      });
      out(`embedded schema template ready in ${Date.now() - started} ms: ${dir}`);
    });

  program
    .command('seed')
    .description('Load data into the database')
    .requiredOption('--demo', 'the demo organisation and one user per role (idempotent)')
    .action(async () => {
      await withPlatform('seed', async (p, config) => {
        const { ensureDemoData, DEMO_LOGINS } = await import('./seed/demo.ts');
        const { created } = await ensureDemoData(p.context, progress);
        if (created) {
          out(`demo data loaded into ${p.database.location}`);
          out(`demo logins: ${DEMO_LOGINS.map((d) => d.login).join(', ')}`);
          out(`demo password: ${config.demoPassword}   (set ONEPOINT_DEMO_PASSWORD to change it)`);
        } else {
          out('demo data already present; nothing changed');
        }
      });
    });

  const audit = program.command('audit').description('The tamper-evident audit log');
  audit
    .command('verify')
    .description('Check every entry of the hash chain; exit 1 naming the first broken entry')
    .option(
      '--anchor <seq:hash>',
      'a head printed earlier by `audit head` (repeatable): also detects entries removed from the end',
      (value: string, prev: string[] = []) => [...prev, value],
    )
    .action(async (opts: { anchor?: string[] }) => {
      const { parseAnchor } = await import('./modules/audit/index.ts');
      const anchors = (opts.anchor ?? []).map((text) => {
        const a = parseAnchor(text);
        if (!a)
          throw new CliError(`--anchor "${text}" is not seq:hash as printed by \`onepoint audit head\``, 2);
        return a;
      });
      await withPlatform('audit verify', async (p) => {
        const { verifyAuditChain } = await import('./modules/audit/index.ts');
        const r = await verifyAuditChain(
          p.context.db,
          (checked, total) => progress(`checked ${checked}/${total} entries`),
          2000,
          anchors,
        );
        if (r.ok)
          return out(
            `audit chain OK: ${r.checked} entries${anchors.length ? `; ${anchors.length} anchor(s) match` : ''}`,
          );
        const b = r.firstBreak!;
        const why = {
          hash_mismatch: 'its content does not match its hash (the entry was altered)',
          prev_hash_mismatch: 'it does not link to the entry before it (an entry was altered or replaced)',
          sequence_gap: `entry ${BigInt(r.checked) + 1n} is missing (entries were deleted)`,
          anchor_mismatch: 'it differs from the anchor recorded earlier (the chain was rewritten)',
          truncated:
            'it and the entries after it, up to a recorded anchor, are missing (entries were removed from the end)',
        }[b.reason];
        out(`audit chain BROKEN at entry seq ${b.seq}: ${why}; ${r.checked} entries before it are intact`);
        throw new CliError('audit chain verification failed', 1);
      });
    });

  audit
    .command('head')
    .description(
      'Print the newest entry as seq:hash — keep it outside the database for `audit verify --anchor`',
    )
    .action(async () => {
      await withPlatform('audit head', async (p) => {
        const { auditHead, formatAnchor } = await import('./modules/audit/index.ts');
        const head = await auditHead(p.context.db);
        if (!head) throw new CliError('the audit log is empty', 1);
        out(formatAnchor(head));
      });
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    const program = buildCli();
    // Every module's own commands (`user`, `token`, `customers`, `events`, …), from the registry.
    const { modules } = await import('./modules.ts');
    const open = async (command: string) => (await openPlatform(command)).platform;
    for (const m of modules) m.cli?.(program, { open });
    await program.parseAsync(argv);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    // Refusals: invalid configuration, the embedded data directory held elsewhere, the port taken.
    if (['ConfigError', 'DataDirLockedError', 'StartupRefusedError'].includes(e.name)) {
      process.stderr.write(`onepoint: ${e.message}\n`);
      process.exit(2);
    }
    if (e instanceof CliError) {
      process.stderr.write(`onepoint: ${e.message}\n`);
      process.exit(e.exitCode);
    }
    // Expected failures (bad input, not found, conflict) carry a message for people, not a stack.
    if (e.name === 'AppError') {
      process.stderr.write(`onepoint: ${e.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`onepoint: ${e.stack ?? e.message}\n`);
    process.exit(1);
  }
}
