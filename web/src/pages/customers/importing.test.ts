import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import customersEn from '../../i18n/locales/customers.en.ts';
import customersZhCN from '../../i18n/locales/customers.zh-CN.ts';
import {
  columnText,
  importPercent,
  lineSplitter,
  parseCsv,
  problemRowsCsv,
  problemText,
  readEvents,
  translateProblems,
  type ImportEvent,
  type ImportProblem,
  type Translate,
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

describe("problems in the user's language", () => {
  // The console's own texts, as the import screen registers them.
  const i18n = i18next.createInstance();
  void i18n.init({
    resources: {
      'zh-CN': { translation: { customers: customersZhCN } },
      en: { translation: { customers: customersEn } },
    },
    lng: 'zh-CN',
    fallbackLng: 'zh-CN',
    interpolation: { escapeValue: false },
    initAsync: false,
  });
  const zh = i18n.getFixedT('zh-CN') as unknown as Translate;
  const en = i18n.getFixedT('en') as unknown as Translate;
  const phone: ImportProblem = {
    row: 3,
    column: 'phone',
    code: 'PHONE_MOBILE_INVALID',
    message: 'is not a mainland mobile number (11 digits starting 13–19)',
  };

  it('says each problem by its code, with its parameters', () => {
    expect(problemText(phone, zh)).toBe('不是有效的手机号码（11 位，以 13–19 开头）');
    expect(problemText(phone, en)).toBe('is not a mainland mobile number (11 digits starting 13–19)');
    const long = { row: 4, column: 'name', code: 'TOO_LONG', params: { max: 200 }, message: 'Too big' };
    expect(problemText(long, zh)).toBe('过长：最多 200 个字符');
    expect(problemText(long, en)).toBe('is too long: at most 200 characters');
    const dup = {
      row: 9,
      column: 'id_number',
      code: 'DUPLICATE_IN_FILE',
      params: { otherRow: 5 },
      message: 'x',
    };
    expect(problemText(dup, zh)).toBe('与第 5 行重复');
  });

  it('names the allowed values the way the console does', () => {
    const tier = {
      row: 2,
      column: 'tier',
      code: 'INVALID_OPTION',
      params: { allowed: ['group', 'province'] },
      message: 'must be one of group, province',
    };
    expect(problemText(tier, zh)).toBe('取值无效，可选：group（集团级）、province（省级）');
    expect(problemText(tier, en)).toBe('is not a valid option; one of: group (Group), province (Provincial)');
    const site = {
      row: 3,
      column: 'location_class',
      code: 'INVALID_OPTION',
      params: { allowed: ['urban', 'county', 'rural'] },
      message: 'must be one of urban, county, rural (or 城市 / 县城 / 农村)',
    };
    expect(problemText(site, zh)).toBe('取值无效，可选：urban（城市）、county（县城）、rural（农村）');
    expect(columnText('location_class', zh)).toBe('区域类型（location_class）');
    expect(problemText({ ...tier, column: 'colour', params: { allowed: ['a', 'b'] } }, zh)).toBe(
      '取值无效，可选：a、b',
    );
  });

  it("falls back to the server's text for a code it does not know, or none", () => {
    expect(problemText({ ...phone, code: 'SOMETHING_NEW' }, zh)).toBe(phone.message);
    expect(problemText({ row: 2, column: 'name', message: 'old server text' }, zh)).toBe('old server text');
    expect(problemText({ row: 2, column: 'x', code: 'INVALID', message: 'odd input' }, zh)).toBe(
      '取值无效（odd input）',
    );
  });

  it('shows a column by its Chinese header in zh-CN, and a header it does not know as written', () => {
    expect(columnText('phone', zh)).toBe('联系电话（phone）');
    expect(columnText('id_number', zh)).toBe('证件号码（id_number）');
    expect(columnText('phone', en)).toBe('phone');
    expect(columnText('颜色', zh)).toBe('颜色');
    expect(columnText('#3', zh)).toBe('#3');
  });

  it('puts the translated problems into the downloaded file of bad rows', () => {
    const csv = problemRowsCsv(
      translateProblems([phone], zh),
      'name,phone\n张三,13800001111\n李四,1380000\n',
      labels,
    );
    expect(csv).toContain('李四,1380000,联系电话（phone）: 不是有效的手机号码（11 位，以 13–19 开头）');
    expect(csv).not.toContain('mainland');
  });
});
