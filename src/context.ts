import type { Config } from './config.ts';
import type { Db } from './db.ts';
import type { Clock } from './platform/clock.ts';
import type { Engine } from './platform/db/database.ts';
import type { JobQueue } from './platform/jobs/queue.ts';
import type { Logger } from './platform/logger.ts';

/** What a module's routes and services are given at start-up. */
export interface ModuleContext {
  db: Db;
  engine: Engine;
  config: Config;
  clock: Clock;
  logger: Logger;
  jobs: JobQueue;
}
