/**
 * The HTTP load generator of the concurrent-write suite, run in a worker thread so that it does not
 * share the server's event loop: `connections` keep-alive connections, each sending its next
 * request as soon as the previous answer arrived (closed loop), for a fixed time.
 *
 * Each request PATCHes a customer picked at random from `targets` with the version last seen for
 * it; a 409 (another connection changed that customer first) is counted apart from the successes.
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
 * @param {import('./writes.ts').LoadJob} job
 * @returns {Promise<import('./writes.ts').LoadResult>}
 */
async function run(job) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
  const url = new URL(job.origin);
  const versions = new Map(job.targets);
  const ids = job.targets.map(([id]) => id);
  const random = rng(job.seed);
  /** @type {number[]} */
  const latencies = [];
  let ok = 0;
  let conflicts = 0;
  let errors = 0;
  /** @type {string | null} */
  let firstError = null;
  let sent = 0;

  /**
   * @param {string} id
   * @param {string} body
   * @returns {Promise<{ status: number, text: string }>}
   */
  const send = (id, body) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: 'PATCH',
          path: job.pathPrefix + id,
          headers: {
            authorization: `Bearer ${job.token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
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
      req.end(body);
    });

  const start = performance.now();
  const measureFrom = start + job.warmupSeconds * 1000;
  const end = measureFrom + job.seconds * 1000;
  const connection = async () => {
    while (performance.now() < end) {
      const id = ids[Math.floor(random() * ids.length)];
      const body = JSON.stringify({
        version: versions.get(id),
        notes: `回访：客户要求晚上六点后联系 #${sent++}`,
      });
      const t0 = performance.now();
      const { status, text } = await send(id, body).catch((err) => ({
        status: 0,
        text: String(err),
      }));
      const t1 = performance.now();
      // Completions inside the window count (as a throughput is read), whenever they were sent.
      const counted = t1 >= measureFrom && t1 <= end;
      if (status === 200) {
        versions.set(id, JSON.parse(text).version);
        if (counted) {
          ok++;
          latencies.push(t1 - t0);
        }
      } else if (status === 409) {
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
    targets: [...versions],
  };
}

if (parentPort) {
  const result = await run(workerData);
  parentPort.postMessage(result, [result.latencies.buffer]);
}
