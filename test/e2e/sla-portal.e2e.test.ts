// Commitments for customers in the browser, against a real `onepoint serve --demo`: the portal shows
// a request's promised times (服务承诺) in the customer's words, on the request and in 我的请求;
// the account manager opens an enterprise customer's SLA report on its 360 page and downloads it.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { englishOutsideData } from './english.ts';
import { apiAs, poll, screenshot, signIn, type Stage, startStage } from './harness.ts';

let stage: Stage;

beforeAll(async () => {
  stage = await startStage();
});

afterAll(async () => {
  await stage?.stop();
});

const open = (opts: { mobile?: boolean } = {}) =>
  stage.open(opts.mobile ? { width: 390, height: 844, mobile: true } : {});

describe('promised times in the portal', () => {
  it('shows the repair commitment of my fault report, on the request and in my list', async () => {
    // Set-up through the API: a fault on my broadband service, taken and paused at my request.
    const asCustomer = await apiAs(stage.server.url, 'customer');
    const services = await asCustomer<{ items: Array<{ id: string; productCode: string }> }>(
      'GET',
      '/api/v1/portal/services',
    );
    const broadband = services.data.items.find((s) => s.productCode.startsWith('broadband.'))!;
    const created = await asCustomer<{ id: string }>('POST', '/api/v1/portal/service-requests', {
      productInstanceId: broadband.id,
      title: '宽带晚上断网',
      description: '每晚九点后断网，白天正常',
    });
    expect(created.status, JSON.stringify(created.data)).toBe(201);
    const id = created.data.id;

    const { page, problems } = await open({ mobile: true });
    await signIn(page, stage.server.url, 'customer');
    await page.goto(`/portal/requests/${id}`);
    const card = page.getByTestId('portal-commitments');
    await card.waitFor();
    const repair = card.locator('[data-testid="portal-commitment"][data-target="restoration"]');
    // A consumer's fault: repaired within 48 hours, round the clock; not due yet.
    await poll(() => repair.innerText()).toContain('承诺修复时间');
    expect(await repair.innerText()).toContain('48 小时内（全天候）');
    expect(await repair.getByTestId('portal-commitment-status').innerText()).toBe('进行中');
    expect(await repair.getByTestId('portal-commitment-by').innerText()).toMatch(/^不晚于 \d{4}年/);
    // Customer words only: no policy rows or calendar codes.
    const text = await card.innerText();
    for (const internal of ['reg.', '24x7', 'cn-']) expect(text).not.toContain(internal);
    expect(await englishOutsideData(card)).toEqual([]);
    await screenshot(page, 'portal-commitments');

    // 我的请求: the repair time beside the request.
    await page.goto('/portal/requests');
    const item = page.locator(`[data-testid="portal-request-item"][data-id="${id}"]`);
    await item.waitFor();
    const summary = item.getByTestId('portal-request-commitment');
    await poll(() => summary.innerText()).toContain('承诺修复时间 不晚于');
    expect(await summary.getByTestId('portal-commitment-status').innerText()).toBe('进行中');
    expect(problems).toEqual([]);
  });
});

describe("an enterprise customer's SLA report", () => {
  it('the account manager opens it on the 360 page and downloads it', async () => {
    // An enterprise of the account manager's scope, with a fault reported and resolved today.
    const asManager = await apiAs(stage.server.url, 'accountmgr');
    const list = await asManager<{ items: Array<{ id: string; name: string }> }>(
      'GET',
      '/api/v1/customers?kind=enterprise&limit=50',
    );
    let customer: { id: string; instanceId: string } | undefined;
    for (const c of list.data.items) {
      const view = await asManager<{ instances: Array<{ id: string; status: string }> }>(
        'GET',
        `/api/v1/customers/${c.id}/360`,
      );
      const live = view.data.instances.find((i) => i.status === 'active');
      if (live) {
        customer = { id: c.id, instanceId: live.id };
        break;
      }
    }
    expect(customer).toBeDefined();
    const fault = await asManager<{ id: string; version: number }>('POST', '/api/v1/service-requests', {
      kind: 'fault',
      title: '专线中断',
      description: '客户经理代报：总部专线中断',
      channel: 'account_manager',
      productInstanceId: customer!.instanceId,
    });
    expect(fault.status, JSON.stringify(fault.data)).toBe(201);
    const asAdmin = await apiAs(stage.server.url, 'admin');
    const me = await asAdmin<{ id: string }>('GET', '/api/v1/auth/me');
    for (const body of [
      { action: 'dispatch', assigneeId: me.data.id },
      { action: 'take' },
      { action: 'start' },
      { action: 'resolve', result: '更换光模块后恢复' },
    ]) {
      const res = await asAdmin('POST', `/api/v1/service-requests/${fault.data.id}/transitions`, body);
      expect(res.status, `${body.action}: ${JSON.stringify(res.data)}`).toBe(200);
    }

    const { page, problems } = await open();
    await signIn(page, stage.server.url, 'accountmgr');
    await page.goto(`/customers/${customer!.id}`);
    const report = page.getByTestId('customer-sla-report');
    await report.waitFor();
    await poll(async () =>
      Number(
        await report.getByTestId('sla-report-requests').locator('.ant-statistic-content-value').innerText(),
      ),
    ).toBeGreaterThanOrEqual(1);
    const targets = report.getByTestId('sla-report-targets');
    await poll(() => targets.getByTestId('sla-report-target').allInnerTexts()).toContain('修复/恢复');
    // The fault resolved at once met its repair commitment: the row says how many were on time.
    const restoration = targets.locator('.ant-table-row', { hasText: '修复/恢复' });
    expect(Number(await restoration.locator('td').nth(2).innerText())).toBeGreaterThanOrEqual(1);
    expect(await report.getByTestId('sla-report-contracts').innerText()).toContain('未适用合同承诺');
    expect(await englishOutsideData(report)).toEqual([]);
    await screenshot(page, 'customer-sla-report');

    // The download: the link carries the period and the console's language.
    await report.getByTestId('sla-report-download').hover();
    const link = page.getByTestId('sla-report-download-xlsx');
    await link.waitFor();
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/\/export\?from=\d{4}-\d{2}-01&to=\d{4}-\d{2}-\d{2}&format=xlsx&lang=zh-CN$/);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^sla-report-C\d+-\d{4}-\d{2}-01-\d{4}-\d{2}-\d{2}\.xlsx$/);
    // A workbook (a zip file) with the report's sheets.
    expect(
      fs
        .readFileSync((await download.path())!)
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    expect(problems).toEqual([]);
  });
});
