// `onepoint serve` as deployed: a child process on a random port. SIGTERM must stop new
// connections, let a request already in flight finish, then exit 0 after closing the database.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../harness.ts';
import {
  engine,
  ensureFreshDist,
  newTarget,
  runCli,
  startServe,
  type CliTarget,
  type Served,
} from './cli-support.ts';

beforeAll(ensureFreshDist, 180_000);

/** Sends the start of a request now and returns a function that sends the rest and reads the reply. */
function startSlowRequest(url: URL, path: string, body: string) {
  const socket = net.connect(Number(url.port), url.hostname);
  let reply = '';
  socket.on('data', (d) => (reply += d.toString()));
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  const bytes = Buffer.from(body);
  const half = Math.floor(bytes.length / 2);
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`,
  );
  socket.write(bytes.subarray(0, half));
  return async () => {
    // The rest of the body; the server closes the connection after its reply (Connection: close).
    socket.write(bytes.subarray(half));
    await closed;
    return reply;
  };
}

describe(`serve: lock and graceful shutdown (${engine})`, { timeout: 180_000 }, () => {
  let t: CliTarget;
  let served: Served | undefined;
  beforeAll(async () => {
    t = await newTarget();
  });
  afterAll(async () => {
    if (served && served.child.exitCode === null) served.child.kill('SIGKILL');
    await t?.dispose();
  });

  it('serves; a second process refuses the embedded data directory; SIGTERM drains a request in flight and exits 0', async () => {
    served = await startServe(t.env);
    const health = await fetch(new URL('/healthz', served.url));
    expect(health.status).toBe(200);

    if (engine === 'pglite') {
      const second = await runCli(
        ['user', 'add', '--login', 'late', '--name', '迟到', '--unit', 'CT', '--role', 'agent'],
        t.env,
      );
      expect(second.code).toBe(2);
      expect(second.stderr).toContain(`(pid ${served.child.pid} on`);
      expect(second.stderr).toContain('"serve"');
    }

    // Headers and half the body are in; the server is waiting for the rest when SIGTERM comes.
    const finish = startSlowRequest(
      served.url,
      '/api/v1/auth/login',
      JSON.stringify({ login: 'agent', password: DEMO_PASSWORD }),
    );
    await new Promise((r) => setTimeout(r, 500));
    served.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1000));
    expect(served.child.exitCode).toBeNull(); // still draining
    // No new connections are accepted while draining.
    await expect(fetch(new URL('/healthz', served.url))).rejects.toThrow();

    const reply = await finish();
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    expect(reply).toMatch(/"token":"ops_/);
    expect(await served.exited).toBe(0);
    expect(served.output()).toMatch(/shut down cleanly/);
  });
});
