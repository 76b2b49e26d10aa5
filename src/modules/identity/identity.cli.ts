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
  positiveInt,
  readStdin,
  type ModuleCliDeps,
} from '../../platform/module-cli.ts';
import { systemActor } from '../audit/index.ts';
import { createApiToken } from './auth.service.ts';
import { findUserByLogin } from './identity.repository.ts';
import type { IdentityTables } from './identity.tables.ts';
import { listApiTokensForCli, revokeApiTokenForCli } from './tokens.cli.ts';
import { createUserFromCli } from './users.cli.ts';

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

  const token = program.command('token').description('Manage API tokens for integrations');
  token
    .command('create <login>')
    .description('Issue an API token for a user; the token is printed once, as the last line of output')
    .option('--name <label>', 'what the token is for, e.g. "OSS alarm feed"', 'cli')
    .option('--expires-in-days <n>', 'expire after n days (default: never)', positiveInt)
    .action(async (login: string, opts: { name: string; expiresInDays?: number }) => {
      await withPlatform('token create', async (p) => {
        const owner = await findUserByLogin(p.context.db, login);
        if (!owner) throw new CliError(`no user with login "${login}"`);
        if (owner.status !== 'active') throw new CliError(`user "${login}" is disabled`);
        const expiresAt = opts.expiresInDays
          ? new Date(p.context.clock.now().getTime() + opts.expiresInDays * 86_400_000)
          : null;
        const t = await createApiToken(
          p.context.db,
          { userId: owner.id, name: opts.name, expiresAt },
          systemActor('cli'),
        );
        progress('Store this token now: it is shown only once (only its hash is kept).');
        out(`id       ${t.id}`);
        out(`user     ${login.toLowerCase()}`);
        out(`name     ${opts.name}`);
        out(`expires  ${expiresAt ? isoOrDash(expiresAt) : 'never'}`);
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
