// The security administrator's console (安全管理) against a real `onepoint serve --demo`: the
// workspace and who sees it, the alerts list, registering an incident, linking the customers
// affected by customer number (shown masked), a state move refused then done, and the notice
// preview that says sending is not built.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { englishOnPage } from './english.ts';
import {
  apiAs,
  menuWorkspaces,
  pick,
  poll,
  screenshot,
  signIn as signInAt,
  type Stage,
  startStage,
} from './harness.ts';

let stage: Stage;
let page: Page;
let problems: string[];
const SECADMIN = 'e2e.secadmin';
const SECADMIN_PASSWORD = 'Secur1ty-Admin-Pass';
let customerNos: string[] = [];
const GRANTED = 'e2e.granted';
let grantedId = '';

beforeAll(async () => {
  stage = await startStage();
  const asAdmin = await apiAs(stage.server.url, 'admin');
  const org = await asAdmin<{ items: Array<{ id: string; code: string }> }>('GET', '/api/v1/org-units');
  const national = org.data.items.find((u) => u.code === 'CT')!;
  const created = await asAdmin('POST', '/api/v1/users', {
    login: SECADMIN,
    displayName: '安全管理员甲',
    orgUnitId: national.id,
    roles: ['security_admin'],
    password: SECADMIN_PASSWORD,
  });
  expect(created.status).toBe(201);
  // Someone for the security administrator to authorise (an agent who also takes billing work).
  const granted = await asAdmin<{ id: string }>('POST', '/api/v1/users', {
    login: GRANTED,
    displayName: '授权对象乙',
    orgUnitId: national.id,
    roles: ['agent'],
    password: 'Granted-User-Pass-1',
  });
  expect(granted.status).toBe(201);
  grantedId = granted.data.id;
  const customers = await asAdmin<{
    items: Array<{ customerNo: string; kind: string; phone: string | null }>;
  }>('GET', '/api/v1/customers?limit=20&kind=individual');
  customerNos = customers.data.items
    .filter((c) => c.phone)
    .slice(0, 2)
    .map((c) => c.customerNo);
  expect(customerNos).toHaveLength(2);
  ({ page, problems } = await stage.open());
});

afterAll(async () => {
  await stage?.stop();
});

const dialog = (testId: string) => page.getByTestId(testId).getByRole('dialog');

