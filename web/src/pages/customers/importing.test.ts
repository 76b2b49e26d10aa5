import { describe, expect, it } from 'vitest';
import {
  importPercent,
  lineSplitter,
  parseCsv,
  problemRowsCsv,
  readEvents,
  type ImportEvent,
} from './importing.ts';

const labels = { row: 'row', column: 'column', problems: 'problems' };

describe('reading the progress stream', () => {
  it('joins lines split across chunks and skips blank ones', () => {
    const s = lineSplitter();
    expect(s.push('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
    expect(s.push(':2}\n\n{"c":3}')).toEqual(['{"b":2}']);
    expect(s.end()).toEqual(['{"c":3}']);
    expect(s.end()).toEqual([]);
  });

  it('turns a streamed body into events in order', async () => {
    const text =
      '{"type":"progress","phase":"parse","done":0,"total":1}\n' +
      '{"type":"progress","phase":"write","done":5,"total":10}\n' +
      '{"type":"result","ok":true,"customers":10}\n';
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        // Chunks cut in the middle of lines.
        c.enqueue(bytes.slice(0, 30));
        c.enqueue(bytes.slice(30, 90));
        c.enqueue(bytes.slice(90));
        c.close();
      },
    });
    const events: ImportEvent[] = [];
    await readEvents(body, (e) => events.push(e));
    expect(events.map((e) => e.type)).toEqual(['progress', 'progress', 'result']);
    expect(events[1]).toMatchObject({ phase: 'write', done: 5 });
  });
});

describe('the progress bar', () => {
  it('moves forward through the phases and waits for the result to reach 100', () => {
    const seq = [
      importPercent({ phase: 'parse', done: 0, total: 1 }),
      importPercent({ phase: 'parse', done: 1, total: 1 }),
      importPercent({ phase: 'validate', done: 500, total: 1000 }),
      importPercent({ phase: 'write', done: 0, total: 1000 }),
      importPercent({ phase: 'write', done: 1000, total: 1000 }),
    ];
    expect(seq).toEqual([0, 5, 27, 50, 99]);
    expect(importPercent({ phase: 'validate', done: 0, total: 0 })).toBe(5);
  });
});

describe('CSV', () => {
  it('reads quotes, commas and line breaks inside cells, CRLF, a BOM, and skips blank lines', () => {
    const text = '\uFEFFname,notes\r\n"王, 芳","第一行\n第二行"\r\n\r\n李四,"说""好"""\n';
    expect(parseCsv(text)).toEqual([
      ['name', 'notes'],
      ['王, 芳', '第一行\n第二行'],
      ['李四', '说"好"'],
    ]);
  });

  it('gives back the rows with problems as they were, numbered as the server counts them', () => {
    const original = 'customer_no,name,phone\nA1,张三,13812345678\n\nA2,李四,1381234\nA3,"王, 五",\n';
    const csv = problemRowsCsv(
      [
        { row: 3, column: 'phone', message: 'not a phone number' },
        { row: 3, column: null, message: 'second problem' },
        { row: 4, column: 'phone', message: 'required' },
      ],
      original,
      labels,
    );
    expect(parseCsv(csv)).toEqual([
      ['row', 'customer_no', 'name', 'phone', 'problems'],
      ['3', 'A2', '李四', '1381234', 'phone: not a phone number; second problem'],
      ['4', 'A3', '王, 五', '', 'phone: required'],
    ]);
  });

  it('lists the report itself for a spreadsheet, and keeps problems about the whole file', () => {
    expect(parseCsv(problemRowsCsv([{ row: 5, column: 'tier', message: 'unknown' }], null, labels))).toEqual([
      ['row', 'column', 'problems'],
      ['5', 'tier', 'unknown'],
    ]);
    const whole = problemRowsCsv([{ row: 1, column: null, message: 'no data rows' }], 'a,b\n', labels);
    expect(parseCsv(whole)).toEqual([
      ['row', 'a', 'b', 'problems'],
      ['1', '', '', 'no data rows'],
    ]);
  });
});
