import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerCustomerCommands } from '../../src/modules/customers/customers.cli.ts';
import { planDemoCustomers, resolveAreas } from '../../src/modules/customers/customers.demo.ts';
import {
  customersToCsv,
  importCustomers,
  type ImportProgress,
} from '../../src/modules/customers/customers.import.ts';
import { systemActor } from '../../src/modules/audit/index.ts';
import { vaultFor } from '../../src/modules/customers/index.ts';
import { creditCodeCheckChar, residentIdCheckChar } from '../../src/modules/customers/domain/pii.ts';
import type { Platform } from '../../src/server.ts';
import { createTestServer, type TestServer } from '../harness.ts';

// `npm test` runs the 100 000-row import on PostgreSQL (ONEPOINT_TEST_IMPORT_ROWS=100000).
const ROWS = Number(process.env.ONEPOINT_TEST_IMPORT_ROWS ?? 2000);

let s: TestServer;
let unitCode: (id: string) => string;
beforeAll(async () => {
  s = await createTestServer();
  const units = await s.ctx.db.selectFrom('org_units').select(['id', 'code']).execute();
  const codes = new Map(units.map((u) => [u.id, u.code]));
  unitCode = (id) => codes.get(id)!;
});
afterAll(async () => {
  await s?.close();
});

const countCustomers = async () =>
  Number(
    (
      await s.ctx.db
        .selectFrom('customers')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** A file of `consumers` generated customers (+ enterprises), numbered from `start`. */
async function generatedCsv(consumers: number, start: number, enterprisesPerTier = 0) {
  const areas = await resolveAreas(s.ctx.db);
  const inputs = planDemoCustomers(areas, { consumers, enterprisesPerTier, seed: start, startIndex: start });
  return customersToCsv(
    inputs.map((c, i) => ({ ...c, customerNo: `T${start + i}` })),
    unitCode,
  );
}

const HEADER =
  'customer_no,kind,name,tier,org_unit,phone,id_number,email,contact_name,contact_mobile,product,account_no,device_id,device_port';

describe(`customer import (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it(
    `imports ${ROWS.toLocaleString('en')} generated customers with progress, then finds them`,
    async () => {
      const csv = await generatedCsv(ROWS, 200_000, ROWS >= 10_000 ? 20 : 2);
      const before = await countCustomers();
      const events: ImportProgress[] = [];
      const report = await importCustomers(Buffer.from(csv), {
        db: s.ctx.db,
        vault: vaultFor(s.ctx.config),
        actor: systemActor('test'),
        onProgress: (p) => events.push(p),
      });
      expect(report.errors).toEqual([]);
      expect(report.ok).toBe(true);
      const expected = ROWS + (ROWS >= 10_000 ? 100 : 10);
      expect(report.customers).toBe(expected);
      expect(await countCustomers()).toBe(before + expected);
      const writes = events.filter((e) => e.phase === 'write');
      expect(writes.length).toBeGreaterThan(1);
      expect(writes.at(-1)).toEqual({ phase: 'write', done: expected, total: expected });
      for (let i = 1; i < writes.length; i++)
        expect(writes[i]!.done).toBeGreaterThanOrEqual(writes[i - 1]!.done);
      // Imported rows are searchable like any other (phone index, encrypted ID numbers).
      const sample = csv.split('\n')[1]!.split(',');
      const res = await s.app.inject({
        url: `/api/v1/customers/search?q=${sample[6]}`,
        headers: await s.as('admin'),
      });
      expect(res.json().items.length).toBe(1);
      console.log(
        `import of ${expected} customers on ${s.engine}: ${report.ms} ms (${Math.round((expected / report.ms) * 1000)} customers/s)`,
      );
    },
    ROWS > 5000 ? 900_000 : 60_000,
  );

  it('rejects a file with errors with a row/column report and imports nothing', async () => {
    const good = (await generatedCsv(300, 400_000)).trimEnd().split('\n');
    const header = good[0]!.split(',');
    const col = (name: string) => header.indexOf(name);
    const edit = (line: string, name: string, value: string) => {
      const cells = line.split(',');
      cells[col(name)] = value;
      return cells.join(',');
    };
    const rows = good.slice(1);
    // Rows that start a customer (kind is set) and carry an instance.
    const firsts = rows.flatMap((r, i) => {
      const cells = r.split(',');
      return cells[col('kind')] && cells[col('product')] ? [i] : [];
    });
    const [a, b, c, d, dupSource] = [firsts[0]!, firsts[10]!, firsts[20]!, firsts[30]!, firsts[5]!];
    const lastFirst = firsts.at(-1)!;
    // Problems at the start, the middle and the last customer of the file.
    rows[a] = edit(rows[a]!, 'id_number', '320102199003071281');
    rows[b] = edit(rows[b]!, 'phone', '1381234');
    rows[c] = edit(rows[c]!, 'org_unit', 'CT.NOWHERE');
    rows[d] = edit(rows[d]!, 'product', 'no.such.product');
    rows[lastFirst] = edit(rows[lastFirst]!, 'id_number', rows[dupSource]!.split(',')[col('id_number')]!);
    const before = await countCustomers();
    const report = await importCustomers(Buffer.from([good[0], ...rows].join('\n')), {
      db: s.ctx.db,
      vault: vaultFor(s.ctx.config),
      actor: systemActor('test'),
    });
    expect(report.ok).toBe(false);
    const find = (column: string) => report.errors.find((e) => e.column === column);
    // Rows are numbered as a spreadsheet shows them: the header is row 1.
    expect(find('id_number')).toMatchObject({
      row: a + 2,
      code: 'ID_NUMBER_CHECK_DIGIT',
      message: expect.stringMatching(/check digit/),
    });
    expect(find('phone')).toMatchObject({ row: b + 2, message: expect.stringMatching(/mobile/) });
    expect(find('org_unit')).toMatchObject({ row: c + 2, message: 'no such org unit code' });
    expect(find('product')).toMatchObject({ row: d + 2, message: 'unknown or inactive product code' });
    expect(report.errors.find((e) => e.row === lastFirst + 2)).toMatchObject({
      column: 'id_number',
      message: `the same ID number is on row ${dupSource + 2}`,
    });
    expect(report.errors, JSON.stringify(report.errors)).toHaveLength(5);
    expect(JSON.stringify(report)).not.toMatch(/1381234|320102199003071281/);
    expect(await countCustomers()).toBe(before);
  });

  it('rolls back everything when the write fails half-way', async () => {
    const csv = await generatedCsv(1500, 500_000);
    const before = await countCustomers();
    const run = importCustomers(Buffer.from(csv), {
      db: s.ctx.db,
      vault: vaultFor(s.ctx.config),
      actor: systemActor('test'),
      chunk: 500,
      onProgress: (p) => {
        // The process dies (or the database refuses a row) after 1 000 customers were written.
        if (p.phase === 'write' && p.done >= 1000) throw new Error('simulated failure');
      },
    });
    await expect(run).rejects.toThrow('simulated failure');
    expect(await countCustomers()).toBe(before);
  });

  it('reads XLSX files with Chinese headers', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('客户');
    ws.addRow([
      '客户编号',
      '客户类型',
      '客户名称',
      '客户等级',
      '归属单位',
      '联系电话',
      '联系人',
      '联系人手机',
      '产品编码',
      '业务号码',
      '电路编号',
    ]);
    ws.addRow([
      'X1',
      '政企',
      '南京测试物流有限公司',
      '本地A',
      'CT.JS.NJ',
      '025-86661234',
      '孙丽',
      '13700001234',
      'data.mpls_vpn',
      'ZQX1',
      'NJ-MPLS-X1',
    ]);
    ws.addRow(['X1', '', '', '', '', '', '', '', 'app.logistics_et', 'WLETX1', '']);
    ws.addRow(['X2', '公众', '钱伟', '', 'CT.JS.NJ', '13700004321', '', '', 'broadband.ftth', 'ADX2', '']);
    const buf = Buffer.from(await wb.xlsx.writeBuffer());
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/v1/customers/imports?fileName=test.xlsx',
      headers: {
        ...(await s.as('admin')),
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      },
      payload: buf,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, customers: 2, instances: 3, contacts: 1 });
    const found = await s.app.inject({
      url: '/api/v1/customers/search?q=NJ-MPLS-X1',
      headers: await s.as('agent'),
    });
    expect(found.json().items[0]).toMatchObject({ name: '南京测试物流有限公司', tier: 'localA' });
  });

  it('reads a CSV saved by Excel in China (GBK, Chinese headers) with its Chinese intact', async () => {
    // GB18030 bytes of: 客户类型,客户名称,归属单位,联系电话 / 公众,欧阳明华,CT.JS.NJ,13812349876
    const text = '客户类型,客户名称,归属单位,联系电话\r\n公众,欧阳明华,CT.JS.NJ,13812349876\r\n';
    const gbk = Buffer.from(gb18030Hex(text), 'hex');
    expect(gbk.equals(Buffer.from(text))).toBe(false);
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/v1/customers/imports',
      headers: { ...(await s.as('admin')), 'content-type': 'text/csv; charset=gbk' },
      payload: gbk,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, customers: 1 });
    const found = await s.app.inject({
      url: '/api/v1/customers/search?q=欧阳明华',
      headers: await s.as('agent'),
    });
    expect(found.json().items.map((c: { name: string }) => c.name)).toEqual(['欧阳明华']);
  });

  it('reads a file larger than one parsing slice: quoted lines with Chinese across 64 KB; a broken quote is refused', async () => {
    // The CSV is parsed ~64 KB at a time with event-loop turns between: a quoted value over two
    // lines and Chinese text must come out whole wherever the slices fall.
    const address = '江苏省南京市玄武区\n中山路 1 号 "东楼"';
    const quoted = `"${address.replace(/"/g, '""')}"`;
    const lines = ['customer_no,kind,name,org_unit,phone,address'];
    for (let i = 0; lines.join('\n').length < 200_000; i++)
      lines.push(
        `S${700_000 + i},individual,测试用户${i},CT.JS.NJ,1381234${String(i).padStart(4, '0')},${quoted}`,
      );
    const rows = lines.length - 1;
    const report = await importCustomers(Buffer.from(`${lines.join('\n')}\n`), {
      db: s.ctx.db,
      vault: vaultFor(s.ctx.config),
      actor: systemActor('test'),
      dryRun: true,
    });
    expect(report, JSON.stringify(report.errors.slice(0, 3))).toMatchObject({ ok: true, customers: rows });

    const broken = `${lines.slice(0, 3000).join('\n')}\nS1,individual,"未闭合,CT.JS.NJ,13800000000,x\n`;
    await expect(
      importCustomers(Buffer.from(broken), {
        db: s.ctx.db,
        vault: vaultFor(s.ctx.config),
        actor: systemActor('test'),
        dryRun: true,
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/cannot be read/) });
  });

  it('answers the API with 422 and the report, streams progress on request, and checks permissions', async () => {
    const bad = `${HEADER}\nA1,individual,张三,,CT.JS.NJ,13812340000,320102199003071281,,,,,,,\n`;
    const headers = { ...(await s.as('admin')), 'content-type': 'text/csv' };
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/v1/customers/imports',
      headers,
      payload: bad,
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: 'UNPROCESSABLE',
      details: { ok: false, errors: [{ row: 2, column: 'id_number' }] },
    });

    const good = await generatedCsv(50, 600_000);
    const streamed = await s.app.inject({
      method: 'POST',
      url: '/api/v1/customers/imports',
      headers: { ...headers, accept: 'application/x-ndjson' },
      payload: good,
    });
    expect(streamed.statusCode).toBe(200);
    const lines = streamed.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; ok?: boolean });
    expect(lines.filter((l) => l.type === 'progress').length).toBeGreaterThan(2);
    expect(lines.at(-1)).toMatchObject({ type: 'result', ok: true, customers: 50 });

    const dry = await s.app.inject({
      method: 'POST',
      url: '/api/v1/customers/imports?dryRun=true',
      headers,
      payload: await generatedCsv(5, 700_000),
    });
    expect(dry.json()).toMatchObject({ ok: true, dryRun: true, customers: 5 });
    expect(
      (
        await s.app.inject({ url: '/api/v1/customers?customerNo=T700000', headers: await s.as('admin') })
      ).json().items,
    ).toEqual([]);

    const agent = await s.app.inject({
      method: 'POST',
      url: '/api/v1/customers/imports',
      headers: { ...(await s.as('agent')), 'content-type': 'text/csv' },
      payload: good,
    });
    expect(agent.statusCode).toBe(403);
    const anon = await s.app.inject({
      method: 'POST',
      url: '/api/v1/customers/imports',
      headers: { 'content-type': 'text/csv' },
      payload: good,
    });
    expect(anon.statusCode).toBe(401);
  });

  it('gives every problem a code and parameters (never the value), in the 422 body and the stream', async () => {
    const admin = { ...(await s.as('admin')), 'content-type': 'text/csv' };
    const id = (birth: string, seq: string) => {
      const first17 = `320102${birth}${seq}`;
      return first17 + residentIdCheckChar(first17);
    };
    const cc = (body: string) => body + creditCodeCheckChar(body);
    const goodId = id('19700102', '771');
    const badCheck = `${goodId.slice(0, 17)}${goodId[17] === '0' ? '1' : '0'}`;
    const header =
      'customer_no,kind,name,tier,org_unit,account_manager,phone,id_number,credit_code,email,value_level,' +
      'product,account_no,route_length_km,switch_occupancy,bandwidth_mbps,bogus';
    const row = (v: Record<string, string>, cols = header) =>
      cols
        .split(',')
        .map((c) => v[c] ?? '')
        .join(',');
    const base = { kind: 'individual', org_unit: 'CT.JS.NJ' };
    const file = [
      header,
      row({ ...base, customer_no: 'C2', name: '甲', phone: '1381234' }),
      row({ ...base, customer_no: 'C3', name: '乙', kind: 'person' }),
      row({ ...base, customer_no: 'C4', name: '丙', org_unit: 'CT.NOWHERE' }),
      row({ ...base, customer_no: 'C5', name: '丁', account_manager: 'nobody' }),
      row({ ...base, customer_no: 'C6' }),
      row({ ...base, customer_no: 'C7', name: '戊', id_number: badCheck }),
      row({ ...base, customer_no: 'C8', name: '某公司', kind: 'enterprise', tier: 'mega' }),
      row({
        ...base,
        customer_no: 'C9',
        name: '某集团',
        kind: 'enterprise',
        tier: 'group',
        credit_code: '91320102MA1XXXXXIO',
      }),
      row({ ...base, customer_no: 'C10', name: '己', email: 'not-an-email', value_level: 'vip' }),
      row({ ...base, customer_no: 'C11', name: '长'.repeat(201) }),
      row({ ...base, customer_no: 'C12', name: '庚', product: 'no.such.product', account_no: 'CODEACC12' }),
      row({
        ...base,
        customer_no: 'C13',
        name: '辛',
        product: 'broadband.ftth',
        account_no: 'CODEACC13',
        route_length_km: 'far',
        switch_occupancy: '55.555',
        bandwidth_mbps: '-5',
      }),
      row({ ...base, customer_no: 'C14', name: '壬', id_number: goodId }),
      row({ ...base, customer_no: 'C15', name: '癸', id_number: goodId }),
      row({ ...base, customer_no: 'C14', name: '壬二' }),
      row({ ...base, customer_no: 'C17', name: '子\u0007丑' }),
    ].join('\n');
    const res = await s.app.inject({
      method: 'POST',
      url: '/api/v1/customers/imports',
      headers: admin,
      payload: file,
    });
    expect(res.statusCode).toBe(422);
    const errors = (res.json() as { details: { errors: Array<Record<string, unknown>> } }).details.errors;
    const at = (row: number, column: string | null) =>
      errors.find((e) => e.row === row && e.column === column) ?? { missing: { row, column }, errors };
    expect(at(1, 'bogus')).toMatchObject({ code: 'UNKNOWN_COLUMN' });
    expect(at(2, 'phone')).toMatchObject({ code: 'PHONE_MOBILE_INVALID' });
    expect(at(3, 'kind')).toMatchObject({
      code: 'INVALID_OPTION',
      params: { allowed: ['individual', 'enterprise'] },
    });
    expect(at(4, 'org_unit')).toMatchObject({ code: 'ORG_UNIT_UNKNOWN' });
    expect(at(5, 'account_manager')).toMatchObject({ code: 'ACCOUNT_MANAGER_UNKNOWN' });
    expect(at(6, 'name')).toMatchObject({ code: 'REQUIRED' });
    expect(at(7, 'id_number')).toMatchObject({ code: 'ID_NUMBER_CHECK_DIGIT' });
    expect(at(8, 'tier')).toMatchObject({
      code: 'INVALID_OPTION',
      params: { allowed: expect.arrayContaining(['group']) },
    });
    expect(at(9, 'credit_code')).toMatchObject({ code: 'CREDIT_CODE_FORMAT' });
    expect(at(10, 'email')).toMatchObject({ code: 'EMAIL_INVALID' });
    expect(at(10, 'value_level')).toMatchObject({
      code: 'INVALID_OPTION',
      params: { allowed: expect.arrayContaining(['gold']) },
    });
    expect(at(11, 'name')).toMatchObject({ code: 'TOO_LONG', params: { max: 200 } });
    expect(at(12, 'product')).toMatchObject({ code: 'PRODUCT_UNKNOWN' });
    expect(at(13, 'route_length_km')).toMatchObject({ code: 'NOT_A_NUMBER' });
    expect(at(13, 'switch_occupancy')).toMatchObject({ code: 'TOO_MANY_DECIMALS', params: { max: 2 } });
    expect(at(13, 'bandwidth_mbps')).toMatchObject({ code: 'MUST_EXCEED', params: { min: 0 } });
    expect(at(15, 'id_number')).toMatchObject({ code: 'DUPLICATE_IN_FILE', params: { otherRow: 14 } });
    expect(at(16, 'name')).toMatchObject({ code: 'INCONSISTENT_REPEAT', params: { firstRow: 14 } });
    expect(at(17, 'name')).toMatchObject({ code: 'CONTROL_CHARACTERS' });
    // The English text stays for the command line and API clients; no value from the file comes back.
    expect(at(2, 'phone')).toMatchObject({ message: expect.stringMatching(/mobile/) });
    expect(JSON.stringify(errors)).not.toMatch(
      /1381234|person|CT\.NOWHERE|nobody|not-an-email|vip|mega|far|55\.555/,
    );
    expect(JSON.stringify(errors)).not.toContain(badCheck);

    // Already in the database (checked once the file itself is clean), read from the stream's last line.
    const taken = [
      header.replace(',bogus', ''),
      row({ ...base, customer_no: 'CODEOLD1', name: '旧一', id_number: id('19700103', '772') }),
      row({
        ...base,
        customer_no: 'CODEOLD2',
        name: '旧公司',
        kind: 'enterprise',
        tier: 'group',
        credit_code: cc('91320102MA1C0DE01'),
      }),
      row({
        ...base,
        customer_no: 'CODEOLD3',
        name: '旧三',
        product: 'broadband.ftth',
        account_no: 'CODEACCOLD',
      }),
    ].join('\n');
    const first = await s.app.inject({
      method: 'POST',
      url: '/api/v1/customers/imports',
      headers: admin,
      payload: taken,
    });
    expect(first.statusCode, first.body).toBe(200);
    const again = [
      header.replace(',bogus', ''),
      row({ ...base, customer_no: 'CODEOLD1', name: '旧一' }),
      row({ ...base, customer_no: 'CODENEW1', name: '新一', id_number: id('19700103', '772') }),
      row({
        ...base,
        customer_no: 'CODENEW2',
        name: '新公司',
        kind: 'enterprise',
        tier: 'group',
        credit_code: cc('91320102MA1C0DE01'),
      }),
      row({
        ...base,
        customer_no: 'CODENEW3',
        name: '新三',
        product: 'broadband.ftth',
        account_no: 'CODEACCOLD',
      }),
    ].join('\n');
    const streamed = await s.app.inject({
      method: 'POST',
      url: '/api/v1/customers/imports',
      headers: { ...admin, accept: 'application/x-ndjson' },
      payload: again,
    });
    const last = JSON.parse(streamed.body.trim().split('\n').at(-1)!) as {
      type: string;
      ok: boolean;
      errors: Array<{ row: number; column: string; code: string }>;
    };
    expect(last).toMatchObject({ type: 'result', ok: false });
    expect(last.errors.map((e) => [e.row, e.column, e.code])).toEqual([
      [2, 'customer_no', 'CUSTOMER_NO_EXISTS'],
      [3, 'id_number', 'ID_NUMBER_EXISTS'],
      [4, 'credit_code', 'CREDIT_CODE_EXISTS'],
      [5, 'account_no', 'ACCOUNT_NO_EXISTS'],
    ]);
  });

  it('offers a header template in English and Chinese that the import reads back', async () => {
    const admin = await s.as('admin');
    const zh = await s.app.inject({ url: '/api/v1/customers/imports/template?lang=zh-CN', headers: admin });
    expect(zh.statusCode).toBe(200);
    expect(zh.headers['content-type']).toMatch(/^text\/csv/);
    expect(zh.headers['content-disposition']).toContain('customers-import-template-zh-CN.csv');
    const zhHeader = zh.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split(',');
    expect(zhHeader.slice(0, 3)).toEqual(['客户编号', '客户类型', '客户名称']);
    const en = await s.app.inject({ url: '/api/v1/customers/imports/template', headers: admin });
    const enHeader = en.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split(',');
    expect(enHeader.slice(0, 3)).toEqual(['customer_no', 'kind', 'name']);
    expect(enHeader).toHaveLength(zhHeader.length);
    expect(enHeader.at(-1)).toBe('location_class');
    expect(zhHeader.at(-1)).toBe('区域类型');

    // The Chinese template, filled in, imports (streamed, as the console sends it).
    const values: Record<string, string> = {
      customer_no: 'TPL1',
      kind: '公众',
      name: '模板测试',
      org_unit: 'CT.JS.NJ',
      phone: '13800009876',
      product: 'broadband.ftth',
      account_no: 'ADTPL1',
      circuit_id: 'NJ-TPL-1',
      location_class: '农村',
    };
    const row = enHeader.map((col) => values[col] ?? '').join(',');
    const streamed = await s.app.inject({
      method: 'POST',
      url: '/api/v1/customers/imports?fileName=template.csv',
      headers: { ...admin, 'content-type': 'text/csv', accept: 'application/x-ndjson' },
      payload: `${zh.body}${row}\n`,
    });
    const last = JSON.parse(streamed.body.trim().split('\n').at(-1)!) as { type: string };
    expect(last).toMatchObject({ type: 'result', ok: true, customers: 1, instances: 1 });
    const found = await s.app.inject({
      url: '/api/v1/customers/search?q=NJ-TPL-1',
      headers: await s.as('agent'),
    });
    expect(found.json().items).toMatchObject([{ name: '模板测试', matchedBy: ['circuitId'] }]);
    const site = await s.ctx.db
      .selectFrom('product_instances')
      .select('location_class')
      .where('account_no', '=', 'ADTPL1')
      .executeTakeFirstOrThrow();
    expect(site.location_class).toBe('rural');

    // Only importers get it.
    const agent = await s.app.inject({
      url: '/api/v1/customers/imports/template',
      headers: await s.as('agent'),
    });
    expect(agent.statusCode).toBe(403);
  });

  it('reads the location class of an instance (codes or 城市/县城/农村), refuses others, and exports it', async () => {
    const admin = { ...(await s.as('admin')), 'content-type': 'text/csv' };
    // Chinese headers as an operator writes them; the location class under its other name.
    const header = '客户编号,客户类型,客户名称,归属单位,联系电话,产品编码,业务号码,城乡属性';
    const file = (rows: string[]) => [header, ...rows].join('\n');
    const bad = await s.app.inject({
      method: 'POST',
      url: '/api/v1/customers/imports',
      headers: admin,
      payload: file([
        'LC1,公众,赵一,CT.JS.NJ,13800001101,broadband.ftth,ADLC1,城市',
        'LC2,公众,钱二,CT.JS.NJ,13800001102,broadband.ftth,ADLC2,郊区',
        'LC3,公众,孙三,CT.JS.NJ,13800001103,broadband.ftth,ADLC3,town',
      ]),
    });
    expect(bad.statusCode, bad.body).toBe(422);
    const errors = (bad.json() as { details: { errors: Array<Record<string, unknown>> } }).details.errors;
    expect(errors).toEqual([
      expect.objectContaining({
        row: 3,
        column: 'location_class',
        code: 'INVALID_OPTION',
        params: { allowed: ['urban', 'county', 'rural'] },
      }),
      expect.objectContaining({ row: 4, column: 'location_class', code: 'INVALID_OPTION' }),
    ]);
    // Never the value.
    expect(JSON.stringify(errors)).not.toMatch(/郊区|town/);

    const good = await s.app.inject({
      method: 'POST',
      url: '/api/v1/customers/imports',
      headers: admin,
      payload: file([
        'LC1,公众,赵一,CT.JS.NJ,13800001101,broadband.ftth,ADLC1,城市',
        'LC2,公众,钱二,CT.JS.NJ,13800001102,broadband.ftth,ADLC2,县城',
        'LC3,公众,孙三,CT.JS.NJ,13800001103,broadband.ftth,ADLC3,农村',
        'LC3,,,,,broadband.lan,LANLC3,Urban',
        'LC4,公众,李四,CT.JS.NJ,13800001104,broadband.ftth,ADLC4,',
      ]),
    });
    expect(good.statusCode, good.body).toBe(200);
    expect(good.json()).toMatchObject({ ok: true, customers: 4, instances: 5 });
    const stored = await s.ctx.db
      .selectFrom('product_instances')
      .select(['account_no', 'location_class'])
      .where('account_no', 'in', ['ADLC1', 'ADLC2', 'ADLC3', 'LANLC3', 'ADLC4'])
      .orderBy('account_no')
      .execute();
    expect(Object.fromEntries(stored.map((r) => [r.account_no, r.location_class]))).toEqual({
      ADLC1: 'urban',
      ADLC2: 'county',
      ADLC3: 'rural',
      LANLC3: 'urban',
      ADLC4: null,
    });

    // The export says each customer's live services' classes (urban, county, rural order).
    const exported = async (customerNo: string) => {
      const res = await s.app.inject({
        url: `/api/v1/customers/export?format=csv&customerNo=${customerNo}`,
        headers: await s.as('admin'),
      });
      expect(res.statusCode, res.body).toBe(200);
      const [head, row] = res.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\r\n');
      const cols = head!.split(',');
      expect(cols).toContain('locationClass');
      return row!.split(',')[cols.indexOf('locationClass')];
    };
    expect(await exported('LC1')).toBe('urban 城市');
    expect(await exported('LC2')).toBe('county 县城');
    expect(await exported('LC3')).toBe('urban 城市;rural 农村');
    expect(await exported('LC4')).toBe('');
    const xlsx = await s.app.inject({
      url: '/api/v1/customers/export?format=xlsx&customerNo=LC3',
      headers: await s.as('admin'),
    });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const heads = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(sheet.getRow(2).getCell(heads.indexOf('locationClass') + 1).value).toBe('urban 城市;rural 农村');
  });

  it('is also a command: onepoint customers import FILE', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'op-import-'));
    const file = path.join(dir, 'customers.csv');
    fs.writeFileSync(file, await generatedCsv(40, 800_000));
    const out: string[] = [];
    const err: string[] = [];
    const platform = { context: s.ctx, close: async () => {} } as unknown as Platform;
    const program = new Command().exitOverride();
    registerCustomerCommands(program, {
      open: async () => platform,
      out: (t) => out.push(t),
      err: (t) => err.push(t),
    });
    await program.parseAsync(['node', 'onepoint', 'customers', 'import', file]);
    expect(out.join('')).toMatch(/^imported: 40 customers/);
    expect(err.join('')).toMatch(/write: 40\/40 \(100%\)/);
    fs.writeFileSync(file, `${HEADER}\nB1,individual,李四,,CT.JS.NJ,1381234,,,,,,,,\n`);
    out.length = 0;
    await program.parseAsync(['node', 'onepoint', 'customers', 'import', file]);
    expect(out.join('')).toMatch(
      /rejected: 1 problem.*\n {2}row 2, column phone: is not a mainland mobile number/,
    );
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

/** GB18030 encoding of a text, via the decoder (Node has no GB18030 encoder): each character's bytes found by search. */
function gb18030Hex(text: string): string {
  const decoder = new TextDecoder('gb18030', { fatal: true });
  const table = new Map<string, string>();
  for (let lead = 0x81; lead <= 0xfe; lead += 1)
    for (let trail = 0x40; trail <= 0xfe; trail += 1) {
      if (trail === 0x7f) continue;
      try {
        table.set(decoder.decode(Uint8Array.of(lead, trail)), lead.toString(16) + trail.toString(16));
      } catch {
        // not a two-byte character
      }
    }
  return [...text]
    .map((ch) => (ch.charCodeAt(0) < 0x80 ? Buffer.from(ch).toString('hex') : table.get(ch)!))
    .join('');
}
