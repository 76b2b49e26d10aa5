import { afterAll, describe, expect, it } from 'vitest';
import { readXlsx, stopXlsxWorker, writeXlsx } from './xlsx.ts';

afterAll(stopXlsxWorker);

describe('spreadsheets on the worker thread', () => {
  it('writes a worksheet and reads it back as text cells', async () => {
    const rows = [
      ['customerNo', 'name', 'phone'],
      ['C10001', '南京物流有限公司', '138****5678'],
      ['C10002', "'=1+1", ''],
    ];
    const file = await writeXlsx('customers', rows);
    expect(file.subarray(0, 2).toString()).toBe('PK'); // a zip
    // Several jobs at once are answered each with its own result.
    const [a, b] = await Promise.all([readXlsx(file), readXlsx(file)]);
    // An empty cell at the end of a row is no cell.
    expect(a).toEqual({ rows: [rows[0], rows[1], ['C10002', "'=1+1"]] });
    expect(b).toEqual(a);
  });

  it('says why a file cannot be read, and keeps working after it', async () => {
    expect(await readXlsx(Buffer.from('not a spreadsheet'))).toEqual({ problem: 'unreadable' });
    expect(await readXlsx(await writeXlsx('x', [['ok']]))).toEqual({ rows: [['ok']] });
  });

  it('starts a new worker after the last one was stopped', async () => {
    await stopXlsxWorker();
    expect(await readXlsx(await writeXlsx('x', [['again']]))).toEqual({ rows: [['again']] });
  });
});
