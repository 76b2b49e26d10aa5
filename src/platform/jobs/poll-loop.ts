/**
 * A worker's background loop (the outbox relay, hub delivery, the audit sealer): a round, then the
 * next at once while rounds report more work, else after `intervalMs`. While rounds fail it waits
 * longer (doubling, up to `maxBackoffMs`) and reports the first and every 20th failure in a row,
 * so a database or broker that is down costs one log line now and then, not one per round.
 */
export interface RoundOutcome {
  /** More work is waiting: start the next round at once. */
  more?: boolean;
  /** The round made no progress because something it depends on failed: back off. */
  failed?: boolean;
}

export interface PollLoop {
  /** Wakes the loop, lets the round in progress finish, and returns when it has stopped. */
  stop(): Promise<void>;
}

export interface PollLoopOptions {
  intervalMs: number;
  round: () => Promise<RoundOutcome | void>;
  /** A round threw: called for the first and every 20th failure in a row. */
  onError: (err: unknown, failures: number) => void;
  maxBackoffMs?: number;
}

/** The wait before the next round (pure). */
export function nextDelay(intervalMs: number, failures: number, maxBackoffMs = 30_000): number {
  return failures ? Math.min(maxBackoffMs, intervalMs * 2 ** failures) : intervalMs;
}

export function startPollLoop(opts: PollLoopOptions): PollLoop {
  let stopping = false;
  let wake: (() => void) | undefined;
  const loop = (async () => {
    let failures = 0;
    while (!stopping) {
      let more = false;
      try {
        const outcome = (await opts.round()) ?? {};
        more = Boolean(outcome.more) && !outcome.failed;
        failures = outcome.failed ? failures + 1 : 0;
      } catch (err) {
        failures += 1;
        if (failures === 1 || failures % 20 === 0) opts.onError(err, failures);
      }
      if (more || stopping) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, nextDelay(opts.intervalMs, failures, opts.maxBackoffMs));
        function done() {
          clearTimeout(t);
          resolve();
        }
        wake = done;
      });
    }
  })();
  return {
    stop: async () => {
      stopping = true;
      wake?.();
      await loop;
    },
  };
}
