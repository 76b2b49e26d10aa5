import fs from 'node:fs';

/** Time comes from a clock passed in, so deadlines and expiries are testable without sleeping. */
export interface Clock {
  now(): Date;
  /**
   * Clocks that can jump (the test clock) call `listener` after a jump, so that timers planned by
   * them plan again (the SLA scheduler); returns the unsubscribe. The system clock has none.
   */
  onJump?(listener: () => void): () => void;
}
export const systemClock: Clock = { now: () => new Date() };

/** How often the test clock's file is read again (a test moving time waits at least this long). */
const TEST_CLOCK_REREAD_MS = 50;

/**
 * Tests only (`ONEPOINT_TEST_CLOCK_FILE`): the system clock plus the offset in milliseconds that
 * `file` holds, read again at most every 50 ms, so that a test moves the time of server child
 * processes (SLA timers falling due) without waiting. A file that cannot be read or parsed keeps
 * the last offset read (a test writes it by rename); one missing at start is an error. While
 * someone listens for jumps the file is read every 50 ms. The config refuses it beside real keys
 * (`loadConfig`), so a production server cannot run on it.
 */
export function fileOffsetClock(
  file: string,
): Clock & { offsetMs(): number; onJump(listener: () => void): () => void } {
  const read = (): number | undefined => {
    try {
      const text = fs.readFileSync(file, 'utf8').trim();
      return /^-?\d{1,15}$/.test(text) ? Number(text) : undefined;
    } catch {
      return undefined;
    }
  };
  const first = read();
  if (first === undefined)
    throw new Error(`ONEPOINT_TEST_CLOCK_FILE: ${file} must hold an offset in milliseconds (e.g. 0)`);
  let offset = first;
  let readAt = Date.now();
  const listeners = new Set<() => void>();
  let watcher: NodeJS.Timeout | undefined;
  const offsetMs = () => {
    const real = Date.now();
    if (real - readAt >= TEST_CLOCK_REREAD_MS) {
      readAt = real;
      const was = offset;
      offset = read() ?? offset;
      if (offset !== was) for (const l of listeners) l();
    }
    return offset;
  };
  return {
    now: () => new Date(Date.now() + offsetMs()),
    offsetMs,
    onJump(listener) {
      listeners.add(listener);
      watcher ??= setInterval(offsetMs, TEST_CLOCK_REREAD_MS).unref();
      return () => {
        listeners.delete(listener);
        if (!listeners.size && watcher) {
          clearInterval(watcher);
          watcher = undefined;
        }
      };
    },
  };
}
