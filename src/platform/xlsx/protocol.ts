/** Messages between the main thread and the spreadsheet worker (xlsx.ts ↔ xlsx.worker.ts). */
/** A worksheet to write: a number stays a number, null is an empty cell. */
export interface XlsxSheet {
  name: string;
  rows: Array<Array<string | number | null>>;
}

export type XlsxJob =
  { id: number; op: 'write'; sheets: XlsxSheet[] } | { id: number; op: 'read'; data: Uint8Array };

export type XlsxProblem = 'unreadable' | 'no_worksheet';

export type XlsxReply =
  | { id: number; ok: true; data: Uint8Array }
  | { id: number; ok: true; rows: string[][] }
  | { id: number; ok: false; problem: XlsxProblem }
  | { id: number; ok: false; error: string };
