// The console's customer screens against a real `onepoint serve --demo`: search, the 360 view with
// masked personal information, revealing one field with a reason (audited), import with its report.
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAs,
  menuWorkspaces,
  pickOption,
  poll,
  screenshot,
  signIn as signInAt,
  type Stage,
  startStage,
} from './harness.ts';

let stage: Stage;
let asAdmin: Awaited<ReturnType<typeof apiAs>>;

// A customer of our own, so the test does not depend on the generated demo names and numbers.
const NAME = '司马逸飞';
const PHONE = '13912345678';
const OLT = 'NJ-XW-OLT-E2E';
const CIRCUIT = 'NJ-E2E-CIRCUIT-1';
let customerId = '';

beforeAll(async () => {
  stage = await startStage();
  asAdmin = await apiAs(stage.server.url, 'admin');
  const units = await asAdmin<{ items: Array<{ id: string; code: string }> }>('GET', '/api/v1/org-units');
  const nj = units.data.items.find((u) => u.code === 'CT.JS.NJ')!;
  const created = await asAdmin<{ id: string }>('POST', '/api/v1/customers', {
    kind: 'individual',
    name: NAME,
    orgUnitId: nj.id,
    phone: PHONE,
    email: 'simayifei@example.com',
    address: '江苏省南京市玄武区中山路 1 号',
    idType: 'resident_id',
    idNumber: '320102198506171237',
    valueLevel: 'gold',
    contacts: [{ name: '司马小雨', role: 'primary', mobile: '13700002468', isPrimary: true }],
    instances: [
      {
        productCode: 'broadband.ftth',
        accountNo: 'ADE2E0001',
        accessType: 'ftth',
        exchange: '玄武局',
        deviceType: 'olt',
        deviceId: OLT,
        devicePort: '0/1/3',
        routeLengthKm: 1.8,
        stbId: 'STB-E2E-01',
        circuitId: CIRCUIT,
        bandwidthMbps: 500,
      },
    ],
  });
  expect(created.status, JSON.stringify(created.data)).toBe(201);
  customerId = created.data.id;
});

afterAll(async () => {
  await stage?.stop();
});

const open = () => stage.open();

const signIn = (page: Page, login: string) => signInAt(page, stage.server.url, login);

async function searchFor(page: Page, q: string) {
  const box = page.getByTestId('customer-search').locator('input');
  await box.fill(q);
  await box.press('Enter');
  await page.waitForURL((u) => u.searchParams.get('q') === q);
}

