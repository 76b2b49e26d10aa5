/**
 * What a module is to the rest of the system: one definition, declared in the module's `index.ts`
 * and listed once in `src/modules.ts` (the registry). The server, the migrations, the command
 * line, the demo data and the database type all read that list, so adding a module is one line
 * there. The platform knows this shape only, never a module.
 */
import type { Command } from 'commander';
import type { Kysely, Migration } from 'kysely';
import type { Config } from '../config.ts';
import type { Clock } from './clock.ts';
import type { Engine } from './db/database.ts';
import type { AnyExecutor } from './db/executor.ts';
import type { MigrationList } from './db/migrate.ts';
import type { Authenticator, ScopeResolver } from './http/auth.ts';
import type { App } from './http/app.ts';
import type { JobQueue } from './jobs/queue.ts';
import type { Logger } from './logger.ts';
import type { PiiVault } from './pii/vault.ts';

/** A permission a module checks: what it allows, and which built-in roles hold it. */
export interface PermissionDeclaration {
  description: string;
  /** Built-in roles (codes) that hold it; the administrator role holds every permission. */
  roles?: readonly string[];
}

/** Every module's permissions, in registry order: what roles are made of. */
export type PermissionCatalogue = ReadonlyArray<PermissionDeclaration & { code: string; module: string }>;

/** What a module is given at start-up; `db` sees the module's own tables only. */
export interface PlatformContext<Tables> {
  db: Kysely<Tables>;
  engine: Engine;
  config: Config;
  clock: Clock;
  logger: Logger;
  jobs: JobQueue;
  /** Every module's permissions (the module that manages roles reads them). */
  permissions: PermissionCatalogue;
}

/** A security alert a module's rule raises (repeated search misses …): kinds and counts, never values. */
export interface SecurityAlert {
  /** `<area>.<what>`, e.g. `search.misses`. */
  kind: string;
  userId: string | null;
  summary: string;
  detail?: Record<string, unknown>;
  at: Date;
}

/** Raises a security alert on the caller's handle or in its transaction. */
export type RaiseSecurityAlert = (db: AnyExecutor, alert: SecurityAlert) => Promise<void>;

/** The platform context plus what modules provide to each other through the platform. */
export interface ModuleContext<Tables> extends PlatformContext<Tables> {
  /** The caller's data scope, resolved by the module that owns the org tree. */
  dataScope: ScopeResolver;
  /**
   * The security module's alerts, passed in by the composition: a module the security module
   * itself reads from (customers, for the customers an incident affects) cannot import it.
   */
  raiseSecurityAlert: RaiseSecurityAlert;
}

/** A set of routes and where they are mounted. */
export interface RouteMount<Tables> {
  /** `/api/v1` unless said otherwise (e.g. a TM Forum API's base path). */
  prefix?: string;
  plugin: (ctx: ModuleContext<Tables>) => (app: App) => Promise<void>;
}

/** Something a module runs in the background (a relay, scheduled jobs); stopped before the database. */
export interface ModuleRuntime {
  stop(): Promise<void>;
  /**
   * Stop it after the job queue has drained rather than before (a step that must finish what the
   * jobs wrote, e.g. sealing their last audit entries).
   */
  stopsAfterJobs?: boolean;
}

/** A platform opened for one command: the module context and how to close it. */
export interface CommandPlatform<Tables> {
  context: ModuleContext<Tables>;
  close(): Promise<void>;
}

/** How a command uses the platform. */
export interface CommandOptions {
  /** It encrypts, decrypts or writes customers' personal data. */
  personalData?: boolean;
}

