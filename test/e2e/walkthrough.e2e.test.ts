// Issue 15: what a walk-through of the console as each role found, checked in a real browser. One
// server and one browser session for the file (users switched through the API) keep it quick.
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, poll, ROOT, screenshot, signIn as signInAt, type Stage, startStage } from './harness.ts';
import { englishOnPage } from './english.ts';

let stage: Stage;
let page: Page;
let problems: string[];

beforeAll(async () => {
  stage = await startStage();
  ({ page, problems } = await stage.open());
});

afterAll(async () => {
  await stage?.stop();
});

const signIn = (login: string) => signInAt(page, stage.server.url, login);
type Overview = {
  byStatus: Record<string, { count: number }>;
  byPriority: Record<string, { count: number }>;
};

describe('a screen shows only what works', () => {
  it('shows the monitoring centre its fault requests as the API counts them, and no alarm counter', async () => {
    const asMonitor = await apiAs(stage.server.url, 'monitor');
    const api = (await asMonitor<Overview>('GET', '/api/v1/service-requests/overview?desk=monitoring')).data;
    await signIn('monitor');
    const frame = page.getByTestId('workspace-monitoring');
    // One plain line instead of alarm counters: no alarm source is connected yet.
    const line = frame.getByTestId('not-built');
    await poll(() => line.innerText()).toContain('尚未接入网管告警');
    expect(await line.innerText()).not.toMatch(/\d/);
    for (const [state, c] of Object.entries(api.byStatus))
      await poll(() =>
        frame.getByTestId(`monitoring-by-status-${state}`).getByTestId('breakdown-count').innerText(),
      ).toBe(String(c.count));
    for (const [priority, c] of Object.entries(api.byPriority))
      expect(
        await frame
          .getByTestId(`monitoring-by-priority-${priority}`)
          .getByTestId('breakdown-count')
          .innerText(),
      ).toBe(String(c.count));
    const open = Object.values(api.byStatus).reduce((n, c) => n + c.count, 0);
    expect(open).toBeGreaterThan(0); // the demo's centrally accepted circuit fault
    expect(await frame.getByTestId('monitoring-open').getByTestId('tile-count').innerText()).toBe(
      String(open),
    );
    await poll(() => frame.getByTestId('monitoring-newest').getByTestId('board-item').count()).toBe(
      Math.min(open, 10),
    );
    expect(await frame.innerText()).not.toMatch(/活动告警|受影响客户\s*\d/);
    expect(await englishOnPage(page)).toEqual([]);
    await screenshot(page, 'monitoring-centre');
  });

  it('shows the dispatcher columns from real requests: one in 待派单 is dispatched and moves to 已派单', async () => {
    const asDispatcher = await apiAs(stage.server.url, 'dispatcher');
    const api = (await asDispatcher<Overview>('GET', '/api/v1/service-requests/overview')).data;
    const waiting = await asDispatcher<{ items: Array<{ id: string; kind: string }> }>(
      'GET',
      '/api/v1/service-requests?statuses=accepted,triage,returned&limit=8',
    );
    // A demo request the workflow lets go straight to dispatch (complaints and integration need 预处理).
    const target = waiting.data.items.find((r) => !['complaint', 'integration'].includes(r.kind));
    expect(target).toBeDefined();
    const technicians = await asDispatcher<{
      items: Array<{ id: string; login: string; displayName: string }>;
    }>('GET', '/api/v1/users?role=technician&status=active&limit=50');
    const technician = technicians.data.items.find((u) => u.login === 'technician')!;

    await signIn('dispatcher');
    const frame = page.getByTestId('workspace-dispatch');
    const toDispatch = frame.getByTestId('column-toDispatch');
    const waitingCount = ['accepted', 'triage', 'returned'].reduce((n, st) => n + api.byStatus[st]!.count, 0);
    await poll(() => toDispatch.getByTestId('column-count').innerText()).toBe(String(waitingCount));
    const item = toDispatch.locator(`[data-request-id="${target!.id}"]`);
    await item.getByTestId('board-dispatch').click();
    const modal = page.getByTestId('dispatch-modal').getByRole('dialog');
    await modal.waitFor();
    // The searchable select carries its test id on its input: read the choice from the select.
    const select = modal.locator('.ant-select', { has: page.locator('#dispatch_assigneeId') });
    await poll(async () => {
      if (!(await page.locator('.ant-select-dropdown:visible').count())) await select.click();
      // The list is virtual (only the first rows are drawn): search for the name, then pick it.
      await modal.locator('#dispatch_assigneeId').fill(technician.displayName);
      await page
        .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: technician.displayName })
        .first()
        .click({ timeout: 3000 })
        .catch(() => undefined);
      return select.innerText();
    }).toContain(technician.displayName);
    await modal.locator('.ant-modal-footer .ant-btn-primary').click();
    await modal.waitFor({ state: 'hidden' });
    const moved = frame.getByTestId('column-dispatched').locator(`[data-request-id="${target!.id}"]`);
    await moved.waitFor();
    expect(await item.count()).toBe(0);
    await poll(() => toDispatch.getByTestId('column-count').innerText()).toBe(String(waitingCount - 1));
    const after = await asDispatcher<{ status: string; assigneeId: string }>(
      'GET',
      `/api/v1/service-requests/${target!.id}`,
    );
    expect([after.data.status, after.data.assigneeId]).toEqual(['dispatched', technician.id]);
    expect(await englishOnPage(page)).toEqual([]);
    await screenshot(page, 'dispatcher-board');
    // The number opens the request page.
    await moved.getByTestId('request-link').click();
    await page.getByTestId('request-header').waitFor();
    expect(problems).toEqual([]);
  });

  it('gives the technician and the inspector one plain line, no disabled buttons or empty panels', async () => {
    for (const [login, id] of [
      ['technician', 'workspace-field'],
      ['inspector', 'workspace-quality'],
    ] as const) {
      await signIn(login);
      const frame = page.getByTestId(id);
      await frame.getByTestId('not-built').waitFor();
      expect(await frame.locator('button, .ant-card, .ant-empty').count()).toBe(0);
    }
  });

  it('shows the supervisor no dashes for queue, service level or satisfaction', async () => {
    await signIn('supervisor');
    const frame = page.getByTestId('workspace-supervisor');
    await frame.getByTestId('chart-by-role').waitFor();
    await frame.getByTestId('not-built').waitFor();
    const statistics = await frame.locator('.ant-statistic-content').allInnerTexts();
    expect(statistics).toHaveLength(1);
    expect(statistics[0]).toMatch(/^\d+$/);
    expect(await frame.innerText()).not.toContain('—');
    // The request counters in its place come from the API; SLA and satisfaction are one plain line.
    const asSupervisor = await apiAs(stage.server.url, 'supervisor');
    const queues = await asSupervisor<{ queues: Record<string, { count: number }> }>(
      'GET',
      '/api/v1/service-requests/queues',
    );
    await poll(() => frame.getByTestId('supervisor-escalated').getByTestId('tile-count').innerText()).toBe(
      String(queues.data.queues.escalated!.count),
    );
    expect(await frame.getByTestId('not-built').innerText()).toContain('满意度');
  });

  it('gives the agent a 新建工单 button and Alt+N that open the intake form', async () => {
    await signIn('agent');
    const frame = page.getByTestId('workspace-agent');
    await frame.getByTestId('request-new').click();
    await page.getByTestId('request-intake').waitFor();
    // Alt+N from another staff page (the customer list) opens it too.
    await page.goto('/customers');
    await page.getByTestId('customer-search').waitFor();
    await page.locator('body').click();
    await page.keyboard.press('Alt+KeyN');
    await page.getByTestId('request-intake').waitFor();
    expect(new URL(page.url()).pathname).toBe('/requests/new');
  });

  it('offers the customer a 报障 button that opens a real form, not a dead one', async () => {
    await signIn('customer');
    const home = page.getByTestId('portal-home');
    await home.getByTestId('portal-service').first().waitFor();
    expect(await home.getByTestId('not-built').count()).toBe(0);
    await home.getByTestId('portal-report').click();
    await page.getByTestId('portal-report-form').waitFor();
    expect(problems).toEqual([]);
  });
});

