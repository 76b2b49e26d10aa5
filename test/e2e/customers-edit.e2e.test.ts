// Creating and changing customers in the console against a real `onepoint serve --demo`: the new
// customer form with the server's field errors, profile edits (only changed fields, optimistic
// locking), contacts, service instances on network resources, and who sees the edit actions.
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, poll, screenshot, signIn as signInAt, type Stage, startStage } from './harness.ts';

let stage: Stage;
let asAdmin: Awaited<ReturnType<typeof apiAs>>;

const NAME = '慕容秋实';
const PHONE = '13811112222';
const ID_WRONG = '110105194912310021'; // the check digit should be X
const ID_RIGHT = '11010519491231002X';
const OLT = 'NJ-GL-OLT-EDIT';
let page: Page;
let problems: string[];
let customerId = '';

beforeAll(async () => {
  stage = await startStage();
  asAdmin = await apiAs(stage.server.url, 'admin');
  ({ page, problems } = await stage.open());
});

afterAll(async () => {
  await stage?.stop();
});

/** An antd modal by its test id: the dialog inside it (the root element has no size of its own). */
const dialog = (testId: string) => page.getByTestId(testId).getByRole('dialog');
/**
 * Picks `text` in an antd select and checks it took: a click on an option while the list is still
 * sliding in can be lost, leaving the list open over the form.
 */
async function choose(select: Locator, text: string, option = '.ant-select-item-option') {
  await expect
    .poll(
      async () => {
        if (!(await page.locator('.ant-select-dropdown:visible').count())) await select.click();
        await page
          .locator(`.ant-select-dropdown:visible ${option}`, { hasText: text })
          .first()
          .click({ timeout: 3000 })
          .catch(() => undefined);
        return select.innerText();
      },
      { timeout: 15_000 },
    )
    .toContain(text);
}
const fieldError = (id: string) =>
  page.locator('.ant-form-item', { has: page.locator(`#${id}`) }).locator('.ant-form-item-explain');

