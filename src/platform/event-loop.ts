/**
 * Long synchronous work on the main thread (parsing a file, building one, a loop of PGlite
 * statements) holds every timer, socket and signal until it ends. These hand the event loop a turn
 * between pieces of such work (BENCHMARKS.md, "Event loop on the embedded engine").
 */

/** One turn of the event loop: waiting timers, I/O and signals get in. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A function that gives the event loop a turn once `ms` have passed since its last turn. */
export function turnsEvery(ms = 20): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < ms) return;
    await nextTurn();
    last = performance.now();
  };
}