describe('the Chinese console speaks Chinese', () => {
  it('names permissions, skills and time zones in Chinese on the roles, skill-group and preferences pages', async () => {
    await signIn('admin');
    await page.goto('/admin/roles');
    const roles = page.getByTestId('role-table');
    await poll(() => roles.innerText()).toContain('quality_inspector');
    // Every permission of a role that holds them all, by name.
    await roles
      .locator('.ant-table-row')
      .filter({ has: page.getByText('admin', { exact: true }) })
      .first()
      .locator('.ant-table-row-expand-icon')
      .click();
    await poll(() => roles.innerText()).toContain('查看数据范围内的客户');
    expect(await englishOnPage(page)).toEqual([]);
    // The role dialog lists every permission with its code (data) beside its name.
    await page.getByTestId('role-new').click();
    const dialog = page.getByRole('dialog');
    await dialog.locator('.ant-checkbox-wrapper').first().waitFor();
    await screenshot(page, 'role-new-permissions');
    expect(await englishOnPage(page)).toEqual([]);
    await page.keyboard.press('Escape');

    await page.goto('/admin/skill-groups');
    const groups = page.getByTestId('skill-group-table');
    await poll(() => groups.innerText()).toContain('JS.BROADBAND');
    for (const skill of ['故障', '宽带', '计费']) expect(await groups.innerText()).toContain(skill);
    expect(await englishOnPage(page)).toEqual([]);

    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '偏好设置' }).click();
    const select = page.getByTestId('timezone-select');
    await poll(() => select.innerText()).toContain('北京时间');
    expect(await select.innerText()).not.toContain('Asia/Shanghai');
    await select.click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().waitFor();
    expect(await englishOnPage(page)).toEqual([]);
    await page.keyboard.press('Escape');
    expect(problems).toEqual([]);
  });

  it('shows a failed load in Chinese, not as "HTTP 500"', async () => {
    await signIn('admin');
    // A proxy's error page instead of the API's JSON error.
    await page.route('**/api/v1/roles', (route) =>
      route.fulfill({ status: 500, contentType: 'text/html', body: '<html>Internal Server Error</html>' }),
    );
    await page.goto('/admin/roles');
    const error = page.getByTestId('load-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('服务器出错了');
    expect(await error.innerText()).not.toContain('HTTP');
    await page.unroute('**/api/v1/roles');
  });
});

