// SLA reports in the console against a real `onepoint serve --demo`: the supervisor's 即将超时 list
// (a 集团级 fault due in 15 minutes, linked to its request page) and 服务时限报表 (table with the
// met % and its base, by day, the export links, the breaches), and the monitoring centre's SLA
// panel with its open faults by state — in Chinese, nothing English outside data.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { englishOnPage } from './english.ts';
import { apiAs, poll, screenshot, signIn as signInAt, type Stage, startStage } from './harness.ts';

let stage: Stage;
let page: Page;
let problems: string[];
let request: { id: string; number: string };

beforeAll(async () => {
  stage = await startStage();
  ({ page, problems } = await stage.open());
  // A 集团级 customer's line in 南京, and a fault the monitoring centre enters for it: its
  // response (响应) is due in 15 minutes (tier.group.fault).
  const asAdmin = await apiAs(stage.server.url, 'admin');
  const units = await asAdmin<{ items: Array<{ id: string; code: string }> }>('GET', '/api/v1/org-units');
  const customer = await asAdmin<{ id: string }>('POST', '/api/v1/customers', {
    kind: 'enterprise',
    tier: 'group',
    name: '金陵时限测试集团有限公司',
    orgUnitId: units.data.items.find((u) => u.code === 'CT.JS.NJ')!.id,
  });
  expect(customer.status, JSON.stringify(customer.data)).toBe(201);
  const instance = await asAdmin<{ id: string }>('POST', `/api/v1/customers/${customer.data.id}/instances`, {
    productCode: 'broadband.ftth',
    accountNo: 'AD025E2ESLA001',
  });
  expect(instance.status, JSON.stringify(instance.data)).toBe(201);
  const asMonitor = await apiAs(stage.server.url, 'monitor');
  const created = await asMonitor<{ id: string; number: string }>('POST', '/api/v1/service-requests', {
    kind: 'fault',
    title: '集团专线中断告警',
    description: '网管告警：客户接入中断',
    channel: 'monitoring',
    productInstanceId: instance.data.id,
  });
  expect(created.status, JSON.stringify(created.data)).toBe(201);
  request = created.data;
});

afterAll(async () => {
  await stage?.stop();
});

const signIn = (login: string) => signInAt(page, stage.server.url, login);
/** The request number as the console shows it (grouped for reading aloud). */
const shown = (n: string) => n.replace(/^([A-Z]+)(\d{8})(\d+)$/, '$1 $2 $3');

describe('SLA reports in the console', () => {
  it('shows the supervisor the time limits about to run out, least time left first, linked to the request', async () => {
    await signIn('supervisor');
    await page.waitForURL('**/supervisor');
    await page.getByTestId('supervisor-tab-atRisk').click();
    await page.waitForURL('**/supervisor/at-risk');
    const table = page.getByTestId('at-risk-table');
    const row = table.locator('tbody tr.ant-table-row', { hasText: shown(request.number) }).first();
    await row.waitFor({ timeout: 15_000 });
    expect(await row.innerText()).toContain('响应');
    expect(await row.getByTestId('at-risk-left').innerText()).toMatch(/^剩余 \d+分钟/);
    // Least time left first: every overdue row comes before the ones still running.
    const tags = await table
      .locator('[data-testid="at-risk-overdue"], [data-testid="at-risk-left"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    const overdueFirst = (x: string | null) => (x === 'at-risk-overdue' ? 0 : 1);
    expect(tags).toEqual([...tags].sort((a, b) => overdueFirst(a) - overdueFirst(b)));
    // Half an hour ahead still holds it; the count line gives the total.
    await page.getByTestId('at-risk-horizon').getByText('30 分钟内').click();
    await poll(() => row.isVisible()).toBe(true);
    await poll(() => page.getByTestId('at-risk-count').innerText()).toMatch(/^共 \d+ 条/);
    expect(await englishOnPage(page)).toEqual([]);
    await screenshot(page, 'sla-at-risk');
    await row.getByTestId('request-link').click();
    await page.waitForURL(`**/requests/${request.id}`);
    expect(problems).toEqual([]);
  });

  it('shows the supervisor the met % with its base by unit and by day, the export and the breaches', async () => {
    await page.goto('/supervisor/sla-reports');
    const table = page.getByTestId('sla-met-table');
    await table.locator('tbody tr.ant-table-row').first().waitFor({ timeout: 15_000 });
    // The total: a percentage with its base, or the plain "no outcome".
    await poll(() => page.getByTestId('sla-met-total').innerText()).toMatch(
      /^(\d+(\.\d)?% \(\d+\/\d+\)|无结果)$/,
    );
    expect(await table.innerText()).toContain('合计');
    // Either the chart or one plain line that there is nothing to chart: never an empty chart.
    const charts = await page.getByTestId('sla-met-chart').count();
    const plain = await page.getByText('所选范围内没有已有结果的时限').count();
    expect(charts + plain).toBe(1);

    await page.getByTestId('sla-group-by').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '按日' }).click();
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
    await poll(() => table.innerText()).toContain(today);
    await page.getByTestId('sla-export').hover();
    const href = await page.getByTestId('sla-export-xlsx').getAttribute('href');
    expect(href).toContain('/api/v1/sla/reports/met/export?');
    expect(href).toContain('groupBy=day');
    expect(href).toContain('format=xlsx');
    // The file speaks the console's language (its headers and labels).
    expect(href).toContain('lang=zh-CN');
    const exported = await page.evaluate(async (url) => {
      const res = await fetch(url!, { credentials: 'same-origin' });
      return { status: res.status, type: res.headers.get('content-type') };
    }, href);
    expect(exported).toEqual({ status: 200, type: expect.stringContaining('spreadsheetml') });

    const breaches = page.getByTestId('sla-breaches-table');
    await breaches.waitFor();
    await poll(async () => (await breaches.locator('tbody tr').count()) > 0).toBe(true);
    expect(await englishOnPage(page)).toEqual([]);
    await screenshot(page, 'sla-reports');
    expect(problems).toEqual([]);
  });

  it('shows the monitoring centre its open faults by SLA state, from the real clocks', async () => {
    await signIn('monitor');
    await page.waitForURL('**/monitoring');
    const panel = page.getByTestId('monitoring-sla');
    await panel.waitFor();
    const count = async (state: string) =>
      Number(
        (await panel.getByTestId(`monitoring-sla-${state}`).getByTestId('tile-count').innerText()).trim(),
      );
    // The fault it entered is on track (its response is due in 15 minutes).
    await poll(() => count('onTrack')).toBeGreaterThanOrEqual(1);
    for (const s of ['warned', 'breached', 'paused', 'breaches'])
      expect(Number.isInteger(await count(s)), s).toBe(true);
    expect(await panel.innerText()).toContain('客户原因挂起');
    const charts = await panel.getByTestId('monitoring-sla-chart').count();
    const plain = await panel.getByText('无法计算达标率').count();
    expect(charts + plain).toBe(1);
    expect(await englishOnPage(page)).toEqual([]);
    await screenshot(page, 'monitoring-sla');
    expect(problems).toEqual([]);
  });
});
