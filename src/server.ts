import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import type { ModuleContext } from './context.ts';
import type { DB } from './db.ts';
import { modules } from './modules.ts';
import { raiseSecurityAlert } from './modules/security/index.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { openDatabase, packageRoot, pingDatabase, type Database } from './platform/db/database.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { createHttpApp, type App } from './platform/http/app.ts';
import { permissionsOf } from './platform/http/auth.ts';
import { consoleRoutes } from './platform/http/static.ts';
import { startJobQueue } from './platform/jobs/queue.ts';
import { usePrettyLogs, type Logger } from './platform/logger.ts';
import {
  allMigrations,
  permissionCatalogue,
  providerOf,
  type ModuleDefinition,
  type ModuleRuntime,
  type PlatformContext,
} from './platform/module.ts';

/** Every registered module, typed with the whole schema (each is given its own view of it). */
const registered: ReadonlyArray<ModuleDefinition<DB>> = modules;

/** Every module's migrations, in the one order they are applied. */
export const migrations = allMigrations(registered);

export const version = (
  JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }
).version;

export interface Platform {
  database: Database<DB>;
  context: ModuleContext;
  close(): Promise<void>;
}

/** Opens the database, brings the schema up to date and starts the job queue. */
export async function startPlatform(
  config: Config,
  logger: Logger,
  opts: {
    command: string;
    clock?: Clock;
    jobs?: boolean;
    database?: Database<DB>;
    /** Runs once every module is prepared and before any starts its background work (the demo data). */
    beforeStart?: (ctx: ModuleContext) => Promise<void>;
  } = { command: 'serve' },
): Promise<Platform> {
  const database =
    opts.database ??
    (await openDatabase<DB>({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.dbPoolSize,
      command: opts.command,
      onProgress: (msg) => logger.info(msg),
      onConnectionError: (err) =>
        logger.warn({ err }, 'a pooled database connection failed; replaced when needed'),
    }));
  try {
    const applied = await migrateToLatest(database.db as never, migrations, (msg) => logger.debug(msg));
    if (applied.length) logger.info({ applied }, `applied ${applied.length} migration(s)`);
    const supervise = opts.jobs ?? config.jobsEnabled;
    const jobs = await startJobQueue({ db: database.db as never, logger, supervise });
    // Modules' runtimes (relays, scheduled jobs) start in registry order and stop in reverse, before
    // the job queue (or just after it, when they say so) and the database.
    const runtimes: ModuleRuntime[] = [];
    const stopModules = async (afterJobs: boolean) => {
      for (const r of [...runtimes].reverse()) if (Boolean(r.stopsAfterJobs) === afterJobs) await r.stop();
    };
    const stopAll = async () => {
      await stopModules(false);
      await jobs.stop(config.shutdownGraceMs);
      await stopModules(true);
    };
    let context: ModuleContext;
    try {
      const base: PlatformContext<DB> = {
        db: database.db,
        engine: database.engine,
        config,
        clock: opts.clock ?? systemClock,
        logger,
        jobs,
        permissions: permissionCatalogue(registered),
      };
      context = {
        ...base,
        dataScope: providerOf(registered, 'dataScope').provides!.dataScope!(base),
        raiseSecurityAlert,
      };
      for (const m of registered) await m.prepare?.(context);
      await opts.beforeStart?.(context);
      for (const m of registered) {
        const runtime = await m.start?.({ ...context, supervise });
        if (runtime) runtimes.push(runtime);
      }
    } catch (err) {
      await stopAll();
      throw err;
    }
    return {
      database,
      context,
      close: async () => {
        await stopAll();
        await database.close();
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** The HTTP application with every module's routes. */
export async function buildApp(ctx: ModuleContext): Promise<App> {
  const app = await createHttpApp({
    logger: ctx.logger,
    authenticator: providerOf(registered, 'authenticator').provides!.authenticator!(ctx),
    bodyLimitBytes: ctx.config.bodyLimitBytes,
    limits: ctx.config.connectionLimits,
    requestLogLevel: usePrettyLogs(ctx.config.logFormat) ? 'debug' : 'info',
    rateLimitPerMinute: ctx.config.rateLimitPerMinute,
    corsOrigins: ctx.config.corsOrigins,
    trustProxy: ctx.config.trustProxy,
    ready: () => pingDatabase(ctx.db as never),
    version,
  });
  const routes = registered.flatMap((m) => m.routes ?? []);
  await app.register(
    async (api) => {
      for (const r of routes) if (r.prefix === undefined) await api.register(r.plugin(ctx));
    },
    { prefix: '/api/v1' },
  );
  for (const r of routes) if (r.prefix !== undefined) await app.register(r.plugin(ctx), { prefix: r.prefix });
  // A route checking a permission no module declares could be granted to no role: refuse to start.
  const declared = new Set(ctx.permissions.map((p) => p.code));
  for (const { method, url, access } of app.routeAccess)
    for (const permission of permissionsOf(access))
      if (!declared.has(permission))
        throw new Error(`${method} ${url} checks the permission ${permission}, which no module declares`);
  await app.register(consoleRoutes(path.join(packageRoot, 'web/dist')));
  return app;
}
