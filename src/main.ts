import { loadConfig } from './config.ts';
import type { DB } from './db.ts';
import { openDatabase, type Database } from './platform/db/database.ts';
import { createLogger } from './platform/logger.ts';

/** Start-up cannot go on for a reason the operator must fix (the port is taken, …): exit 2. */
export class StartupRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupRefusedError';
  }
}

/** Both settle; if either failed, the opened database is closed and the first error thrown. */
async function together<A extends { close(): Promise<void> }, B>(
  a: Promise<A>,
  b: Promise<B>,
): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'fulfilled' && rb.status === 'fulfilled') return [ra.value, rb.value];
  if (ra.status === 'fulfilled') await ra.value.close();
  throw ra.status === 'rejected' ? ra.reason : (rb as PromiseRejectedResult).reason;
}

/**
 * Start-up: config → (database ‖ HTTP layer loading) → migrate → jobs → routes → listen.
 * SIGTERM/SIGINT: stop accepting, finish requests in flight, drain jobs, close the database, exit 0.
 */
export async function serve(opts: { demo: boolean }): Promise<void> {
  // performance.now() counts from process start, so `ready` includes Node's own start and imports.
  const mark = () => Math.round(performance.now());
  const t0 = mark();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);

  // Open the database while the HTTP layer and the modules load: most of the embedded engine's
  // start (compiling its WebAssembly, reading files) happens off the main thread.
  let openMs = 0;
  let loadMs = 0;
  const opening = openDatabase<DB>({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.dbPoolSize,
    command: 'serve',
    onProgress: (msg) => logger.info(msg),
  }).then((db: Database<DB>) => ((openMs = mark() - t0), db));
  const loading = Promise.all([import('./server.ts'), import('close-with-grace')]).then(
    (m) => ((loadMs = mark() - t0), m),
  );
  const [database, [server, { default: closeWithGrace }]] = await together(opening, loading);

  const t1 = mark();
  const platform = await server.startPlatform(config, logger, { command: 'serve', database });
  const t2 = mark();
  let app: Awaited<ReturnType<typeof server.buildApp>>;
  let demoMs = 0;
  try {
    app = await server.buildApp(platform.context);
    if (opts.demo) {
      const td = mark();
      const { ensureDemoData } = await import('./seed/demo.ts');
      await ensureDemoData(platform.context, (msg) => logger.info(msg));
      demoMs = mark() - td;
    }
  } catch (err) {
    await platform.close();
    throw err;
  }
  const t3 = mark();

  // The hard stop comes a little after the grace period, so that jobs still running at its end
  // are handed back to the queue (for a retry) rather than cut off.
  closeWithGrace({ delay: config.shutdownGraceMs + 5000, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down: finishing requests in flight, then jobs');
    await app.close();
    await platform.close();
    logger.info('shut down cleanly');
  });

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
        beforeServeMs: t0,
        databaseOpenMs: openMs,
        modulesLoadMs: loadMs,
        platformMs: t2 - t1,
        httpMs: t3 - t2 - demoMs,
        demoMs,
        listenMs: readyMs - t3,
      },
    },
    `onepoint ready at ${address}`,
  );
  if (opts.demo) {
    process.stdout.write(
      `\nonepoint is running at ${address}  (API docs: ${address}/docs)\n` +
        `Demo logins: admin, agent, supervisor, monitor, dispatcher, technician, accountmgr, inspector, billing, customer\n` +
        `Demo password: ${config.demoPassword}   (set ONEPOINT_DEMO_PASSWORD to change it)\n\n`,
    );
  }
}