describe('security administration in the console', () => {
  it('opens 安全管理 (and the role administration) for the security administrator, with the alerts', async () => {
    await signInAt(page, stage.server.url, SECADMIN, SECADMIN_PASSWORD);
    // 三员分立: the security administrator also assigns roles (administration), and works here.
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await poll(() => menuWorkspaces(page)).toEqual(['admin', 'security']);
    // The console's own address (page's base URL): the session cookie is for that host, not stage.server.url.
    await page.goto('/security/alerts');
    await page.getByTestId('alert-table').waitFor();
    // Nothing has raised an alert in a fresh demo: the table says so.
    await poll(() => page.getByTestId('alert-table').innerText()).toContain('没有符合条件的告警');
    expect(problems).toEqual([]);
  });

  it('registers an incident, links customers by number (masked), refuses an incomplete assessment, then assesses', async () => {
    await page.getByTestId('security-tab-incidents').click();
    await page.waitForURL('**/security/incidents');
    await page.getByTestId('incident-new').click();
    const form = dialog('incident-form-modal');
    await form.waitFor();
    await form.locator('#incident_title').fill('营业厅工单导出文件外泄');
    await form.locator('#incident_description').fill('外包人员将工单导出文件上传至外部网盘。');
    await form.locator('.ant-btn-primary').click();
    await form.waitFor({ state: 'hidden' });
    const drawer = page.getByTestId('incident-drawer');
    await poll(() => drawer.getByTestId('incident-state').innerText()).toBe('已登记');

    await drawer.getByTestId('incident-customer-nos').fill(customerNos.join('\n'));
    await drawer.getByTestId('incident-customers-add').click();
    const customers = drawer.getByTestId('incident-customers');
    await poll(() => customers.locator('tbody tr.ant-table-row').count()).toBe(2);
    const text = await customers.innerText();
    for (const no of customerNos) expect(text).toContain(no);
    expect(text).toMatch(/1\d{2}\*{4}\d{4}/);

    // Assessing without the assessment: the server names what is missing.
    await drawer.getByTestId('incident-move-assessed').click();
    const move = dialog('incident-move-modal');
    await move.waitFor();
    await move.locator('.ant-btn-primary').click();
    await poll(() => page.locator('.ant-notification-notice').first().innerText()).toContain('severity');
    await move.locator('.ant-btn:not(.ant-btn-primary)').first().click();
    await move.waitFor({ state: 'hidden' });

    await drawer.getByTestId('incident-edit').click();
    const edit = dialog('incident-form-modal');
    await edit.waitFor();
    await pick(page, edit.getByTestId('incident-severity'), '较大');
    await pick(page, edit.getByTestId('incident-data-kinds'), '电话号码');
    await edit.locator('#incident_harm').fill('可能被用于电信网络诈骗。');
    await edit.locator('#incident_decidedBy').fill('省公司信息安全负责人');
    await edit.locator('.ant-btn-primary').click();
    await edit.waitFor({ state: 'hidden' });
    await drawer.getByTestId('incident-move-assessed').click();
    await dialog('incident-move-modal').locator('.ant-btn-primary').click();
    await poll(() => drawer.getByTestId('incident-state').innerText()).toBe('已评估');
    await screenshot(page, 'security-incident');
  }, 180_000);

  it('previews the notice: the texts, the people to notify, and that sending is not built', async () => {
    const drawer = page.getByTestId('incident-drawer');
    await drawer.getByTestId('incident-notice').click();
    const notice = dialog('notice-modal');
    await notice.waitFor();
    await poll(() => notice.getByTestId('notice-not-built').innerText()).toContain('发送功能尚未提供');
    const individual = await notice.getByTestId('notice-individual-text').innerText();
    expect(individual).toContain('【个人信息安全事件告知】');
    expect(individual).toContain('电话号码');
    expect(individual).toContain('【待填写：事件原因】');
    await poll(() => notice.getByTestId('notice-recipients').locator('tbody tr.ant-table-row').count()).toBe(
      2,
    );
    expect(await notice.getByTestId('notice-regulator-text').innerText()).toContain('较大');
    await screenshot(page, 'security-notice');
    expect(problems).toEqual([]);
  }, 120_000);

  it('lets the security administrator assign roles on the users screen, and nothing else there', async () => {
    await signInAt(page, stage.server.url, SECADMIN, SECADMIN_PASSWORD);
    // Administration opens on the users screen (the first one this role may see).
    await page.goto('/admin');
    await page.waitForURL('**/admin/users');
    const table = page.getByTestId('user-table');
    await page.getByTestId('user-search').locator('input').fill(GRANTED);
    await page.getByTestId('user-search').locator('input').press('Enter');
    await poll(() => table.locator('tbody tr.ant-table-row').count()).toBe(1);
    // 三员分立: no new user, no edit, no password reset for the security administrator.
    expect(await page.getByTestId('user-new').count()).toBe(0);
    expect(await page.locator('[data-testid^="user-edit-"]').count()).toBe(0);
    expect(await table.innerText()).not.toContain('重置密码');
    await page.getByTestId(`user-grant-${GRANTED}`).click();
    const modal = dialog('user-roles-modal');
    await modal.waitFor();
    await pick(page, modal.getByTestId('user-roles-assign'), '计费专员');
    // A multiple select keeps its list open: close it before saving.
    await modal.locator('.ant-modal-title').click();
    await modal.locator('.ant-btn-primary').click();
    await modal.waitFor({ state: 'hidden' });
    await poll(() => table.innerText()).toContain('计费专员');
    const asAdmin = await apiAs(stage.server.url, 'admin');
    const user = await asAdmin<{ roles: string[] }>('GET', `/api/v1/users/${grantedId}`);
    expect(user.data.roles.sort()).toEqual(['agent', 'billing_specialist']);
    expect(await englishOnPage(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('gives the audit administrator the audit log: read-only, filtered, in Chinese', async () => {
    await signInAt(page, stage.server.url, 'auditor');
    await page.waitForURL('**/audit');
    expect(await menuWorkspaces(page)).toEqual(['audit']);
    const table = page.getByTestId('audit-table');
    await table.locator('tbody tr.ant-table-row').first().waitFor();
    expect(await englishOnPage(page)).toEqual([]);
    // Filtered by entity: only the entries about the user whose roles were just assigned.
    const entity = page.getByTestId('audit-filter-entityId').locator('input');
    await entity.fill(grantedId);
    await entity.press('Enter');
    await poll(async () => {
      const rows = await table.locator('tbody tr.ant-table-row').allInnerTexts();
      return rows.length > 0 && rows.every((r) => r.includes(grantedId));
    }).toBe(true);
    expect(await table.innerText()).toContain(SECADMIN);
    // Nothing to change here: no buttons but the filters, reload and load more.
    expect(await table.locator('button:not(.ant-btn-link)').count()).toBe(0);
    await screenshot(page, 'audit-log');
    expect(problems).toEqual([]);
  });

  it('shows a 403 page to an agent who opens /security', async () => {
    await signInAt(page, stage.server.url, 'agent');
    await page.goto('/security/incidents');
    await page.getByTestId('forbidden').waitFor();
    expect(await menuWorkspaces(page)).not.toContain('security');
  });
});
