import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config.ts';
import { createLogger } from './platform/logger.ts';
import { buildApp, startPlatform } from './server.ts';

/** Start-up: config → database → migrate → jobs → HTTP → listen; SIGTERM drains, then exits. */
export async function serve(opts: { demo: boolean }): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const platform = await startPlatform(config, logger, { command: 'serve' });
  const app = await buildApp(platform.context);
  if (opts.demo) {
    const { ensureDemoData } = await import('./seed/demo.ts');
    await ensureDemoData(platform.context, (msg) => logger.info(msg));
  }
  closeWithGrace({ delay: config.shutdownGraceMs }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down: draining requests and jobs');
    await app.close();
    await platform.close();
  });
  const address = await app.listen({ port: config.port, host: config.host });
  const readyMs = Math.round(performance.now() - started);
  logger.info(
    { url: address, engine: platform.database.engine, database: platform.database.location, readyMs },
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
