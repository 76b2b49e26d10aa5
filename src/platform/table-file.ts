/**
 * Tables as a download: CSV (UTF-8 with a byte-order mark, so that spreadsheet programs in China
 * read Chinese text) or XLSX (written on the spreadsheet worker thread). Built a slice of rows at a
 * time with an event-loop turn in between (health checks, signals and other requests wait for one
 * slice, not the whole file: BENCHMARKS.md, "Event loop"). Cells that a spreadsheet would run as
 * formulas are made text.
 */
import { writeXlsx, type XlsxSheet } from './xlsx/xlsx.ts';
import { nextTurn } from './event-loop.ts';

export type TableFormat = 'csv' | 'xlsx';
export const TABLE_FORMATS = ['csv', 'xlsx'] as const satisfies readonly TableFormat[];

/** A cell: a number stays a number in XLSX; null is an empty cell. */
export type TableCell = string | number | null;

export interface TableSheet {
  /** The worksheet's name (XLSX); CSV puts the sheets one after the other, a blank line between. */
  name: string;
  header: readonly string[];
  rows: ReadonlyArray<readonly TableCell[]>;
}

/** A column: its header and its value for a row. */
export type TableColumn<T> = readonly [header: string, value: (row: T) => TableCell];

export interface TableFile {
  body: Buffer;
  contentType: string;
  /** `csv` or `xlsx`, for the file name. */
  extension: TableFormat;
}

const SLICE = 500;

/** Spreadsheet programs run cells that start with = + - @ as formulas: make them text. */
export const safeCell = (v: string): string => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
export const csvCell = (v: TableCell): string => {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const s = safeCell(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const xlsxCell = (v: TableCell) => (typeof v === 'string' ? safeCell(v) : v);

export async function tableFile(sheets: readonly TableSheet[], format: TableFormat): Promise<TableFile> {
  if (format === 'csv') {
    const blocks: string[] = [];
    for (const sheet of sheets) {
      const lines = [sheet.header.map(csvCell).join(',')];
      for (let i = 0; i < sheet.rows.length; i += SLICE) {
        for (const r of sheet.rows.slice(i, i + SLICE)) lines.push(r.map(csvCell).join(','));
        await nextTurn();
      }
      blocks.push(lines.join('\r\n'));
    }
    return {
      body: Buffer.from(`\uFEFF${blocks.join('\r\n\r\n')}\r\n`, 'utf8'),
      contentType: 'text/csv; charset=utf-8',
      extension: 'csv',
    };
  }
  // The file itself is made on the spreadsheet worker thread: loading ExcelJS and zipping would
  // hold the event loop (platform/xlsx). The cells are prepared here a slice at a time.
  const prepared: XlsxSheet[] = [];
  for (const sheet of sheets) {
    const rows: XlsxSheet['rows'] = [sheet.header.map(safeCell)];
    for (let i = 0; i < sheet.rows.length; i += SLICE) {
      for (const r of sheet.rows.slice(i, i + SLICE)) rows.push(r.map(xlsxCell));
      await nextTurn();
    }
    prepared.push({ name: sheet.name, rows });
  }
  return {
    body: await writeXlsx(prepared),
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    extension: 'xlsx',
  };
}

/** `rows` as one sheet named `name`, by columns; the file is named `<name>.<format>`. */
export async function columnsFile<T>(
  rows: readonly T[],
  columns: ReadonlyArray<TableColumn<T>>,
  format: TableFormat,
  name: string,
): Promise<TableFile & { filename: string }> {
  const file = await tableFile(
    [{ name, header: columns.map(([h]) => h), rows: rows.map((r) => columns.map(([, f]) => f(r))) }],
    format,
  );
  return { ...file, filename: `${name}.${file.extension}` };
}