describe('the customer 360 page at 1366 px', () => {
  it('shows the contacts readable: names and numbers on one line, 编辑 in view', async () => {
    const asAdmin = await apiAs(stage.server.url, 'admin');
    const units = await asAdmin<{ items: Array<{ id: string; code: string }> }>('GET', '/api/v1/org-units');
    const contacts = [
      ['王玲', 'primary', '13700001111', '025-84560001', 'wangling@example.com'],
      ['欧阳明月', 'technical', '13700002222', '025-84560002', 'ouyang.mingyue@example.com'],
      ['司马长风', 'billing', '13700003333', null, 'sima.changfeng@example.com'],
    ] as const;
    const created = await asAdmin<{ id: string }>('POST', '/api/v1/customers', {
      kind: 'enterprise',
      tier: 'province',
      name: '金陵联络测试有限公司',
      orgUnitId: units.data.items.find((u) => u.code === 'CT.JS.NJ')!.id,
      contacts: contacts.map(([name, role, mobile, officePhone, email], i) => ({
        name,
        role,
        title: '信息部经理',
        mobile,
        ...(officePhone ? { officePhone } : {}),
        email,
        isPrimary: i === 0,
        preferredChannel: 'phone',
        quietHours: { start: '22:00', end: '08:00' },
      })),
    });
    expect(created.status, JSON.stringify(created.data)).toBe(201);
    await page.setViewportSize({ width: 1366, height: 820 });
    await signIn('admin');
    await page.goto(`/customers/${created.data.id}`);
    const card = page.getByTestId('customer-contacts');
    await card.locator('[data-testid^="contact-edit-"]').first().waitFor();
    await screenshot(page, 'customer-360-contacts-1366');
    // The table needs no sideways scrolling at this width.
    const scroller = card.locator('.ant-table-content, .ant-table-body').first();
    const overflow = await scroller.evaluate(
      (el: { scrollWidth: number; clientWidth: number }) => el.scrollWidth - el.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    const cardBox = (await card.boundingBox())!;
    const rows = card.locator('.ant-table-row');
    expect(await rows.count()).toBe(3);
    for (let i = 0; i < 3; i++) {
      const row = rows.nth(i);
      // One line each (a wrapped name or number would be twice as tall).
      for (const cell of [
        row.locator('[data-testid^="contact-name-"]'),
        row.locator('[data-testid^="contact-mobile-"]').first(),
      ]) {
        const box = (await cell.boundingBox())!;
        expect(box.height).toBeLessThan(30);
      }
      const edit = (await row.locator('[data-testid^="contact-edit-"]').boundingBox())!;
      expect(edit.x + edit.width).toBeLessThanOrEqual(Math.min(cardBox.x + cardBox.width, 1366));
    }
    expect(await englishOnPage(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe('the customer list', () => {
  it('says how many rows are loaded, not a total the API does not know, and no "nothing found" while loading', async () => {
    await signIn('admin');
    // Hold the first page back a moment, to look at the table while it loads.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // Each held request is continued before the route is removed: removing it first lets
    // Playwright continue the request itself, and the late continue() then fails.
    const continued: Promise<void>[] = [];
    await page.route(/\/api\/v1\/customers\?/, (route) => {
      const done = held.then(() => route.continue());
      continued.push(done);
      return done;
    });
    await page.goto('/customers');
    const table = page.getByTestId('customer-table');
    // (antd puts the spinner around the table, not in it.)
    await page
      .locator('.ant-table-wrapper', { has: table })
      .locator('.ant-spin-spinning')
      .first()
      .waitFor({ state: 'attached' });
    expect(await table.innerText()).not.toContain('没有符合条件的客户');
    expect(await page.getByTestId('loaded-count').count()).toBe(0);
    release();
    await Promise.all(continued);
    await page.unroute(/\/api\/v1\/customers\?/);
    const count = page.getByTestId('loaded-count');
    await poll(() => count.innerText()).toBe('已加载 50 条');
    await page.getByTestId('customer-load-more').click();
    await poll(() => count.innerText()).toBe('已加载 100 条');
    // Once nothing more is left, the number is the total.
    await page.getByTestId('filter-status').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '已注销' }).click();
    await poll(() => count.innerText()).toMatch(/^共 \d+ 条$/);
    expect(await page.getByTestId('customer-load-more').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});

// Runs in the browser: the contrast ratio (WCAG) of an element's text on its button's background.
const CONTRAST = `(el) => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const fg = lum(rgb(getComputedStyle(el).color));
  const bg = lum(rgb(getComputedStyle(el.closest('button')).backgroundColor));
  return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
}`;
const contrastOnButton = (el: ReturnType<Page['locator']>) =>
  el.evaluate(new Function(`return (${CONTRAST})(arguments[0]);`) as (e: unknown) => number);

/** Whether the element has the keyboard focus. */
const hasFocus = (el: ReturnType<Page['locator']>) =>
  el.evaluate((e: { ownerDocument: { activeElement: unknown } }) => e === e.ownerDocument.activeElement);

describe('keyboard shortcuts where the agent spends the call', () => {
  it('focuses the customer search with Alt+S on the customer list and from the 360 page', async () => {
    await signIn('agent');
    await page.goto('/customers');
    const search = page.getByTestId('customer-search').locator('input');
    await page.getByTestId('customer-table').locator('.ant-table-row').first().waitFor();
    await page.getByTestId('customers-page').locator('h3.ant-typography').click();
    expect(await hasFocus(search)).toBe(false);
    await page.keyboard.press('Alt+KeyS');
    await poll(() => hasFocus(search)).toBe(true);

    // On a customer's 360 page, Alt+S goes back to the search, ready to type.
    await page.getByTestId('customer-table').locator('.ant-table-row').first().click();
    await page.getByTestId('customer-profile').waitFor();
    await page.getByTestId('customer-profile').click();
    await page.keyboard.press('Alt+KeyS');
    await page.waitForURL((u) => u.pathname === '/customers');
    await poll(() => hasFocus(search)).toBe(true);
    await page.keyboard.type('王');
    expect(await search.inputValue()).toBe('王');

    // "?" lists the shortcuts on the customer pages too.
    await page.getByTestId('customers-page').locator('h3.ant-typography').click();
    await page.keyboard.press('Shift+Slash');
    await page.getByTestId('shortcut-list').waitFor();
    expect(await page.getByTestId('shortcut-list').innerText()).toContain('Alt+S');
    await page.keyboard.press('Escape');
  });

  it('shows the key on the blue search button as legibly as the button label', async () => {
    await signIn('agent');
    await page.goto('/customers');
    const hint = page.getByTestId('customer-search').locator('button kbd');
    await hint.waitFor();
    expect(await hint.innerText()).toBe('Alt+S');
    expect(await contrastOnButton(hint)).toBeGreaterThanOrEqual(4.5);
    expect(problems).toEqual([]);
  });
});

describe('searching the way agents ask', () => {
  it('finds a customer by the last four digits of the phone (尾号) and by the beginning of the customer number', async () => {
    const asAdmin = await apiAs(stage.server.url, 'admin');
    const units = await asAdmin<{ items: Array<{ id: string; code: string }> }>('GET', '/api/v1/org-units');
    const created = await asAdmin<{ id: string; customerNo: string }>('POST', '/api/v1/customers', {
      kind: 'individual',
      name: '端木尾号',
      orgUnitId: units.data.items.find((u) => u.code === 'CT.JS.NJ')!.id,
      phone: '13955557319',
    });
    expect(created.status, JSON.stringify(created.data)).toBe(201);
    await signIn('agent');
    await page.goto('/customers');
    const box = page.getByTestId('customer-search').locator('input');
    const results = page.getByTestId('customer-results');
    await box.fill('7319');
    await box.press('Enter');
    await poll(() => results.innerText()).toContain('端木尾号');
    const row = results.locator('.ant-table-row', { hasText: '端木尾号' });
    await row.getByTestId('matched-phone').waitFor();
    // Shown masked, as the API sends it.
    expect(await row.innerText()).toContain('139****7319');

    const prefix = created.data.customerNo.slice(0, -1);
    await box.fill(prefix);
    await box.press('Enter');
    await poll(() => results.innerText()).toContain('端木尾号');
    await results
      .locator('.ant-table-row', { hasText: '端木尾号' })
      .getByTestId('matched-customerNo')
      .waitFor();
    expect(problems).toEqual([]);
  });
});

describe('the supervisor dashboard', () => {
  it("counts the centre's staff without technicians and portal accounts, and has room for every unit", async () => {
    const asSupervisor = await apiAs(stage.server.url, 'supervisor');
    const users: Array<{ roles: string[]; orgUnitId: string }> = [];
    for (let cursor: string | null = null, first = true; first || cursor; first = false) {
      const res: { data: { items: typeof users; nextCursor: string | null } } = await asSupervisor(
        'GET',
        `/api/v1/users?status=active&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      );
      users.push(...res.data.items);
      cursor = res.data.nextCursor;
    }
    const staff = users.filter((u) => u.roles.some((r) => r !== 'technician' && r !== 'customer'));
    expect(staff.length).toBeLessThan(users.length);
    await signIn('supervisor');
    const count = page.getByTestId('staff-count').locator('.ant-statistic-content');
    await poll(() => count.innerText()).toBe(String(staff.length));
    const chart = page.getByTestId('chart-by-unit');
    await chart.locator('canvas').waitFor();
    const units = new Set(staff.map((u) => u.orgUnitId)).size;
    expect((await chart.boundingBox())!.height).toBeGreaterThanOrEqual(40 + 32 * units);
    await screenshot(page, 'supervisor-dashboard');
    expect(problems).toEqual([]);
  });

  it('keeps ECharts (echarts/core, bars only) in a chunk of its own, within its budget, off the login page', () => {
    const report = JSON.parse(fs.readFileSync(path.join(ROOT, 'web/dist/sizes.json'), 'utf8')) as {
      named: Array<{ what: string; file: string | null; gzip: number | null }>;
    };
    const charts = report.named.find((n) => n.what.startsWith('charts'));
    const dashboard = report.named.find((n) => n.what.startsWith('supervisor dashboard'));
    expect(charts?.file).toMatch(/^assets\/charts-/);
    expect(dashboard?.file).toMatch(/^assets\/SupervisorDashboard-/);
    // ECharts' core alone is ~150 KB gzip; the whole library (or pie, legend, tooltip) was 172 KB.
    expect(charts!.gzip!).toBeLessThan(160 * 1024);
    // The page itself is small: it loads the charts chunk rather than carrying a copy of ECharts.
    expect(dashboard!.gzip!).toBeLessThan(20 * 1024);
    const dashboardCode = fs.readFileSync(path.join(ROOT, 'web/dist', dashboard!.file!), 'utf8');
    expect(dashboardCode).toContain(path.basename(charts!.file!));
    const loginPage = fs.readFileSync(path.join(ROOT, 'web/dist/index.html'), 'utf8');
    expect(loginPage).not.toContain(path.basename(charts!.file!));
  });
});

describe('no dead ends', () => {
  it('gives staff who open the portal a way back, and every user a logout that says so', async () => {
    await signIn('admin');
    await page.getByTestId('nav-portal').click();
    await page.getByTestId('portal-home').waitFor();
    expect(await page.getByTestId('portal-logout').innerText()).toContain('退出');
    await page.getByTestId('portal-back').click();
    await page.waitForURL('**/admin/org');
    await page.getByTestId('main-nav').waitFor();
  });

  it('takes a customer who opens a staff page to the portal, without the staff menu or a 403', async () => {
    await signIn('customer');
    expect(await page.getByTestId('portal-back').count()).toBe(0);
    for (const path of ['/customers', '/agent', '/admin/users']) {
      await page.goto(path);
      await page.waitForURL('**/portal');
      await page.getByTestId('portal-home').waitFor();
      expect(await page.getByTestId('main-nav').count()).toBe(0);
      expect(await page.getByTestId('forbidden').count()).toBe(0);
    }
  });

  it('offers a way home from a page that does not exist', async () => {
    await signIn('agent');
    await page.goto('/no-such-page');
    const notFound = page.getByTestId('not-found');
    await notFound.waitFor();
    await notFound.getByRole('button', { name: '返回首页' }).click();
    await page.waitForURL('**/agent');
    expect(problems).toEqual([]);
  });
});
