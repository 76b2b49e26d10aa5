// 服务协议 on an enterprise customer's 360 page against a real `onepoint serve --demo`: the account
// manager adds a contract and sees it listed (in force, what it commits once the SLA matrix names
// it), the API's refusals shown on their fields (an overlapping period 422, a taken number 409),
// ending one (PATCH with the version read); who may only read sees the list without the actions.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { englishOutsideData } from './english.ts';
import {
  apiAs,
  launchBrowser,
  newContext,
  screenshot,
  signIn as signInAt,
  startServer,
  watchPage,
  type Server,
} from './harness.ts';

let server: Server;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[];
let customerId = '';

const FIRST = 'NJ-SLA-E2E-0001';
const SECOND = 'NJ-SLA-E2E-0002';
/** Contract days are China dates. */
const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
const year = Number(today.slice(0, 4));

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  context = await newContext(browser, server.browserUrl);
  page = await context.newPage();
  problems = watchPage(page).problems;
  // An enterprise of 南京, in the account manager's scope, without contracts.
  const asAdmin = await apiAs(server.url, 'admin');
  const units = await asAdmin<{ items: Array<{ id: string; code: string }> }>('GET', '/api/v1/org-units');
  const created = await asAdmin<{ id: string }>('POST', '/api/v1/customers', {
    kind: 'enterprise',
    tier: 'localA',
    name: '金陵协议测试有限公司',
    orgUnitId: units.data.items.find((u) => u.code === 'CT.JS.NJ')!.id,
  });
  expect(created.status, JSON.stringify(created.data)).toBe(201);
  customerId = created.data.id;
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
});

// The machine may be busy (2 shared cores): wait for UI states longer than expect.poll's 1 s default.
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000 });
const dialog = (testId: string) => page.getByTestId(testId).getByRole('dialog');
const fieldError = (id: string) =>
  page.locator('.ant-form-item', { has: page.locator(`#${id}`) }).locator('.ant-form-item-explain');
const card = () => page.getByTestId('customer-contracts');
const row = (contractNo: string) => card().locator(`tr[data-row-key="${contractNo}"]`);

/** Types a date into an antd DatePicker (its input carries the form item's id) and confirms it. */
async function typeDate(id: string, date: string) {
  const input = page.locator(`#${id}`);
  await input.click();
  await input.fill(date);
  await input.press('Enter');
  await poll(() => input.inputValue()).toBe(date);
}

async function open360(login: string) {
  await signInAt(page, server.url, login);
  await page.goto(`/customers/${customerId}`);
  await page.getByTestId('customer-profile').waitFor();
}

