import closeWithGrace from 'close-with-grace';
import { devKeyRefusal, devKeyWarning, loadConfig } from './config.ts';
import type { DB } from './db.ts';
import { fileOffsetClock, type Clock } from './platform/clock.ts';
import { openDatabase } from './platform/db/database.ts';
import { readySchemaTemplate } from './platform/db/schema-template.ts';
import { createLogger, prettyDestination, usePrettyLogs } from './platform/logger.ts';
import { onStop } from './platform/stop-signals.ts';
import { buildApp, startPlatform } from './server.ts';

/** Start-up cannot go on for a reason the operator must fix (the port is taken, …): exit 2. */
export class StartupRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupRefusedError';
  }
}

/**
 * Start-up: config → database → migrate → jobs → routes → listen.
 * SIGTERM/SIGINT: stop accepting, finish requests in flight, drain jobs, close the database, exit 0.
 */
export async function serve(opts: { demo: boolean }): Promise<void> {
  // performance.now() counts from process start, so `ready` includes Node's own start and imports.
  // (Opening the embedded engine while the HTTP layer loads was measured: no gain, because both
  // need the main thread nearly all the time. See BENCHMARKS.md.)
  const mark = () => Math.round(performance.now());
  const t0 = mark();
  const config = loadConfig();
  // Before the database is touched: the public development key never serves real data.
  const refusal = devKeyRefusal(config, { listening: true });
  if (refusal) throw new StartupRefusedError(refusal);
  // On stderr whatever LOG_LEVEL says (a log level must not be able to hide it).
  const warning = devKeyWarning(config);
  if (warning) process.stderr.write(`onepoint: ${warning}\n`);
  // A terminal gets readable lines (ONEPOINT_LOG_FORMAT=auto), a pipe or collector JSON.
  const logger = createLogger(
    config.logLevel,
    usePrettyLogs(config.logFormat) ? prettyDestination() : undefined,
  );
  // Before the database is opened: an unreadable file stops start-up with nothing held.
  let clock: Clock | undefined;
  if (config.testClockFile) {
    // Tests move time with it (the config refuses it beside real keys); said on stderr, always.
    clock = fileOffsetClock(config.testClockFile);
    process.stderr.write(`onepoint: the platform clock is moved by ${config.testClockFile} (tests only)\n`);
  }
  const database = await openDatabase<DB>({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
    command: 'serve',
    template: () => {
      const ready = readySchemaTemplate();
      if (!ready) logger.info('no ready-made schema for this version (npm install builds it): migrating');
      return ready;
    },
    onProgress: (msg) => logger.info(msg),
    onConnectionError: (err) =>
      logger.warn({ err }, 'a pooled database connection failed; replaced when needed'),
  });
  const t1 = mark();
  let demoMs = 0;
  const platform = await startPlatform(config, logger, {
    command: 'serve',
    database,
    ...(clock ? { clock } : {}),
    // The demo is written before the workers start (the SLA scheduler, notices): nothing else
    // changes its requests meanwhile.
    ...(opts.demo
      ? {
          beforeStart: async (ctx) => {
            const td = mark();
            const { ensureDemoData } = await import('./seed/demo.ts');
            await ensureDemoData(ctx, (msg) => logger.info(msg));
            demoMs = mark() - td;
          },
        }
      : {}),
  });
  const t2 = mark();
  let app: Awaited<ReturnType<typeof buildApp>>;
  try {
    app = await buildApp(platform.context);
  } catch (err) {
    await platform.close();
    throw err;
  }
  const t3 = mark();

  // The hard stop comes a little after the grace period, so that jobs still running at its end
  // are handed back to the queue (for a retry) rather than cut off.
  // SIGTERM/SIGINT (and the death of npm's shell, see onStop) are ours; close-with-grace handles
  // the rest (errors, other signals) and the hard stop.
  let stopReason: string | undefined;
  const grace = closeWithGrace(
    { delay: config.shutdownGraceMs + 5000, logger, skip: ['SIGTERM', 'SIGINT'] },
    async ({ signal, err }) => {
      if (err) logger.error({ err }, 'shutting down after an error');
      else
        logger.info(
          { signal: signal ?? stopReason },
          'shutting down: finishing requests in flight, then jobs',
        );
      await app.close();
      await platform.close();
      logger.info('shut down cleanly');
    },
  );
  onStop(
    (reason) => {
      stopReason = reason;
      void grace.close();
    },
    { onForce: (signal) => logger.error(`second ${signal}, exiting without draining`) },
  );

  let address: string;
  try {
    address = await app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await app.close();
    await platform.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL')
      throw new StartupRefusedError(
        `cannot listen on ${config.host}:${config.port} (${code}); set PORT or HOST to a free address`,
      );
    throw err;
  }
  const readyMs = mark();
  logger.info(
    {
      url: address,
      engine: platform.database.engine,
      database: platform.database.location,
      readyMs,
      startup: {
        importsMs: t0,
        databaseOpenMs: t1 - t0,
        platformMs: t2 - t1 - demoMs,
        httpMs: t3 - t2,
        demoMs,
        listenMs: readyMs - t3,
      },
    },
    `onepoint ready at ${address}`,
  );
  if (opts.demo) {
    const { DEMO_LOGINS } = await import('./seed/demo.ts');
    process.stdout.write(
      `\nonepoint is running at ${address}  (API docs: ${address}/docs)\n` +
        `Demo logins: ${DEMO_LOGINS.map((d) => d.login).join(', ')}\n` +
        `Demo password: ${config.demoPassword}   (set ONEPOINT_DEMO_PASSWORD to change it)\n\n`,
    );
  }
}
