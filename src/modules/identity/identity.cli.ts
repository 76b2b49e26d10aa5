/**
 * `onepoint user …` and `onepoint token …`: staff users and API tokens from the command line,
 * audited as the system actor "cli".
 */
import { Option, type Command } from 'commander';
import {
  CliError,
  collect,
  columns,
  isoOrDash,
  moduleCli,
  nonNegativeInt,
  readStdin,
  type ModuleCliDeps,
} from '../../platform/module-cli.ts';
import { systemActor } from '../audit/index.ts';
import { createApiToken } from './auth.service.ts';
import { findUserByLogin } from './identity.repository.ts';
import type { IdentityTables } from './identity.tables.ts';
import { listApiTokensForCli, revokeApiTokenForCli } from './tokens.cli.ts';
import { DEFAULT_TOKEN_DAYS, expiryNotice, MAX_TOKEN_DAYS, tokenExpiry } from './domain/token-expiry.ts';
import { createUserFromCli, unlockUserFromCli } from './users.cli.ts';

export function registerIdentityCommands(program: Command, deps: ModuleCliDeps<IdentityTables>): Command {
  const { out: write, err, withPlatform } = moduleCli(deps);
  const out = (line = '') => write(`${line}\n`);
  const progress = (line: string) => err(`${line}\n`);

  const user = program.command('user').description('Manage staff users');
  user
    .command('add')
    .description(
      'Create a staff user (audited as the system actor "cli"). On an empty database the first admin ' +
        'may omit --unit: the national root unit (code ROOT) is created for them.',
    )
    .requiredOption('--login <login>', 'sign-in name (lower case letters, digits, . _ -)')
    .requiredOption('--name <name>', 'display name, e.g. 张伟')
    .option('--unit <code-or-id>', 'org unit code or id')
    .option('--unit-name <name>', 'name of the root unit created for the first admin', '总部')
    .requiredOption('--role <role>', 'role code; repeat for several roles', collect)
    .addOption(
      new Option(
        '--password <password>',
        'initial password (visible in the process list; prefer --password-stdin)',
      ).conflicts('passwordStdin'),
    )
    .option('--password-stdin', 'read the initial password from standard input')
    .option('--email <email>', 'e-mail address')
    .action(
      async (opts: {
        login: string;
        name: string;
        unit?: string;
        unitName: string;
        role: string[];
        password?: string;
        passwordStdin?: boolean;
        email?: string;
      }) => {
        const password = opts.passwordStdin
          ? await readStdin('Password (end with Enter, then Ctrl-D):')
          : opts.password;
        await withPlatform('user add', async (p) => {
          const r = await createUserFromCli(
            p.context.db,
            {
              login: opts.login,
              displayName: opts.name,
              unit: opts.unit,
              rootUnitName: opts.unitName,
              roles: opts.role,
              password,
              email: opts.email,
            },
            systemActor('cli'),
          );
          if (r.createdRootUnit)
            progress(`created the national root unit ${r.orgUnit.code} (${r.orgUnit.name})`);
          if (!r.passwordSet) progress('no password set: the user cannot sign in until one is set');
          out(
            `created user ${r.login} (${r.id}) in ${r.orgUnit.code} ${r.orgUnit.name} with role(s) ${r.roles.join(', ')}`,
          );
        });
      },
    );

  user
    .command('unlock <login>')
    .description(
      'Unlock a user locked out by failed sign-ins: forgets the failures (audited as the system actor "cli")',
    )
    .action(async (login: string) => {
      await withPlatform('user unlock', async (p) => {
        const r = await unlockUserFromCli(p.context.db, login, systemActor('cli'), p.context.clock.now());
        out(
          r.lockedUntil
            ? `unlocked ${r.login}: it was locked until ${isoOrDash(r.lockedUntil)} after ${r.failures} failed sign-ins`
            : r.failures > 0
              ? `${r.login} was not locked; forgot ${r.failures} failed sign-in(s)`
              : `${r.login} was not locked`,
        );
      });
    });

  const token = program.command('token').description('Manage API tokens for integrations');
  token
    .command('create <login>')
    .description('Issue an API token for a user; the token is printed once, as the last line of output')
    .option('--name <label>', 'what the token is for, e.g. "OSS alarm feed"', 'cli')
    .option(
      '--expires-in-days <n>',
      `expire after n days (default ${DEFAULT_TOKEN_DAYS}; 0: never — then revoke it yourself)`,
      nonNegativeInt(MAX_TOKEN_DAYS),
    )
    .action(async (login: string, opts: { name: string; expiresInDays?: number }) => {
      await withPlatform('token create', async (p) => {
        const owner = await findUserByLogin(p.context.db, login);
        if (!owner) throw new CliError(`no user with login "${login}"`);
        if (owner.status !== 'active') throw new CliError(`user "${login}" is disabled`);
        const now = p.context.clock.now();
        const expiresAt = tokenExpiry(opts.expiresInDays, now);
        const t = await createApiToken(
          p.context.db,
          { userId: owner.id, name: opts.name, expiresAt },
          systemActor('cli'),
        );
        progress('Store this token now: it is shown only once (only its hash is kept).');
        progress(expiryNotice(expiresAt, now));
        out(`id       ${t.id}`);
        out(`user     ${login.toLowerCase()}`);
        out(`name     ${opts.name}`);
        out(
          `expires  ${expiresAt ? `${isoOrDash(expiresAt)} (in ${Math.round((expiresAt.getTime() - now.getTime()) / 86_400_000)} days)` : 'never (revoke it when no longer needed)'}`,
        );
        out(t.token);
      });
    });
  token
    .command('revoke <id>')
    .description('Revoke an API token by id (see `token list`)')
    .action(async (id: string) => {
      await withPlatform('token revoke', async (p) => {
        const r = await revokeApiTokenForCli(p.context.db, id, systemActor('cli'), p.context.clock.now());
        out(
          r.alreadyRevokedAt
            ? `token ${id} of ${r.login} was already revoked at ${isoOrDash(r.alreadyRevokedAt)}`
            : `revoked token ${id} of ${r.login}`,
        );
      });
    });
  token
    .command('list [login]')
    .description("List API tokens (all, or one user's); secrets are never shown")
    .option('--json', 'one JSON array instead of a table')
    .action(async (login: string | undefined, opts: { json?: boolean }) => {
      await withPlatform('token list', async (p) => {
        const rows = await listApiTokensForCli(p.context.db, login, p.context.clock.now());
        if (opts.json) return out(JSON.stringify(rows));
        if (rows.length === 0) return progress('no API tokens');
        for (const line of columns([
          ['ID', 'USER', 'NAME', 'PREFIX', 'CREATED', 'EXPIRES', 'LAST USED', 'STATUS'],
          ...rows.map((r) => [
            r.id,
            r.login,
            r.name,
            r.prefix,
            isoOrDash(r.createdAt),
            isoOrDash(r.expiresAt),
            isoOrDash(r.lastUsedAt),
            r.status,
          ]),
        ]))
          out(line);
      });
    });
  return program;
}
