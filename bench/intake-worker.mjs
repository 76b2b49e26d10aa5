/**
 * The intake suite's HTTP load generator, in a worker thread (not sharing the server's event
 * loop): `connections` keep-alive connections, each POSTing its next request as soon as the
 * previous answer arrived (closed loop), for a fixed time. Every request has its own
 * Idempotency-Key; bodies cycle through `bodies`.
 */
// Plain JavaScript: Node 20 runs a worker thread without the TypeScript loader of the parent.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/** @param {{ origin: string, path: string, token: string, bodies: string[], connections: number, warmupSeconds: number, seconds: number, seed: number }} job */
async function run(job) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
  const url = new URL(job.origin);
  /** @type {number[]} */
  const latencies = [];
  let ok = 0;
  let errors = 0;
  /** @type {string | null} */
  let firstError = null;
  let sent = 0;

  /** @param {string} body @param {string} key */
  const send = (body, key) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: job.path,
          headers: {
            authorization: `Bearer ${job.token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'idempotency-key': key,
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
      const n = sent++;
      const body = job.bodies[n % job.bodies.length];
      const t0 = performance.now();
      const { status, text } = await send(body, `bench-${job.seed}-${n}`).catch((err) => ({
        status: 0,
        text: String(err),
      }));
      const t1 = performance.now();
      const counted = t1 >= measureFrom && t1 <= end;
      if (status === 201) {
        if (counted) {
          ok++;
          latencies.push(t1 - t0);
        }
      } else {
        if (counted) errors++;
        firstError ??= `${status} ${text.slice(0, 300)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: job.connections }, connection));
  agent.destroy();
  return { ok, errors, firstError, seconds: job.seconds, latencies: Float64Array.from(latencies) };
}

if (parentPort) {
  const result = await run(workerData);
  parentPort.postMessage(result, [result.latencies.buffer]);
}
