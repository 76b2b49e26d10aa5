import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import type { ModuleContext } from './context.ts';
import type { DB } from './db.ts';
import { migrations } from './migrations.ts';
import { auditRoutes } from './modules/audit/index.ts';
import { customerRoutes, TMF629_BASE, tmf629Routes } from './modules/customers/index.ts';
import { eventRoutes, startEvents } from './modules/events/index.ts';
import { productRoutes } from './modules/products/index.ts';
import {
  authRoutes,
  IdentityAuthenticator,
  identityAdminRoutes,
  scopeUnitIds,
  syncBuiltinRoles,
} from './modules/identity/index.ts';
import { systemClock, type Clock } from './platform/clock.ts';
import { openDatabase, packageRoot, pingDatabase, type Database } from './platform/db/database.ts';
import { migrateToLatest } from './platform/db/migrate.ts';
import { createHttpApp, type App } from './platform/http/app.ts';
import { consoleRoutes } from './platform/http/static.ts';
import { startJobQueue } from './platform/jobs/queue.ts';
import type { Logger } from './platform/logger.ts';

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
  opts: { command: string; clock?: Clock; jobs?: boolean; database?: Database<DB> } = { command: 'serve' },
): Promise<Platform> {
  const database =
    opts.database ??
    (await openDatabase<DB>({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: config.dbPoolSize,
      command: opts.command,
      onProgress: (msg) => logger.info(msg),
    }));
  try {
    const applied = await migrateToLatest(database.db as never, migrations, (msg) => logger.debug(msg));
    if (applied.length) logger.info({ applied }, `applied ${applied.length} migration(s)`);
    await syncBuiltinRoles(database.db);
    const supervise = opts.jobs ?? config.jobsEnabled;
    const jobs = await startJobQueue({ db: database.db as never, logger, supervise });
    // The outbox relay runs where workers run; it stops before the job queue and the database.
    let events: Awaited<ReturnType<typeof startEvents>>;
    try {
      events = await startEvents({ db: database.db, config, logger, jobs, supervise });
    } catch (err) {
      await jobs.stop(config.shutdownGraceMs);
      throw err;
    }
    const context: ModuleContext = {
      db: database.db,
      engine: database.engine,
      config,
      clock: opts.clock ?? systemClock,
      logger,
      jobs,
    };
    return {
      database,
      context,
      close: async () => {
        await events.stop();
        await jobs.stop(config.shutdownGraceMs);
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
    authenticator: new IdentityAuthenticator(ctx.db, ctx.clock),
    bodyLimitBytes: ctx.config.bodyLimitBytes,
    rateLimitPerMinute: ctx.config.rateLimitPerMinute,
    corsOrigins: ctx.config.corsOrigins,
    ready: () => pingDatabase(ctx.db as never),
    version,
  });
  await app.register(
    async (api) => {
      await api.register(authRoutes(ctx));
      await api.register(identityAdminRoutes(ctx));
      await api.register(auditRoutes(ctx, { scopeUnitIds: (principal) => scopeUnitIds(ctx.db, principal) }));
      await api.register(customerRoutes(ctx));
      await api.register(productRoutes(ctx));
      await api.register(eventRoutes(ctx));
    },
    { prefix: '/api/v1' },
  );
  await app.register(tmf629Routes(ctx), { prefix: TMF629_BASE });
  await app.register(consoleRoutes(path.join(packageRoot, 'web/dist')));
  return app;
}
