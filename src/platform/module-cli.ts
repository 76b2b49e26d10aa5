/**
 * What every module's `onepoint <module> …` commands share: where results and progress go, and a
 * platform opened for one command (tests pass their own `open`, `out` and `err`).
 */
import pino from 'pino';
import { loadConfig } from '../config.ts';
import { startPlatform, type Platform } from '../server.ts';
import { createLogger } from './logger.ts';

export interface ModuleCliDeps {
  /** Opens the platform for one command. */
  open?: (command: string) => Promise<Platform>;
  out?: (text: string) => void;
  err?: (text: string) => void;
}

async function openForCommand(command: string): Promise<Platform> {
  const config = loadConfig();
  // Warnings and errors only, to stderr: stdout carries the command's result.
  const level = config.logLevel === 'info' ? 'warn' : config.logLevel;
  const logger = createLogger(level, pino.destination({ dest: 2, sync: true }));
  return startPlatform(config, logger, { command, jobs: false });
}

export function moduleCli(deps: ModuleCliDeps = {}) {
  const open = deps.open ?? openForCommand;
  return {
    out: deps.out ?? ((t: string) => void process.stdout.write(t)),
    err: deps.err ?? ((t: string) => void process.stderr.write(t)),
    /** Runs `fn` on a platform opened for `command`, closing it afterwards whatever happens. */
    async withPlatform<T>(command: string, fn: (p: Platform) => Promise<T>): Promise<T> {
      const platform = await open(command);
      try {
        return await fn(platform);
      } finally {
        await platform.close();
      }
    },
  };
}
