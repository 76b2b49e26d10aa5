/**
 * A benchmark's own PostgreSQL database is dropped when the run is stopped (Ctrl-C, `kill`), not
 * only when it ends: a stopped 10 M run would otherwise leave many gigabytes behind.
 */
import pg from 'pg';

export async function dropDatabase(pgUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  try {
    await c.query(`drop database if exists ${name} with (force)`);
  } finally {
    await c.end();
  }
}

/** Drops `name` and exits on SIGINT/SIGTERM until the returned function is called. */
export function dropOnSignal(pgUrl: string, name: string, log: (msg: string) => void): () => void {
  const handler = (signal: NodeJS.Signals) => {
    log(`${signal}: dropping the benchmark database ${name}`);
    dropDatabase(pgUrl, name).then(
      () => process.exit(signal === 'SIGINT' ? 130 : 143),
      (err: unknown) => {
        log(`could not drop ${name}: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
