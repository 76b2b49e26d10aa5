// The `onepoint` command line. Results go to stdout, progress and errors to stderr.
// Each command loads only what it needs, so `--help` and small commands start quickly.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import type { Config } from './config.ts';
import type { Database } from './platform/db/database.ts';
import type { DB } from './db.ts';
import { registerKeyRotation } from './platform/key-rotation.ts';
import type { AnyModule, ModuleCliDeps } from './platform/module.ts';
import { CliError } from './platform/module-cli.ts';
import type { Platform } from './server.ts';
import type { VerifyResult } from './modules/audit/index.ts';

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

interface OpenOptions {
  migrationProgress?: boolean;
  env?: NodeJS.ProcessEnv;
  useSchemaTemplate?: boolean;
  /** The command handles customers' personal data: the development-key rules apply. */
  personalData?: boolean;
}

/** Opens the database (reporting progress) and brings it up to date: the platform for one command. */
async function openPlatform(
  command: string,
  opts: OpenOptions = {},
): Promise<{ platform: Platform; config: Config }> {
  const { loadConfig, devKeyRefusal, devKeyWarning } = await import('./config.ts');
  const config = loadConfig(opts.env);
  if (opts.personalData) {
    // Refused before the database is opened; the warning goes to stderr whatever LOG_LEVEL says.
    const refusal = devKeyRefusal(config, { listening: false });
    if (refusal) throw new CliError(refusal, 2);
    const warning = devKeyWarning(config);
    if (warning) progress(warning);
  }
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
    onConnectionError: (err) =>
      logger.warn({ err }, 'a pooled database connection failed; replaced when needed'),
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
  opts: OpenOptions = {},
): Promise<T> {
  const { platform, config } = await openPlatform(command, opts);
  try {
    return await fn(platform, config);
  } finally {
    await platform.close();
  }
}