describe("an enterprise's service agreements", () => {
  it('the account manager adds one and sees it listed; overlaps and taken numbers are said on their fields', async () => {
    await open360('accountmgr');
    await card().waitFor();
    await poll(() => card().innerText()).toContain('尚未登记服务协议');

    await card().getByTestId('contract-add').click();
    const modal = dialog('contract-modal');
    await modal.waitFor();
    await modal.locator('#contract_contractNo').fill(FIRST);
    await modal.locator('#contract_name').fill('数据专线服务水平协议');
    await typeDate('contract_validFrom', `${year}-01-01`);
    await typeDate('contract_validTo', `${year + 1}-12-31`);
    const [post] = await Promise.all([
      page.waitForRequest(
        (r) => r.method() === 'POST' && r.url().endsWith(`/customers/${customerId}/contracts`),
      ),
      modal.locator('.ant-btn-primary').click(),
    ]);
    expect(post.postDataJSON()).toEqual({
      contractNo: FIRST,
      name: '数据专线服务水平协议',
      validFrom: `${year}-01-01`,
      validTo: `${year + 1}-12-31`,
    });
    await modal.waitFor({ state: 'hidden' });
    await row(FIRST).waitFor();
    expect(await row(FIRST).getByTestId('contract-status').innerText()).toBe('生效中');
    expect(await row(FIRST).getByTestId('contract-period').innerText()).toBe(
      `${year}-01-01 至 ${year + 1}-12-31`,
    );
    // The account manager reads the SLA matrix: no row names the contract yet.
    await poll(() => row(FIRST).innerText()).toContain('服务时限策略中尚无该协议的条目');

    // A second one sharing days with the first: the server's 422 on the first day, naming the other.
    await card().getByTestId('contract-add').click();
    await modal.waitFor();
    await modal.locator('#contract_contractNo').fill(SECOND);
    await modal.locator('#contract_name').fill('续签协议');
    await typeDate('contract_validFrom', `${year + 1}-06-01`);
    await modal.locator('.ant-btn-primary').click();
    await poll(() => fieldError('contract_validFrom').innerText()).toContain('有效期重叠');
    expect(await fieldError('contract_validFrom').innerText()).toContain(FIRST);
    // A number already taken: the 409 on the number field.
    await typeDate('contract_validFrom', `${year + 2}-01-01`);
    await modal.locator('#contract_contractNo').fill(FIRST);
    await modal.locator('.ant-btn-primary').click();
    await poll(() => fieldError('contract_contractNo').innerText()).toContain('已有此编号的服务协议');
    await screenshot(page, 'customer-contract-taken');
    await modal.locator('#contract_contractNo').fill(SECOND);
    await modal.locator('.ant-btn-primary').click();
    await modal.waitFor({ state: 'hidden' });
    await row(SECOND).waitFor();
    expect(await row(SECOND).getByTestId('contract-status').innerText()).toBe('未生效');
    expect(await row(SECOND).getByTestId('contract-period').innerText()).toBe(
      `${year + 2}-01-01 至 长期有效`,
    );
    expect(problems).toEqual([]);
  });

  it('shows what a contract commits once the SLA matrix names it, and ends one with the version read', async () => {
    const asSysadmin = await apiAs(server.url, 'sysadmin');
    const rowed = await asSysadmin('POST', '/api/v1/sla/policies', {
      code: `contract.${FIRST}`,
      name: '金陵协议专线',
      source: `contract ${FIRST}`,
      match: { contractId: FIRST, kind: 'fault' },
      targets: {
        restoration: { duration: '5h', calendar: '24x7' },
        response: { duration: '20m', calendar: '24x7' },
      },
    });
    expect(rowed.status, JSON.stringify(rowed.data)).toBe(201);
    await page.reload();
    await row(FIRST).waitFor();
    const commitments = row(FIRST).getByTestId('contract-commitments');
    await poll(() => commitments.innerText()).toContain('修复/恢复 5 小时');
    expect(await commitments.innerText()).toContain('响应 20 分钟');
    expect(await englishOutsideData(card())).toEqual([]);
    await screenshot(page, 'customer-contracts');

    // 终止: the last day is today (China), sent with the version the list showed.
    await row(FIRST).getByTestId(`contract-end-${FIRST}`).click();
    const modal = dialog('contract-end-modal');
    await modal.waitFor();
    expect(await modal.locator('#contract-end_validTo').inputValue()).toBe(today);
    const [patch] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'PATCH' && r.url().endsWith(`/contracts/${FIRST}`)),
      modal.locator('.ant-btn-primary').click(),
    ]);
    expect(patch.postDataJSON()).toEqual({ validTo: today, version: 1 });
    await modal.waitFor({ state: 'hidden' });
    await poll(() => row(FIRST).getByTestId('contract-period').innerText()).toBe(`${year}-01-01 至 ${today}`);
    // The last day is included: in force until tonight.
    expect(await row(FIRST).getByTestId('contract-status').innerText()).toBe('生效中');
    const asManager = await apiAs(server.url, 'accountmgr');
    const listed = await asManager<Array<{ contractNo: string; validTo: string | null; version: number }>>(
      'GET',
      `/api/v1/customers/${customerId}/contracts`,
    );
    expect(listed.data.find((c) => c.contractNo === FIRST)).toMatchObject({ validTo: today, version: 2 });
    // The change is in the customer's history.
    await poll(() => page.getByTestId('customer-history').innerText()).toContain('修改服务协议');
    expect(problems).toEqual([]);
  });

  it('who may not change customers sees the contracts without the add, change and end actions', async () => {
    // 班长 (supervisor): customer.read, not customer.manage.
    await open360('supervisor');
    await row(FIRST).waitFor();
    await row(SECOND).waitFor();
    expect(await card().getByTestId('contract-add').count()).toBe(0);
    expect(
      await card().locator('[data-testid^="contract-end-"], [data-testid^="contract-edit-"]').count(),
    ).toBe(0);
    expect(await card().innerText()).not.toContain('终止');

    // An agent may change customers but not read the SLA matrix: the actions, not the commitments.
    await open360('agent');
    await row(FIRST).waitFor();
    expect(await card().getByTestId('contract-add').count()).toBe(1);
    expect(await card().locator('th', { hasText: '承诺时限' }).count()).toBe(0);

    // A consumer has no contracts: no card.
    const asAgent = await apiAs(server.url, 'agent');
    const consumers = await asAgent<{ items: Array<{ id: string }> }>(
      'GET',
      '/api/v1/customers?kind=individual&limit=1',
    );
    await page.goto(`/customers/${consumers.data.items[0]!.id}`);
    await page.getByTestId('customer-profile').waitFor();
    await page.getByTestId('customer-instances').waitFor();
    expect(await page.getByTestId('customer-contracts').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
