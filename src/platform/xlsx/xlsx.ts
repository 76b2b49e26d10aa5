/**
 * Spreadsheets (XLSX) written and read on a worker thread (xlsx.worker.ts), never on the main
 * thread: loading ExcelJS alone held the event loop 0.6–1.4 s on the first export of a process, and
 * zipping a file is CPU work too (BENCHMARKS.md, "Event loop"). One worker, started on the first
 * job, serves every job of the process and ends after a minute without one (its memory back).
 */
import { Worker } from 'node:worker_threads';
import type { XlsxJob, XlsxProblem, XlsxReply, XlsxSheet } from './protocol.ts';

export type { XlsxProblem, XlsxSheet };

const IDLE_MS = 60_000;

// Compiled (dist/) the worker is a .js file beside this one; from the sources (tests, tsx) a .ts
// file, which a worker can load only after registering tsx itself.
const here = import.meta.url;
const fromSource = here.endsWith('.ts');
const workerUrl = new URL(fromSource ? './xlsx.worker.ts' : './xlsx.worker.js', here);

function spawn(): Worker {
  if (!fromSource) return new Worker(workerUrl);
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(workerUrl.href)}); })`;
  return new Worker(boot, { eval: true });
}

let worker: Worker | undefined;
let idle: NodeJS.Timeout | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (r: XlsxReply) => void; reject: (e: Error) => void }>();

function failAll(err: Error) {
  for (const p of pending.values()) p.reject(err);
  pending.clear();
}

function ensureWorker(): Worker {
  if (idle) clearTimeout(idle);
  idle = undefined;
  if (worker) {
    worker.ref();
    return worker;
  }
  const w = spawn();
  w.on('message', (reply: XlsxReply) => {
    const p = pending.get(reply.id);
    pending.delete(reply.id);
    p?.resolve(reply);
    if (!pending.size && worker === w) {
      // Idle: it no longer keeps the process alive, and ends after a while.
      w.unref();
      idle = setTimeout(() => void stopXlsxWorker(), IDLE_MS).unref();
    }
  });
  w.on('error', (err) => {
    if (worker === w) worker = undefined;
    failAll(err);
  });
  w.on('exit', (code) => {
    if (worker !== w) return;
    worker = undefined;
    failAll(new Error(`the spreadsheet worker stopped (exit code ${code})`));
  });
  worker = w;
  return w;
}

/** A job without its id (Omit over each member of the union). */
type JobBody = XlsxJob extends infer J ? (J extends XlsxJob ? Omit<J, 'id'> : never) : never;

function run(job: JobBody, transfer: ArrayBuffer[] = []): Promise<XlsxReply> {
  const w = ensureWorker();
  const id = nextId++;
  return new Promise<XlsxReply>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    w.postMessage({ ...job, id } as XlsxJob, transfer);
  });
}

/**
 * An XLSX file of one worksheet holding `rows` (the first is the header), or of several worksheets
 * (`sheet` a list). Cells are written as given: make formula-like text safe before.
 */
export async function writeXlsx(sheet: string | XlsxSheet[], rows: XlsxSheet['rows'] = []): Promise<Buffer> {
  const sheets = typeof sheet === 'string' ? [{ name: sheet, rows }] : sheet;
  const reply = await run({ op: 'write', sheets });
  if (!reply.ok)
    throw new Error(`writing the spreadsheet failed: ${'error' in reply ? reply.error : reply.problem}`);
  if (!('data' in reply)) throw new Error('the spreadsheet worker answered a write with rows');
  return Buffer.from(reply.data.buffer, reply.data.byteOffset, reply.data.byteLength);
}

/** The first worksheet of an XLSX file as text cells, or why it cannot be read. */
export async function readXlsx(file: Buffer): Promise<{ rows: string[][] } | { problem: XlsxProblem }> {
  // A copy goes over (transferred): the caller keeps its buffer.
  const data = new Uint8Array(file);
  const reply = await run({ op: 'read', data }, [data.buffer as ArrayBuffer]);
  if (!reply.ok) {
    if ('problem' in reply) return { problem: reply.problem };
    throw new Error(`reading the spreadsheet failed: ${reply.error}`);
  }
  if (!('rows' in reply)) throw new Error('the spreadsheet worker answered a read with a file');
  return { rows: reply.rows };
}

/** Ends the worker now (tests; idle workers end by themselves). */
export async function stopXlsxWorker(): Promise<void> {
  const w = worker;
  worker = undefined;
  if (idle) clearTimeout(idle);
  idle = undefined;
  failAll(new Error('the spreadsheet worker was stopped'));
  await w?.terminate();
}