describe('customer screens', () => {
  it('lets an agent export the filtered list masked, find a customer by phone and by Chinese name, open the masked 360 view', async () => {
    const { page, problems } = await open();
    await signIn(page, 'agent');
    expect(await menuWorkspaces(page)).toEqual(['agent', 'requests', 'customers']);
    await page.getByTestId('nav-customers').click();
    await page.getByTestId('customer-table').locator('.ant-table-row').first().waitFor();
    // The list exports masked, filtered as shown.
    await page.getByTestId('filter-kind').click();
    await page.locator('.ant-select-item-option', { hasText: '公众客户' }).click();
    await page.getByTestId('customer-export').hover();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('customer-export-csv').click(),
    ]);
    const exported = fs.readFileSync((await download.path())!, 'utf8');
    expect(exported).toContain('139****5678');
    expect(exported).not.toContain(PHONE);
    expect(exported).toContain(',individual,');
    expect(exported).not.toContain(',enterprise,');

    await searchFor(page, PHONE);
    const results = page.getByTestId('customer-results');
    await poll(() => results.innerText()).toContain(NAME);
    expect(await results.getByTestId('matched-phone').count()).toBeGreaterThan(0);
    // The list shows the phone masked, as the API sends it.
    expect(await results.innerText()).toContain('139****5678');
    expect(await results.innerText()).not.toContain(PHONE);

    await searchFor(page, NAME);
    await poll(() => results.innerText()).toContain(NAME);
    await results.getByTestId('matched-name').first().waitFor();
    await screenshot(page, 'customers-search');

    await results.locator('.ant-table-row', { hasText: NAME }).click();
    await page.waitForURL(`**/customers/${customerId}`);
    await page.getByTestId('customer-profile').waitFor();
    expect(await page.getByTestId('customer-phone').innerText()).toMatch(/^139\*{4}5678$/);
    const profile = await page.getByTestId('customer-profile').innerText();
    expect(profile).not.toContain(PHONE);
    expect(profile).not.toContain('320102198506171237');
    const instances = await page.getByTestId('customer-instances').innerText();
    for (const text of [OLT, '0/1/3', CIRCUIT, 'STB-E2E-01', '1.8 公里', '500 Mbps', '玄武局'])
      expect(instances).toContain(text);
    expect(await page.getByTestId('customer-contacts').innerText()).toContain('137****2468');
    // The open requests the 360 view returns (none for this new customer), said as such.
    expect(await page.getByTestId('customer-open-requests').innerText()).toContain('没有未归档的工单');
    // Agents may not reveal: no reveal action anywhere on the page.
    expect(await page.locator('[data-testid$="-reveal"]').count()).toBe(0);
    await screenshot(page, 'customer-360-agent');
    expect(problems).toEqual([]);
  });

  it('lets a supervisor reveal a field only with a reason, for a limited time, and audits it', async () => {
    const { page, problems } = await open();
    await signIn(page, 'supervisor');
    await page.goto(`/customers/${customerId}`);
    // 查看明文 only where something is hidden: the broadband account number is shown in full.
    const instances = page.getByTestId('customer-instances');
    await poll(() => instances.innerText()).toContain('ADE2E0001');
    expect(
      await instances.locator('[data-testid^="instance-accountNo-"][data-testid$="-reveal"]').count(),
    ).toBe(0);
    await page.getByTestId('customer-phone-reveal').click();
    // The modal's root element has no size of its own: wait for the dialog in it.
    const modal = page.getByTestId('reveal-modal').getByRole('dialog');
    await modal.waitFor();
    // No reason: refused before anything is sent.
    await modal.locator('.ant-btn-primary').click();
    await poll(() => modal.innerText()).toContain('请填写查看原因');
    const audit = () =>
      asAdmin<{ items: Array<{ details: { field?: string; reason?: string } }> }>(
        'GET',
        `/api/v1/audit-log?entityType=customer&entityId=${customerId}&action=customer.pii_reveal`,
      );
    expect((await audit()).data.items).toEqual([]);

    await modal.locator('#reveal_reason').fill('客户来电核实身份');
    await modal.locator('.ant-btn-primary').click();
    await modal.waitFor({ state: 'hidden' });
    expect(await page.getByTestId('customer-phone-clear').innerText()).toBe(PHONE);
    expect(await page.getByTestId('customer-profile').innerText()).toMatch(/\d+ 秒后隐藏/);
    await screenshot(page, 'customer-360-revealed');
    const entries = (await audit()).data.items;
    expect(entries).toHaveLength(1);
    expect(entries[0]!.details).toMatchObject({ field: 'phone', reason: '客户来电核实身份' });
    // Hiding it again masks it at once (it would also hide by itself after 60 s).
    await page.getByRole('button', { name: /隐\s*藏/ }).click();
    expect(await page.getByTestId('customer-phone').innerText()).toMatch(/^139\*{4}5678$/);
    // The supervisor also sees who looked at the customer.
    await page.getByRole('tab', { name: '访问记录' }).click();
    // (Its own 360 view of a moment ago: the test does not depend on the others having run.) Who
    // looked is said by name, not by login.
    const asSupervisor = await apiAs(stage.server.url, 'supervisor');
    const me = await asSupervisor<{ displayName: string }>('GET', '/api/v1/auth/me');
    await poll(() => page.getByTestId('customer-access-log').innerText()).toMatch(
      new RegExp(`${me.data.displayName}\\s+查看 360 视图`),
    );
    expect(await page.getByTestId('customer-access-log').innerText()).not.toMatch(/supervisor/);
    expect(problems).toEqual([]);
  });

  it('says plainly when the server refuses a reveal (permission taken away while the page is open)', async () => {
    const role = await asAdmin<{ version: number }>('POST', '/api/v1/roles', {
      code: 'e2e_revealer',
      name: '明文查看',
      nameEn: 'Revealer',
      permissions: ['org.read', 'customer.read', 'pii.reveal'],
    });
    expect(role.status).toBeLessThan(300);
    const units = await asAdmin<{ items: Array<{ id: string; code: string }> }>('GET', '/api/v1/org-units');
    const user = await asAdmin('POST', '/api/v1/users', {
      login: 'e2e.revealer',
      displayName: '明文查看员',
      orgUnitId: units.data.items.find((u) => u.code === 'CT.JS')!.id,
      roles: ['e2e_revealer'],
      password: 'e2e-password-3',
    });
    expect(user.status).toBeLessThan(300);
    const { page, problems } = await open();
    await signInAt(page, stage.server.url, 'e2e.revealer', 'e2e-password-3');
    await page.waitForURL('**/customers');
    await page.goto(`/customers/${customerId}`);
    await page.getByTestId('customer-email-reveal').click();
    const modal = page.getByTestId('reveal-modal').getByRole('dialog');
    await modal.waitFor();
    const revoked = await asAdmin('PATCH', '/api/v1/roles/e2e_revealer', {
      permissions: ['org.read', 'customer.read'],
      version: role.data.version,
    });
    expect(revoked.status).toBeLessThan(300);
    await modal.locator('#reveal_reason').fill('核对电子邮箱');
    await modal.locator('.ant-btn-primary').click();
    await poll(() => modal.getByTestId('reveal-error').innerText()).toContain('您的角色无权查看明文');
    expect(await page.getByTestId('customer-email').innerText()).toBe('s***@example.com');
    await screenshot(page, 'customer-reveal-403');
    expect(problems).toEqual([]);
  });

  it('answers a role without customer.read with the 403 page and no menu entry', async () => {
    const { page } = await open();
    await signIn(page, 'technician');
    expect(await menuWorkspaces(page)).toEqual(['requests', 'field']);
    await page.goto('/customers');
    await page.getByTestId('forbidden').waitFor();
    await page.goto(`/customers/${customerId}`);
    await page.getByTestId('forbidden').waitFor();
    // Reading customers does not make an importer either.
    await signIn(page, 'agent');
    await page.goto('/customers/import');
    await page.getByTestId('forbidden').waitFor();
  });

  it('imports nothing from a file with a bad row, shows the report, then imports the fixed file', async () => {
    const { page, problems } = await open();
    await signIn(page, 'admin');
    await page.goto('/customers');
    await page.getByTestId('customers-import').click();
    await page.getByTestId('customer-import').waitFor();
    const header = 'customer_no,kind,name,org_unit,phone,product,account_no';
    const good1 = 'E2EIMP1,individual,上官明月,CT.JS.NJ,13600001357,broadband.ftth,ADIMP1';
    const good2 = 'E2EIMP2,individual,欧阳晓风,CT.JS.NJ,13600002468,broadband.ftth,ADIMP2';
    const bad2 = 'E2EIMP2,individual,欧阳晓风,CT.JS.NJ,1360000,broadband.ftth,ADIMP2';
    const upload = (name: string, text: string) =>
      page
        .locator('input[type=file]')
        .setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

    // Bytes that are neither UTF-8 nor GBK: the reason is said, not just "invalid input".
    await page.locator('input[type=file]').setInputFiles({
      name: 'utf16.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`\ufeff${header}\n`, 'utf16le'),
    });
    await page.getByTestId('import-start').click();
    await page.getByTestId('import-failed-detail').waitFor();
    expect(await page.getByTestId('import-failed-detail').innerText()).toContain('UTF-8');

    await upload('bad.csv', `${header}\n${good1}\n${bad2}\n`);
    await page.getByTestId('import-start').click();
    const rejected = page.getByTestId('import-rejected');
    await rejected.waitFor();
    expect(await rejected.innerText()).toContain('未导入任何数据');
    const report = await page.getByTestId('import-report').locator('.ant-table-row').allInnerTexts();
    expect(report).toHaveLength(1);
    // Said in Chinese by the problem's code, the column by its Chinese header.
    expect(report[0]).toMatch(/^3\s+联系电话（phone）\s+不是有效的手机号码/);
    await screenshot(page, 'customer-import-rejected');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('import-download-bad').click(),
    ]);
    const badRows = fs.readFileSync((await download.path())!, 'utf8');
    expect(badRows).toContain('1360000');
    expect(badRows).toContain('不是有效的手机号码');
    expect(badRows).not.toContain('13600001357');
    // Nothing half-imported: the valid first row is not there either.
    const none = await asAdmin<{ items: unknown[] }>('GET', '/api/v1/customers?customerNo=E2EIMP1');
    expect(none.data.items).toEqual([]);

    await upload('good.csv', `${header}\n${good1}\n${good2}\n`);
    await page.getByTestId('import-start').click();
    await page.getByTestId('import-done').waitFor();
    expect(await page.getByTestId('import-done').innerText()).toContain('2 个客户');
    await screenshot(page, 'customer-import-done');
    await page.goto('/customers');
    await searchFor(page, '欧阳晓风');
    await poll(() => page.getByTestId('customer-results').innerText()).toContain('E2EIMP2');
    expect(problems).toEqual([]);
  });

  it('speaks English when switched', async () => {
    const { page, problems } = await open();
    await signIn(page, 'supervisor');
    await page.getByTestId('language-select').click();
    await pickOption(page, 'English');
    await page.goto(`/customers?q=${PHONE}`);
    await poll(() => page.getByTestId('customers-page').locator('h3.ant-typography').innerText()).toBe(
      'Customers',
    );
    await poll(() => page.getByTestId('customer-results').innerText()).toContain('Matched by');
    expect(await page.getByTestId('main-nav').innerText()).toContain('Customers');
    await page.getByTestId('customer-results').locator('.ant-table-row', { hasText: NAME }).click();
    await page.getByTestId('customer-instances').waitFor();
    const text = await page.getByTestId('customer-360').innerText();
    for (const label of ['Profile', 'Contacts', 'Services and network resources', 'Reveal'])
      expect(text).toContain(label);
    expect(text).toContain('1.8 km');
    await screenshot(page, 'customer-360-en');
    expect(problems).toEqual([]);
  });
});
