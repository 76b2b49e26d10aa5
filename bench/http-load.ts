/** The HTTP load of the benchmarks: a job for bench/load-worker.mjs, run in a worker thread. */
import { Worker } from 'node:worker_threads';

/** What the load generator (bench/load-worker.mjs, a worker thread) is given and gives back. */
export interface LoadJob {
  /** `patch`: customer PATCHes (writes suite); `create`: POSTs of `bodies` (service-request intake). */
  kind: 'patch' | 'create';
  origin: string;
  /** `patch`: the path before the customer id, e.g. /api/v1/customers/; `create`: the path. */
  path: string;
  token: string;
  /** `patch`: [customer id, version] pairs; the versions come back updated. */
  targets?: Array<[string, number]>;
  /** `create`: the request bodies, sent in turn. */
  bodies?: string[];
  connections: number;
  warmupSeconds: number;
  seconds: number;
  seed: number;
}

export interface LoadResult {
  ok: number;
  conflicts: number;
  errors: number;
  firstError: string | null;
  seconds: number;
  /** ms per successful request completed inside the measured window. */
  latencies: Float64Array;
  /** `patch`: the targets with the versions last seen. */
  targets: Array<[string, number]>;
}

/** A load run in a worker thread (writes and service-request intake). */
export function load(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), { workerData: job });
    worker.once('message', (r: LoadResult) => resolve(r));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load worker exited with ${code}`));
    });
  });
}