describe('creating and editing customers', () => {
  it('creates an individual: a wrong ID check digit is shown on the field, fixed it lands on the 360 page', async () => {
    await signInAt(page, stage.server.url, 'admin');
    await page.goto('/customers');
    await page.getByTestId('customer-new').click();
    const modal = dialog('customer-new-modal');
    await modal.waitFor();
    await modal.locator('#customer_name').fill(NAME);
    await modal.locator('#customer_idNumber').fill(ID_WRONG);
    await modal.locator('#customer_phone').fill(PHONE);
    await modal.locator('#customer_email').fill('murong@example.com');
    await choose(modal.getByTestId('customer-value-level'), '金卡');
    // The home unit is where the customer belongs: it starts empty (not the agent's own unit) and
    // must be picked.
    const unit = modal.getByTestId('customer-org-select');
    expect(await unit.innerText()).toContain('选择客户所在地的单位');
    await modal.locator('.ant-btn-primary').click();
    await poll(() => fieldError('customer_orgUnitId').innerText()).toContain('请选择客户的归属单位');
    expect(page.url()).toMatch(/\/customers$/);
    await choose(unit, '(CT.JS)', '.ant-select-tree-node-content-wrapper');
    // The hint says what the check digit should be; the server refuses and names the field.
    await poll(() => fieldError('customer_idNumber').innerText()).toContain('应为 X');
    await modal.locator('.ant-btn-primary').click();
    await poll(() => fieldError('customer_idNumber').innerText()).toContain('check digit');
    expect(page.url()).toMatch(/\/customers$/);
    await screenshot(page, 'customer-new-id-error');

    await modal.locator('#customer_idNumber').fill(ID_RIGHT);
    await modal.locator('.ant-btn-primary').click();
    await page.waitForURL(/\/customers\/[0-9a-f-]{36}$/);
    customerId = page.url().split('/').pop()!;
    await page.getByTestId('customer-profile').waitFor();
    expect(await page.getByTestId('customer-phone').innerText()).toBe('138****2222');
    expect(await page.getByTestId('customer-profile').innerText()).not.toContain(ID_RIGHT);
    expect(problems).toEqual([]);
  });

  it('edits the value level (only that field is sent) and shows it after a reload', async () => {
    await page.getByTestId('customer-edit').click();
    const modal = dialog('customer-edit-modal');
    await modal.waitFor();
    // Personal information is never pre-filled with its mask.
    expect(await modal.locator('#customer-edit_phone').inputValue()).toBe('');
    expect(await modal.locator('#customer-edit_phone').getAttribute('placeholder')).toBe('138****2222');
    await choose(modal.getByTestId('customer-value-level'), '钻石');
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'PATCH' && r.url().endsWith(`/customers/${customerId}`)),
      modal.locator('.ant-btn-primary').click(),
    ]);
    expect(request.postDataJSON()).toEqual({ valueLevel: 'diamond', version: 1 });
    await modal.waitFor({ state: 'hidden' });
    await page.reload();
    await poll(() => page.getByTestId('customer-profile').innerText()).toContain('钻石');
    // The phone kept its stored value (no mask was sent back).
    expect(await page.getByTestId('customer-phone').innerText()).toBe('138****2222');
  });

  it('says the customer was changed by someone else when the edit is stale', async () => {
    await page.getByTestId('customer-edit').click();
    const modal = dialog('customer-edit-modal');
    await modal.waitFor();
    const current = await asAdmin<{ version: number }>('GET', `/api/v1/customers/${customerId}`);
    const other = await asAdmin('PATCH', `/api/v1/customers/${customerId}`, {
      notes: '另一位坐席的修改',
      version: current.data.version,
    });
    expect(other.status).toBe(200);
    await modal.locator('#customer-edit_industry').fill('教育');
    await modal.locator('.ant-btn-primary').click();
    await poll(() => modal.getByTestId('edit-conflict').innerText()).toContain('已被他人修改');
    await screenshot(page, 'customer-edit-conflict');
    // Reloading shows the other change; the stale one was not written.
    await modal.getByTestId('edit-conflict-reload').click();
    await modal.waitFor({ state: 'hidden' });
    await poll(() => page.getByTestId('customer-profile').innerText()).toContain('另一位坐席的修改');
    expect(await page.getByTestId('customer-profile').innerText()).not.toContain('教育');
  });

  it('adds a contact, renames it (masked mobile not sent back) and removes it', async () => {
    const contacts = page.getByTestId('customer-contacts');
    await page.getByTestId('contact-add').click();
    const modal = dialog('contact-modal');
    await modal.waitFor();
    await modal.locator('#contact_name').fill('慕容小雪');
    await modal.locator('#contact_mobile').fill('13922223333');
    await modal.locator('#contact_quietStart').fill('22:00');
    // Quiet hours with one end only are refused, not dropped.
    await modal.locator('.ant-btn-primary').click();
    await poll(() => modal.innerText()).toContain('免打扰时段需同时填写开始和结束');
    await modal.locator('#contact_quietEnd').fill('08:00');
    await modal.locator('.ant-btn-primary').click();
    await modal.waitFor({ state: 'hidden' });
    await poll(() => contacts.innerText()).toContain('139****3333');
    expect(await contacts.innerText()).toContain('22:00–08:00');
    expect(await contacts.innerText()).not.toContain('13922223333');

    await contacts
      .locator('.ant-table-row', { hasText: '慕容小雪' })
      .locator('[data-testid^="contact-edit-"]')
      .click();
    await modal.waitFor();
    expect(await modal.locator('#contact_mobile').inputValue()).toBe('');
    await modal.locator('#contact_name').fill('慕容小雪儿');
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'PATCH' && r.url().includes('/contacts/')),
      modal.locator('.ant-btn-primary').click(),
    ]);
    expect(request.postDataJSON()).toEqual({ name: '慕容小雪儿', version: 1 });
    await poll(() => contacts.innerText()).toContain('慕容小雪儿');
    expect(await contacts.innerText()).toContain('139****3333');

    await contacts
      .locator('.ant-table-row', { hasText: '慕容小雪儿' })
      .locator('[data-testid^="contact-remove-"]')
      .click();
    await page.getByTestId('contact-remove-confirm').click();
    await poll(() => contacts.innerText()).not.toContain('慕容小雪');
  });

  it('adds an FTTH instance on an OLT port that a network search finds, then suspends it', async () => {
    await page.getByTestId('instance-add').click();
    const modal = dialog('instance-modal');
    await modal.waitFor();
    await choose(modal.getByTestId('instance-product'), '光纤宽带（FTTH）');
    await modal.locator('#instance_accountNo').fill('ADEDIT01');
    await modal.locator('#instance_serviceAddress').fill('江苏省南京市鼓楼区中山北路 8 号');
    await modal.locator('#instance_deviceId').fill(OLT);
    await modal.locator('#instance_devicePort').fill('0/2/5');
    // Where the site is: the repair time limit depends on it (48 h in town, 72 h in the countryside).
    await choose(modal.getByTestId('instance-location-class'), '城市');
    await modal.locator('.ant-btn-primary').click();
    await modal.waitFor({ state: 'hidden' });
    const instances = page.getByTestId('customer-instances');
    await poll(() => instances.innerText()).toContain(OLT);
    expect(await instances.innerText()).toContain('0/2/5');
    expect(await instances.innerText()).toContain('区域类型');

    const found = await asAdmin<{
      items: Array<{ id: string; customer: { id: string }; locationClass: string | null }>;
    }>('GET', `/api/v1/product-instances?deviceId=${OLT}`);
    expect(found.data.items.map((i) => i.customer.id)).toEqual([customerId]);
    expect(found.data.items[0]!.locationClass).toBe('urban');
    const instanceId = found.data.items[0]!.id;
    await page.getByTestId(`instance-suspended-${instanceId}`).click();
    await page.getByTestId('instance-status-confirm').click();
    await page.getByTestId(`instance-active-${instanceId}`).waitFor();
    expect(await page.getByTestId(`instance-${instanceId}`).innerText()).toContain('暂停');
    await screenshot(page, 'customer-360-edited');

    // 拆机 asks why: refused without a reason, then kept in the history with it.
    await page.getByTestId(`instance-terminated-${instanceId}`).click();
    const terminate = dialog('instance-terminate-modal');
    await terminate.waitFor();
    await terminate.locator('.ant-btn-primary').click();
    await poll(() => fieldError('terminate_reason').innerText()).toContain('请填写');
    await terminate.locator('#terminate_reason').fill('客户搬迁，线路拆除');
    await terminate.locator('.ant-btn-primary').click();
    await terminate.waitFor({ state: 'hidden' });
    await poll(() => page.getByTestId(`instance-${instanceId}`).innerText()).toContain('已拆机');
    await poll(() => page.getByTestId('customer-history').innerText()).toContain('客户搬迁，线路拆除');
    expect(problems).toEqual([]);
  });

  it('creates an enterprise with its tier, account manager and a branch', async () => {
    await page.goto('/customers');
    await page.getByTestId('customer-new').click();
    const modal = dialog('customer-new-modal');
    await modal.waitFor();
    await modal.getByTestId('customer-kind').getByText('政企客户').click();
    await modal.locator('#customer_name').fill('金陵数据科技有限公司');
    await modal.locator('#customer_creditCode').fill('91320100MA1ED1T015');
    await choose(modal.getByTestId('customer-tier'), '省级');
    await choose(modal.getByTestId('account-manager-select'), '(accountmgr)');
    await choose(
      modal.getByTestId('customer-org-select'),
      '(CT.JS)',
      '.ant-select-tree-node-content-wrapper',
    );
    await modal.getByRole('button', { name: '添加分支机构' }).click();
    await modal.locator('#customer_branches_0_name').fill('金陵数据鼓楼分部');
    await choose(
      modal.locator('.ant-select', { has: page.locator('#customer_branches_0_orgUnitId') }),
      '(CT.JS)',
      '.ant-select-tree-node-content-wrapper',
    );
    await modal.locator('.ant-btn-primary').click();
    await page
      .waitForURL((u) => /\/customers\/[0-9a-f-]{36}$/.test(u.pathname) && !u.pathname.endsWith(customerId), {
        timeout: 15_000,
      })
      .catch(async (err: unknown) => {
        await screenshot(page, 'customer-new-enterprise-failed');
        throw new Error(`not created: ${await page.locator('body').innerText()}`, { cause: err });
      });
    const profile = page.getByTestId('customer-profile');
    await poll(() => profile.innerText()).toContain('金陵数据鼓楼分部');
    const managers = await asAdmin<{ items: Array<{ displayName: string }> }>(
      'GET',
      '/api/v1/users?q=accountmgr',
    );
    const managerName = managers.data.items[0]!.displayName;
    for (const text of ['政企客户', '省级', '91320100MA1ED1T015', managerName])
      expect(await profile.innerText()).toContain(text);
    expect(problems).toEqual([]);
  });

  it('shows no new or edit actions to a role that may only read customers', async () => {
    // Into the supervisor's data scope (it was created in the admin's own unit).
    const units = await asAdmin<{ items: Array<{ id: string; code: string }> }>('GET', '/api/v1/org-units');
    const current = await asAdmin<{ version: number }>('GET', `/api/v1/customers/${customerId}`);
    const moved = await asAdmin('PATCH', `/api/v1/customers/${customerId}`, {
      orgUnitId: units.data.items.find((u) => u.code === 'CT.JS.NJ')!.id,
      version: current.data.version,
    });
    expect(moved.status).toBe(200);
    await signInAt(page, stage.server.url, 'supervisor');
    await page.goto('/customers');
    await page.getByTestId('customer-table').locator('.ant-table-row').first().waitFor();
    expect(await page.getByTestId('customer-new').count()).toBe(0);
    await page.goto(`/customers/${customerId}`);
    await page.getByTestId('customer-instances').waitFor();
    for (const id of ['customer-edit', 'contact-add', 'instance-add'])
      expect(await page.getByTestId(id).count()).toBe(0);
    expect(
      await page.locator('[data-testid^="instance-suspended-"], [data-testid^="instance-active-"]').count(),
    ).toBe(0);
    expect(problems).toEqual([]);
  });
});
