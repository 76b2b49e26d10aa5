/**
 * What stops a serving process: SIGTERM or SIGINT (service managers, Ctrl-C), and — when npm or npx
 * started it through a shell that does not pass signals on — the death of its parent process.
 *
 * - The first signal starts a graceful stop (`stop(reason)`).
 * - The same signal again within a second is ignored: on Ctrl-C the terminal signals the whole
 *   process group and npm forwards the signal too, so the server receives it twice at once.
 * - A later signal means "now": exit 1 without draining.
 * - Started by npm (`npm_command` in the environment) the parent is watched: `npx onepoint serve`
 *   runs `sh -c "onepoint serve"`, and a SIGTERM to npx kills that shell, which does not pass it on;
 *   without the watch this process would be orphaned, still serving and holding its lock.
 */
export function onStop(
  stop: (reason: string) => void,
  opts: { watchParent?: boolean; pollMs?: number; onForce?: (signal: string) => void } = {},
): () => void {
  let first: { signal: string; at: number } | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (!first) {
      first = { signal, at: Date.now() };
      stop(signal);
      return;
    }
    if (signal === first.signal && Date.now() - first.at < 1000) return;
    opts.onForce?.(signal);
    process.exit(1);
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];
  for (const s of signals) process.on(s, onSignal);

  const watchParent = opts.watchParent ?? process.env.npm_command !== undefined;
  const parent = process.ppid;
  const timer =
    watchParent && parent > 1
      ? setInterval(() => {
          try {
            process.kill(parent, 0);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'EPERM') return;
            clearInterval(timer);
            if (!first) {
              first = { signal: 'parent-exit', at: Date.now() };
              stop('parent-exit');
            }
          }
        }, opts.pollMs ?? 250).unref()
      : undefined;

  return () => {
    for (const s of signals) process.removeListener(s, onSignal);
    if (timer) clearInterval(timer);
  };
}
