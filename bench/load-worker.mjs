/**
 * The HTTP load generator of the benchmarks, run in a worker thread so that it does not share the
 * server's event loop: `connections` keep-alive connections, each sending its next request as soon
 * as the previous answer arrived (closed loop), for a fixed time. Completions inside the measured
 * window count (as a throughput is read), whenever they were sent. Two kinds of job:
 *
 *  - `patch` (writes suite): PATCH a customer picked at random from `targets` with the version last
 *    seen for it; a 409 (another connection changed that customer first) is counted apart.
 *  - `create` (service-request intake): POST the next of `bodies` to `path`, each with its own
 *    Idempotency-Key; 201 is a success.
 */
// Plain JavaScript: Node 20 runs a worker thread without the TypeScript loader of the parent.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/** @param {number} seed */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What each kind sends next and how it reads the answer.
 * @param {import('./http-load.ts').LoadJob} job
 */
function planOf(job) {
  let sent = 0;
  if (job.kind === 'create') {
    const bodies = job.bodies ?? [];
    return {
      targets: undefined,
      next: () => {
        const n = sent++;
        return {
          method: 'POST',
          path: job.path,
          body: bodies[n % bodies.length],
          headers: { 'idempotency-key': `bench-${job.seed}-${n}` },
        };
      },
      /** @param {number} status */
      outcome: (status) => (status === 201 ? 'ok' : 'error'),
    };
  }
  const versions = new Map(job.targets ?? []);
  const ids = [...versions.keys()];
  const random = rng(job.seed);
  /** @type {string} */
  let id = '';
  return {
    targets: versions,
    next: () => {
      id = ids[Math.floor(random() * ids.length)];
      const body = JSON.stringify({
        version: versions.get(id),
        notes: `回访：客户要求晚上六点后联系 #${sent++}`,
      });
      return { method: 'PATCH', path: job.path + id, body, headers: {}, id };
    },
    /** @param {number} status @param {string} text @param {{ id?: string }} req */
    outcome: (status, text, req) => {
      if (status === 200) {
        versions.set(req.id, JSON.parse(text).version);
        return 'ok';
      }
      return status === 409 ? 'conflict' : 'error';
    },
  };
}

/**
 * @param {import('./http-load.ts').LoadJob} job
 * @returns {Promise<import('./http-load.ts').LoadResult>}
 */
async function run(job) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
  const url = new URL(job.origin);
  const plan = planOf(job);
  /** @type {number[]} */
  const latencies = [];
  let ok = 0;
  let conflicts = 0;
  let errors = 0;
  /** @type {string | null} */
  let firstError = null;

  /**
   * @param {{ method: string, path: string, body: string, headers: Record<string, string> }} r
   * @returns {Promise<{ status: number, text: string }>}
   */
  const send = (r) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: r.method,
          path: r.path,
          headers: {
            authorization: `Bearer ${job.token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(r.body),
            ...r.headers,
          },
        },
        (res) => {
          /** @type {Buffer[]} */
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(r.body);
    });

  const start = performance.now();
  const measureFrom = start + job.warmupSeconds * 1000;
  const end = measureFrom + job.seconds * 1000;
  const connection = async () => {
    while (performance.now() < end) {
      const r = plan.next();
      const t0 = performance.now();
      const { status, text } = await send(r).catch((err) => ({ status: 0, text: String(err) }));
      const t1 = performance.now();
      const counted = t1 >= measureFrom && t1 <= end;
      const outcome = plan.outcome(status, text, r);
      if (outcome === 'ok') {
        if (counted) {
          ok++;
          latencies.push(t1 - t0);
        }
      } else if (outcome === 'conflict') {
        if (counted) conflicts++;
      } else {
        if (counted) errors++;
        firstError ??= `${status} ${text.slice(0, 300)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: job.connections }, connection));
  agent.destroy();
  return {
    ok,
    conflicts,
    errors,
    firstError,
    seconds: job.seconds,
    latencies: Float64Array.from(latencies),
    targets: plan.targets ? [...plan.targets] : [],
  };
}

if (parentPort) {
  const result = await run(workerData);
  parentPort.postMessage(result, [result.latencies.buffer]);
}
