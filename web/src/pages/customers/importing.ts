// Pure helpers of the import screen: reading the server's NDJSON progress stream, the progress
// bar, the problems in the user's language, and the file of rows with problems to fix.
import type { ResponseOf } from '../../api/paths.ts';

/** The import's report as the API documents it (web/src/api/schema.gen.ts). */
type ApiImportReport = ResponseOf<'/api/v1/customers/imports', 'post'>;

/** A problem of the report; `code` read as any string: an unknown code falls back to the message. */
export type ImportProblem = Omit<ApiImportReport['errors'][number], 'code' | 'params'> & {
  code?: string;
  params?: Record<string, number | string[]>;
};

export type ImportReport = Omit<ApiImportReport, 'errors'> & { errors: ImportProblem[] };

export type ImportPhase = 'parse' | 'validate' | 'write';

/** i18next's t with a key built at run time (the problem and column keys come from the server). */
export type Translate = (key: string, options?: Record<string, unknown>) => string;

// Columns whose allowed values the console already names (客户等级: group → 集团级 …).
const OPTION_TEXTS: Record<string, string> = {
  kind: 'customers.kinds',
  tier: 'customers.tiers',
  value_level: 'customers.valueLevels',
  instance_status: 'customers.instanceStatuses',
  access_type: 'customers.accessTypes',
  device_type: 'customers.deviceTypes',
  contact_role: 'customers.contactRoles',
  location_class: 'customers.locationClasses',
};

/** An import column as the user knows it: in zh-CN its Chinese header with the English name. */
export function columnText(column: string, t: Translate): string {
  if (!/^[a-z_]+$/.test(column)) return column; // a header as written in the file, or #3
  const label = t(`customers.import.columns.${column}`, { defaultValue: column });
  return label === column ? column : t('customers.import.columnWithName', { label, column });
}

/** A problem in the user's language, by its code and params; the server's text for an unknown code. */
export function problemText(p: ImportProblem, t: Translate): string {
  if (!p.code || !/^[A-Z_]+$/.test(p.code)) return p.message;
  const params: Record<string, unknown> = { ...p.params, message: p.message };
  const allowed = p.params?.allowed;
  if (Array.isArray(allowed)) {
    const group = p.column ? OPTION_TEXTS[p.column] : undefined;
    params.allowed = allowed
      .map((value) => {
        const label = group ? t(`${group}.${value}`, { defaultValue: value }) : value;
        return label === value ? value : t('customers.import.optionWithName', { value, label });
      })
      .join(t('customers.import.optionSeparator'));
  }
  return t(`customers.import.problems.${p.code}`, { ...params, defaultValue: p.message });
}

/** The report's problems with column and text in the user's language (table and downloaded file). */
export function translateProblems(problems: readonly ImportProblem[], t: Translate): ImportProblem[] {
  return problems.map((p) => ({
    ...p,
    column: p.column === null ? null : columnText(p.column, t),
    message: problemText(p, t),
  }));
}

export type ImportEvent =
  | { type: 'progress'; phase: ImportPhase; done: number; total: number }
  | ({ type: 'result' } & ImportReport)
  | { type: 'error'; code: string; message: string };

/** Splits a byte stream's text into lines as chunks arrive (a line may span chunks). */
export function lineSplitter() {
  let rest = '';
  return {
    push(chunk: string): string[] {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop() ?? '';
      return parts.filter((l) => l.trim() !== '');
    },
    end(): string[] {
      const last = rest.trim();
      rest = '';
      return last ? [last] : [];
    },
  };
}

/** Reads an NDJSON response body, calling onEvent for each line as it arrives. */
export async function readEvents(
  body: ReadableStream<Uint8Array>,
  onEvent: (e: ImportEvent) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const lines = lineSplitter();
  for (;;) {
    const { done, value } = await reader.read();
    const got = done ? lines.end() : lines.push(decoder.decode(value, { stream: true }));
    for (const line of got) onEvent(JSON.parse(line) as ImportEvent);
    if (done) return;
  }
}

// Share of the bar per phase: reading is quick, checking and writing take the time.
const PHASES: Record<ImportPhase, [start: number, width: number]> = {
  parse: [0, 5],
  validate: [5, 45],
  write: [50, 50],
};

/** The progress bar's percentage for a progress line (never 100 before the result). */
export function importPercent(p: { phase: ImportPhase; done: number; total: number }): number {
  const [start, width] = PHASES[p.phase];
  const share = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  return Math.min(99, Math.floor(start + width * share));
}

/** RFC 4180 CSV as the importer reads it: quoted cells, CRLF or LF, a BOM, blank lines skipped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  const endRow = () => {
    row.push(cell);
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
    cell = '';
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') endRow();
    else if (c === '\r') {
      if (src[i + 1] !== '\n') endRow();
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) endRow();
  return rows;
}

const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function toCsv(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  // A BOM so that Excel opens Chinese text correctly.
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/**
 * The rows with problems, to fix and upload again: from a CSV upload, its header and those rows as
 * they were plus a row-number and a problems column; from a spreadsheet (not read in the browser),
 * the report itself (row, column, problem).
 */
export function problemRowsCsv(
  problems: readonly ImportProblem[],
  original: string | null,
  labels: { row: string; column: string; problems: string },
): string {
  const byRow = new Map<number, string[]>();
  for (const p of problems) {
    const text = p.column ? `${p.column}: ${p.message}` : p.message;
    byRow.set(p.row, [...(byRow.get(p.row) ?? []), text]);
  }
  if (original === null) {
    return toCsv([
      [labels.row, labels.column, labels.problems],
      ...problems.map((p) => [p.row, p.column ?? '', p.message]),
    ]);
  }
  const [header = [], ...rows] = parseCsv(original);
  const out: Array<Array<string | number>> = [[labels.row, ...header, labels.problems]];
  rows.forEach((cells, i) => {
    const rowNo = i + 2; // as the server counts: 1-based, after the header
    const found = byRow.get(rowNo);
    if (found) out.push([rowNo, ...cells, found.join('; ')]);
  });
  // Problems about the file as a whole (row 1, or rows the file does not have) are kept too.
  for (const [rowNo, texts] of byRow)
    if (rowNo < 2 || rowNo > rows.length + 1) out.push([rowNo, ...header.map(() => ''), texts.join('; ')]);
  return toCsv(out);
}