/** What a module's `onepoint <module> …` commands are given; tests pass their own `open`, `out`, `err`. */
export interface ModuleCliDeps<Tables> {
  /**
   * Opens the platform for one command (the command line passes its own). `personalData`: the
   * command reads or writes personal data, so the development-key rules apply (warning, refusal).
   */
  open: (command: string, opts?: CommandOptions) => Promise<CommandPlatform<Tables>>;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

/** What a module's key rotation is given (`onepoint rotate-keys`). */
export interface KeyRotation {
  /** Its first key is the one to re-encrypt under; the others still decrypt. */
  vault: PiiVault;
  /** Rows per transaction. */
  batchSize: number;
  /** Progress of one kind of secret (`what`, as in its result). */
  onProgress: (what: string, done: number, total: number) => void;
}

/** One kind of secret a module re-encrypted. */
export interface RotatedSecrets {
  /** What they are, for people: `ID numbers and contact media`, `webhook and TMF listener secrets`. */
  what: string;
  /** Re-encrypted under the current key by this run (kept in clear before, encrypted now, included). */
  rotated: number;
  /** Left as they were because no configured key decrypts them, each named for people. */
  unreadable: string[];
}

export interface ModuleDefinition<Tables> {
  /** Lower-case, unique; used in logs and errors. */
  readonly name: string;
  /**
   * The module's migrations, each with its global name (`NNNN_<module>_<what>`): the registry
   * applies every module's migrations in name order, so a new one takes the next free number.
   * Forward only: append, never edit or rename one that has shipped.
   */
  readonly migrations?: MigrationList;
  /** Its HTTP routes. */
  readonly routes?: ReadonlyArray<RouteMount<Tables>>;
  /**
   * Run once the schema is current and the job queue is up, in registry order, before any module
   * starts: sync built-in data (roles, templates, the holiday schedule), declare queues and
   * consumers. Nothing that works in the background: the demo data is loaded after every module's
   * prepare and before any start, with nobody else changing it.
   */
  readonly prepare?: (ctx: ModuleContext<Tables>) => Promise<void>;
  /**
   * Run after every module's prepare (and the demo data, when asked for), in registry order: start
   * what works in the background — workers, schedulers, relays, listeners — and return it to be
   * stopped. `supervise` is false where workers do not run (API-only node, CLI).
   */
  readonly start?: (
    ctx: ModuleContext<Tables> & { supervise: boolean },
  ) => Promise<ModuleRuntime | undefined | void>;
  /** Its `onepoint …` commands. */
  readonly cli?: (program: Command, deps: ModuleCliDeps<Tables>) => void;
  /**
   * Re-encrypts what it keeps encrypted with the platform's vault (ONEPOINT_PII_KEYS) and is not
   * under the vault's current key, in batches (safe to interrupt and run again); audited. Every
   * module that encrypts with the vault has one: `onepoint rotate-keys` runs them all, after which
   * the old key can be removed.
   */
  readonly rotateKeys?: (
    ctx: ModuleContext<Tables>,
    rotation: KeyRotation,
  ) => Promise<readonly RotatedSecrets[]>;
  /** Loads its part of the demo data, in registry order (idempotent); true if anything was added. */
  readonly demo?: (ctx: ModuleContext<Tables>, onProgress: (msg: string) => void) => Promise<boolean>;
  /** The event types it publishes through the outbox (documentation, and a check for duplicates). */
  readonly eventTypes?: readonly string[];
  /** The permissions its routes check, by code (`<noun>.<verb>`); each declared by one module. */
  readonly permissions?: Readonly<Record<string, PermissionDeclaration>>;
  /** Services the platform needs from exactly one module (the one that owns users and the org tree). */
  readonly provides?: {
    authenticator?: (ctx: PlatformContext<Tables>) => Authenticator;
    dataScope?: (ctx: PlatformContext<Tables>) => ScopeResolver;
  };
}

/** Any module's definition, for code that handles every module alike (the registry). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each module has its own tables
export type AnyModule = ModuleDefinition<any>;

/** Declares a module; `Tables` are the tables it owns, the only ones its code can query. */
export function defineModule<Tables>(definition: ModuleDefinition<Tables>): ModuleDefinition<Tables> {
  return definition;
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void
  ? I
  : never;

/** The whole schema: every listed module's tables. */
export type TablesOf<Modules extends readonly AnyModule[]> = UnionToIntersection<
  Modules[number] extends infer M ? (M extends ModuleDefinition<infer T> ? T : never) : never
>;

/** Every module's migrations in one order (by name); refuses duplicate names. */
export function allMigrations(modules: readonly AnyModule[]): MigrationList {
  const all: Array<readonly [string, Migration]> = [];
  const owner = new Map<string, string>();
  for (const m of modules) {
    for (const entry of m.migrations ?? []) {
      const [name] = entry;
      if (!/^\d{4}_[a-z0-9_]+$/.test(name))
        throw new Error(`module ${m.name}: migration name "${name}" is not NNNN_lower_case`);
      const other = owner.get(name.slice(0, 4));
      if (other) throw new Error(`migration number ${name.slice(0, 4)} is used by ${other} and ${m.name}`);
      owner.set(name.slice(0, 4), m.name);
      all.push(entry);
    }
  }
  return all.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The one module that provides `what`; refuses none or several. */
export function providerOf<K extends keyof NonNullable<AnyModule['provides']>>(
  modules: readonly AnyModule[],
  what: K,
): AnyModule {
  const found = modules.filter((m) => m.provides?.[what]);
  if (found.length !== 1)
    throw new Error(
      `exactly one module must provide ${what}; found ${found.map((m) => m.name).join(', ') || 'none'}`,
    );
  return found[0]!;
}

/** Every module's permissions, in registry order. */
export function permissionCatalogue(modules: readonly AnyModule[]): PermissionCatalogue {
  return modules.flatMap((m) =>
    Object.entries(m.permissions ?? {}).map(([code, p]) => ({ code, module: m.name, ...p })),
  );
}

/** Checks what must be unique across modules: names, event types, permissions, migration numbers. */
export function checkModules(modules: readonly AnyModule[]): void {
  const seen = new Map<string, string>();
  const claim = (key: string, by: string) => {
    const other = seen.get(key);
    if (other) throw new Error(`${key} is declared by ${other} and ${by}`);
    seen.set(key, by);
  };
  for (const m of modules) {
    claim(`module ${m.name}`, m.name);
    for (const t of m.eventTypes ?? []) claim(`event type ${t}`, m.name);
    for (const p of Object.keys(m.permissions ?? {})) claim(`permission ${p}`, m.name);
  }
  allMigrations(modules);
}