const iso = (d: Date | null) => (d ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-');

type Break = NonNullable<VerifyResult['firstBreak']>;

/** One line naming where the chain broke and what that means. */
function describeBreak(b: Break, intact: number): string {
  const why: Record<Break['reason'], string> = {
    entry_altered: 'its content was changed after it was sealed',
    mac_mismatch: 'the entry or its seal was rewritten without the audit key (its seal does not verify)',
    entry_missing: 'the entry was deleted after it was sealed',
    chain_gap: 'this seal is missing (seals were deleted)',
    unknown_key: `it was sealed with key "${b.keyId}", which ONEPOINT_AUDIT_KEYS does not list`,
    hash_mismatch: 'its content does not match its hash from before sealing (altered before the upgrade)',
    prev_hash_mismatch: 'it does not link to the entry before it (altered or replaced before the upgrade)',
    sequence_gap: 'an entry before it is missing (deleted before the upgrade)',
    anchor_mismatch: 'it differs from an anchor recorded outside the database (the chain was rewritten)',
    truncated:
      'it and the entries after it, up to an anchor recorded outside the database, are missing ' +
      '(entries were removed from the end)',
  };
  const e = b.entry;
  const where = e
    ? `entry seq ${e.seq} (${e.action}, ${iso(e.occurredAt)}; chain position ${b.chainSeq})`
    : b.reason === 'entry_missing'
      ? `entry seq ${b.seq} (chain position ${b.chainSeq})`
      : `chain position ${b.chainSeq}`;
  return `audit chain BROKEN at ${where}: ${why[b.reason]}; ${intact} entries before it are intact`;
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
      await withPlatform(
        'seed',
        async (p, config) => {
          const { ensureDemoData, DEMO_LOGINS } = await import('./seed/demo.ts');
          const { created } = await ensureDemoData(p.context, progress);
          if (created) {
            out(`demo data loaded into ${p.database.location}`);
            out(`demo logins: ${DEMO_LOGINS.map((d) => d.login).join(', ')}`);
            out(`demo password: ${config.demoPassword}   (set ONEPOINT_DEMO_PASSWORD to change it)`);
          } else {
            out('demo data already present; nothing changed');
          }
        },
        { personalData: true },
      );
    });

  const audit = program.command('audit').description('The tamper-evident audit log');
  audit
    .command('verify')
    .description(
      'Check the sealed audit chain against the key and the anchors; exit 1 naming the first altered ' +
        'or missing entry, or rows left unsealed too long',
    )
    .option(
      '--anchor <position:mac>',
      'a head printed earlier by `audit head` (repeatable), besides those in the anchor file',
      (value: string, prev: string[] = []) => [...prev, value],
    )
    .option('--no-seal', 'do not seal waiting rows first (read-only, e.g. on a standby)')
    .action(async (opts: { anchor?: string[]; seal: boolean }) => {
      const { parseAnchor } = await import('./modules/audit/index.ts');
      const given = (opts.anchor ?? []).map((text) => {
        const a = parseAnchor(text);
        if (!a)
          throw new CliError(
            `--anchor "${text}" is not position:mac as printed by \`onepoint audit head\``,
            2,
          );
        return a;
      });
      await withPlatform('audit verify', async (p, config) => {
        const { verifyAuditChain, readAnchorFile } = await import('./modules/audit/index.ts');
        const file = await readAnchorFile(config.auditAnchorFile);
        if (file.exists)
          progress(
            `${file.anchors.length} anchor(s) in ${config.auditAnchorFile}` +
              (file.anchors.length
                ? ` (newest: position ${file.anchors.at(-1)!.chainSeq} at ${iso(file.anchors.at(-1)!.at)})`
                : ''),
          );
        else progress(`no anchor file at ${config.auditAnchorFile} (the sealer of \`serve\` writes it)`);
        if (file.malformed.length)
          progress(
            `ignored ${file.malformed.length} line(s) of the anchor file that are not anchors: ${file.malformed.slice(0, 10).join(', ')}`,
          );
        if (config.auditKeysDevelopment)
          progress('ONEPOINT_AUDIT_KEYS is not set: checking with the built-in development key');
        const anchors = [...file.anchors, ...given];
        const r = await verifyAuditChain(p.context.db, {
          keys: config.auditKeys,
          clock: p.context.clock,
          graceMs: config.auditSealGraceMs,
          anchors,
          sealFirst: opts.seal,
          onProgress: (checked, total) => progress(`checked ${checked}/${total} entries`),
        });
        if (r.sealedNow) progress(`sealed ${r.sealedNow} waiting entries first`);
        const faults: string[] = [];
        if (r.overdue.count) {
          const o = r.overdue.oldest!;
          faults.push(
            `audit chain FAULT: ${r.overdue.count} entries were left unsealed for longer than ` +
              `${config.auditSealGraceMs / 1000} s, the oldest seq ${o.seq} (${o.action}, ${iso(o.occurredAt)}); ` +
              'is the sealer running (a process with ONEPOINT_JOBS=on)?',
          );
        }
        if (r.vanished.length)
          faults.push(
            `audit chain BROKEN: entries seq ${r.vanished.join(', ')} were deleted before they were sealed`,
          );
        if (r.firstBreak) faults.push(describeBreak(r.firstBreak, r.checked));
        if (faults.length === 0) {
          const pending = r.unsealed ? `; ${r.unsealed} newer entries not sealed yet` : '';
          const anchored = r.anchorsChecked ? `; ${r.anchorsChecked} anchor(s) match` : '';
          return out(`audit chain OK: ${r.checked} entries${anchored}${pending}`);
        }
        for (const f of faults) out(f);
        throw new CliError('audit chain verification failed', 1);
      });
    });

  audit
    .command('head')
    .description(
      'Seal what waits, then print the head as position:mac — kept outside the database, it lets ' +
        '`audit verify --anchor` detect removed entries (the sealer also writes it to the anchor file)',
    )
    .action(async () => {
      await withPlatform('audit head', async (p, config) => {
        const { sealPending, formatAnchor } = await import('./modules/audit/index.ts');
        const { head } = await sealPending(p.context.db, config.auditKeys[0]!, p.context.clock);
        if (!head) throw new CliError('the audit log is empty', 1);
        out(formatAnchor(head));
      });
    });

  return program;
}

/**
 * `onepoint rotate-keys`, over every module's rotation hook (each rotates its own tables); after
 * the modules' own commands, as it also keeps its old name `customers rotate-keys` (hidden) for
 * runbooks written when it rotated customers' data only — the same command now.
 */
export function registerKeyCommands(
  program: Command,
  modules: readonly AnyModule[],
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the whole registry's tables
  deps: ModuleCliDeps<any>,
): void {
  registerKeyRotation(program, modules, deps);
  const customers = program.commands.find((c) => c.name() === 'customers');
  if (customers) registerKeyRotation(customers, modules, deps, { hidden: true });
}

export async function main(argv: string[]): Promise<void> {
  try {
    const program = buildCli();
    // Every module's own commands (`user`, `token`, `customers`, `events`, …), from the registry.
    const { modules } = await import('./modules.ts');
    const open = async (command: string, opts?: { personalData?: boolean }) =>
      (await openPlatform(command, { personalData: opts?.personalData })).platform;
    for (const m of modules) m.cli?.(program, { open });
    registerKeyCommands(program, modules, { open });
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
