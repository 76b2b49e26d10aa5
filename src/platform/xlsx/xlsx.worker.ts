/**
 * The spreadsheet worker: ExcelJS is loaded and run here, on a thread of its own, so that neither
 * its loading (0.6–1.4 s of synchronous module evaluation) nor zipping a file holds the server's
 * event loop (BENCHMARKS.md, "Event loop"). Jobs come from xlsx.ts; files go back transferred.
 */
import { PassThrough } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import type { XlsxJob, XlsxReply, XlsxSheet } from './protocol.ts';

const port = parentPort!;
const importExcel = () => import('exceljs');
let excel: ReturnType<typeof importExcel> | undefined;
const load = async () => (await (excel ??= importExcel())).default;

async function write(sheets: XlsxSheet[]): Promise<Uint8Array> {
  const ExcelJS = await load();
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((resolve, reject) => {
    out.once('end', resolve);
    out.once('error', reject);
  });
  // The streaming writer: rows committed as they are added, the zip done through zlib streams.
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: false,
    useSharedStrings: false,
  });
  for (const sheet of sheets) {
    // Excel refuses worksheet names over 31 characters.
    const ws = wb.addWorksheet(sheet.name.slice(0, 31));
    for (const r of sheet.rows) ws.addRow(r).commit();
    ws.commit();
  }
  await wb.commit();
  await ended;
  const file = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    file.set(c, at);
    at += c.length;
  }
  return file;
}

/** The first worksheet as text cells (rich text, formula results and dates as their text). */
async function read(data: Uint8Array): Promise<string[][] | 'unreadable' | 'no_worksheet'> {
  const ExcelJS = await load();
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer);
  } catch {
    return 'unreadable';
  }
  const ws = wb.worksheets[0];
  if (!ws) return 'no_worksheet';
  const table: string[][] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      const v = cell.value;
      cells[col - 1] =
        v === null || v === undefined
          ? ''
          : typeof v === 'object' && 'text' in v
            ? String((v as { text: unknown }).text)
            : typeof v === 'object' && 'result' in v
              ? String((v as { result: unknown }).result ?? '')
              : v instanceof Date
                ? v.toISOString().slice(0, 10)
                : String(v);
    });
    table.push(Array.from(cells, (c) => c ?? ''));
  });
  return table;
}

port.on('message', (job: XlsxJob) => {
  void (async (): Promise<void> => {
    try {
      if (job.op === 'write') {
        const data = await write(job.sheets);
        port.postMessage({ id: job.id, ok: true, data } satisfies XlsxReply, [data.buffer as ArrayBuffer]);
      } else {
        const rows = await read(job.data);
        port.postMessage(
          (typeof rows === 'string'
            ? { id: job.id, ok: false, problem: rows }
            : { id: job.id, ok: true, rows }) satisfies XlsxReply,
        );
      }
    } catch (err) {
      port.postMessage({ id: job.id, ok: false, error: (err as Error).message } satisfies XlsxReply);
    }
  })();
});
