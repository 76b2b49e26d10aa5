import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAs,
  login,
  menuWorkspaces,
  pickOption,
  screenshot,
  signIn as signInAt,
  startStage,
  type Stage,
} from './harness.ts';

// Functions given to page.evaluate run in the browser; the root tsconfig has no DOM types.
interface BrowserElement {
  closest(selector: string): BrowserElement | null;
  getAttribute(name: string): string | null;
}
declare const document: {
  documentElement: { scrollWidth: number; clientWidth: number };
  activeElement: BrowserElement | null;
  body: object;
  querySelector(selector: string): BrowserElement | null;
};
declare const MutationObserver: new (onChange: () => void) => {
  observe(node: object, options: object): void;
};
declare function getComputedStyle(element: BrowserElement): { animationDuration: string };
/** What the motion test's observer saw, on the page's window. */
declare const window: { animated?: boolean };

let stage: Stage;

beforeAll(async () => {
  stage = await startStage();
});

afterAll(async () => {
  await stage?.stop();
});

const open = (opts?: Parameters<Stage['open']>[0]) => stage.open(opts);
const closeAll = () => stage.closeAll();

/** Signs a user in (through the API) in this page's browser session. */
const signIn = (page: Page, login: string, password?: string) =>
  signInAt(page, stage.server.url, login, password);

// Which workspaces each demo login must see (issue 3's table), and where each one lands.
const ROLES: Array<{ login: string; menu: string[]; home: string; frame: string }> = [
  {
    login: 'admin',
    menu: [
      'agent',
      'requests',
      'customers',
      'monitoring',
      'dispatch',
      'field',
      'supervisor',
      'quality',
      'admin',
      'security',
      'audit',
      'portal',
    ],
    home: '/admin/org',
    frame: 'admin-org',
  },
  { login: 'agent', menu: ['agent', 'requests', 'customers'], home: '/agent', frame: 'workspace-agent' },
  {
    login: 'supervisor',
    // 系统管理 with the SLA screens only (read-only); the supervisor still lands on their own.
    menu: ['agent', 'requests', 'customers', 'supervisor', 'quality', 'admin', 'audit'],
    home: '/supervisor',
    frame: 'workspace-supervisor',
  },
  {
    login: 'monitor',
    menu: ['requests', 'customers', 'monitoring'],
    home: '/monitoring',
    frame: 'workspace-monitoring',
  },
  {
    login: 'dispatcher',
    menu: ['requests', 'customers', 'dispatch'],
    home: '/dispatch',
    frame: 'workspace-dispatch',
  },
  { login: 'technician', menu: ['requests', 'field'], home: '/field', frame: 'workspace-field' },
  { login: 'accountmgr', menu: ['agent', 'requests', 'customers'], home: '/agent', frame: 'workspace-agent' },
  { login: 'inspector', menu: ['requests', 'quality'], home: '/quality', frame: 'workspace-quality' },
  { login: 'billing', menu: ['agent', 'requests', 'customers'], home: '/agent', frame: 'workspace-agent' },
];

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

describe('web console (served by onepoint itself)', () => {
  afterAll(closeAll);

  it('sends an unauthenticated visitor of / to the login page, in Chinese', async () => {
    const { page, problems } = await open();
    await page.goto('/');
    await page.waitForURL('**/login');
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await page.getByRole('button', { name: /登\s*录/ }).waitFor();
    expect(await page.locator('body').innerText()).toContain('登录名');
    await screenshot(page, 'login-zh');
    expect(problems).toEqual([]);
  });

  it('rejects a wrong password with a message', async () => {
    const { page } = await open();
    await page.goto('/login');
    await page.locator('#login_login').fill('agent');
    await page.locator('#login_password').fill('not-the-password');
    await page.locator('form[id="login"] button[type="submit"]').click();
    await expect.poll(() => page.getByTestId('login-error').innerText()).toContain('不正确');
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('tells a login locked after five failures until when, in the user’s time zone', async () => {
    for (let i = 0; i < 4; i++)
      await fetch(`${stage.server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'staff020', password: 'Not-the-pass-42' }),
      });
    const { page } = await open();
    await page.goto('/login');
    await page.locator('#login_login').fill('staff020');
    await page.locator('#login_password').fill('Not-the-pass-42');
    await page.locator('form[id="login"] button[type="submit"]').click();
    await expect
      .poll(() => page.getByTestId('login-error').innerText())
      .toMatch(/该账号已锁定至 \S.*\d{2}:\d{2}（约 1 分钟）/);
    await screenshot(page, 'login-locked');
  });

  describe('each role sees exactly its workspaces', () => {
    // One browser session for all roles (switching users through the API) keeps this quick.
    let page: Page;
    let problems: string[];
    beforeAll(async () => {
      ({ page, problems } = await open());
    });

    for (const role of ROLES) {
      it(`${role.login} lands on ${role.home} and sees ${role.menu.join(', ')}`, async () => {
        await signIn(page, role.login);
        await page.waitForURL(`**${role.home}`);
        expect(await menuWorkspaces(page)).toEqual(role.menu);
        await page.getByTestId(role.frame).waitFor();
        await screenshot(page, `workspace-${role.login}`);
        expect(problems).toEqual([]);
      });
    }
  });

  it('shows every workspace of the admin menu as a real page, and charts only where drawn', async () => {
    const { page, problems } = await open();
    await signIn(page, 'admin');
    for (const [path, frame] of [
      ['/agent', 'workspace-agent'],
      ['/monitoring', 'workspace-monitoring'],
      ['/dispatch', 'workspace-dispatch'],
      ['/field', 'workspace-field'],
      ['/quality', 'workspace-quality'],
    ] as const) {
      await page.getByTestId(`nav-${path.slice(1)}`).click();
      await page.getByTestId(frame).waitFor();
      expect(await page.getByTestId(frame).locator('h3.ant-typography').innerText()).not.toBe('');
    }
    const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    // ECharts lives in the supervisor dashboard's chunk: nothing so far may have fetched it.
    expect(loaded.filter((n) => /SupervisorDashboard|EChart/.test(n))).toEqual([]);
    await page.getByTestId('nav-supervisor').click();
    await page.getByTestId('workspace-supervisor').waitFor();
    const after = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    expect(after.some((n) => /SupervisorDashboard/.test(n))).toBe(true);
    expect(problems).toEqual([]);
  });

  it('keeps the session across a reload and ends it on logout', async () => {
    const { page } = await open();
    await login(page, 'agent');
    await page.reload();
    await page.getByTestId('workspace-agent').waitFor();
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    await page.waitForURL('**/login');
    await page.goto('/agent');
    await page.waitForURL('**/login');
  });

  it('answers a workspace the role may not open with a 403 message, not a blank page', async () => {
    const { page, problems } = await open();
    await signIn(page, 'agent');
    await page.goto('/admin/users');
    await page.getByTestId('forbidden').waitFor();
    expect(await page.getByTestId('forbidden').innerText()).toContain('无权访问');
    await screenshot(page, 'forbidden-agent-admin');
    await page.goto('/monitoring');
    await page.getByTestId('forbidden').waitFor();
    expect(problems).toEqual([]);
  });

  it('gives the agent keyboard shortcuts and lists them on "?"', async () => {
    const { page } = await open();
    await signIn(page, 'agent');
    await page.getByTestId('workspace-agent').waitFor();
    await page.locator('body').click();
    await page.keyboard.press('Shift+Slash'); // "?"
    const list = page.getByTestId('shortcut-list');
    await list.waitFor();
    const text = await list.innerText();
    for (const key of ['Alt+S', 'Alt+N', '新建工单', '?']) expect(text).toContain(key);
    // No key for what is not built yet (my queue).
    expect(text).not.toContain('Alt+Q');
    await screenshot(page, 'agent-shortcuts');
    await page.keyboard.press('Escape');
    await list.waitFor({ state: 'hidden' });

    await page.keyboard.press('Alt+KeyS');
    await expect
      .poll(() =>
        page.evaluate(
          () =>
            document.activeElement?.closest('[data-testid="customer-search"]') !== null ||
            document.activeElement?.getAttribute('data-testid') === 'customer-search',
        ),
      )
      .toBe(true);
    // Typing "?" into the search box is text, not the help shortcut.
    await page.keyboard.type('?');
    expect(await page.getByTestId('shortcut-list').count()).toBe(0);
  });

  it('switches to English, keeps the choice after a reload, and back', async () => {
    const { page, problems } = await open();
    await page.goto('/login');
    await page.getByTestId('language-select').click();
    await pickOption(page, 'English');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await screenshot(page, 'login-en');
    await login(page, 'supervisor');
    await page.getByTestId('workspace-supervisor').waitFor();
    expect(await page.getByTestId('main-nav').innerText()).toContain('Agent workspace');
    // The page's title, not a card's loading skeleton (an h3 too while the staff count loads).
    const title = page.getByTestId('workspace-supervisor').locator('h3.ant-typography');
    expect(await title.innerText()).toBe('Supervisor');
    await screenshot(page, 'workspace-supervisor-en');
    await page.getByTestId('language-select').click();
    await pickOption(page, '简体中文');
    await expect.poll(() => title.innerText()).toBe('班长/主管');
    expect(problems).toEqual([]);
  });

  it('lets a customer into the portal only, with contact options', async () => {
    const { page, problems } = await open({ width: 390, height: 844, mobile: true });
    await login(page, 'customer');
    await page.waitForURL('**/portal');
    await page.getByTestId('portal-home').waitFor();
    expect(await page.getByTestId('portal-home').innerText()).toContain('您好');
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'portal-home');
    await page.getByTestId('portal-nav').getByText('联系我们').click();
    expect(await page.getByTestId('portal-contact').innerText()).toContain('10000');
    await screenshot(page, 'portal-contact');
    // A staff address takes a customer to the portal, not to a staff frame with a 403.
    await page.goto('/agent');
    await page.waitForURL('**/portal');
    await page.getByTestId('portal-home').waitFor();
    expect(problems).toEqual([]);
  });

  it('fits the technician view on a 375-px phone without horizontal scrolling', async () => {
    const { page, problems } = await open({ width: 375, height: 812, mobile: true });
    await page.goto('/login');
    await page.locator('#login_login').waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await login(page, 'technician');
    await page.getByTestId('workspace-field').waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, 'technician-375');
    await page.getByTestId('menu-toggle').click();
    await page.getByTestId('nav-field').waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
  });
});

// The administration screens, backed by the identity administration API.
describe('motion', () => {
  /** Opens the new-unit dialog and says whether it was animated in (a zoom of some duration). */
  async function dialogAnimates(page: Page): Promise<boolean> {
    await signIn(page, 'admin');
    await page.goto('/admin/org');
    await page.getByTestId('org-node-CT.JS.NJ').click();
    await page.evaluate(() => {
      window.animated = false;
      new MutationObserver(() => {
        const dialog = document.querySelector('.ant-modal');
        if (dialog && parseFloat(getComputedStyle(dialog).animationDuration) > 0) window.animated = true;
      }).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['class'],
      });
    });
    await page.getByTestId('org-new-child').click();
    await page.getByTestId('org-new-modal').locator('#org-new_code').waitFor();
    return page.evaluate(() => window.animated === true);
  }

  it('opens dialogs at once when the system asks for reduced motion, zooming them in otherwise', async () => {
    const reduced = await open();
    expect(await dialogAnimates(reduced.page)).toBe(false);
    const animated = await open({ motion: true });
    expect(await dialogAnimates(animated.page)).toBe(true);
    expect([...reduced.problems, ...animated.problems]).toEqual([]);
    await closeAll();
  });
});

describe('administration', () => {
  afterAll(closeAll);

  let asAdmin: Awaited<ReturnType<typeof apiAs>>;
  beforeAll(async () => {
    asAdmin = await apiAs(stage.server.url, 'admin');
  });

  it('creates an org unit in the tree and finds it again after a reload', async () => {
    const { page, problems } = await open();
    await signIn(page, 'admin');
    await page.goto('/admin/org');
    await page.getByTestId('org-node-CT.JS.NJ').click();
    await page.getByTestId('org-new-child').click();
    const modal = page.getByTestId('org-new-modal');
    await modal.locator('#org-new_code').fill('CT.JS.NJ.E2E');
    await modal.locator('#org-new_name').fill('南京测试班组');
    await modal.locator('#org-new_nameEn').fill('Nanjing Test Team');
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await page.getByTestId('org-node-CT.JS.NJ.E2E').waitFor();
    await page.reload();
    await page.getByTestId('org-filter').locator('input').fill('E2E');
    await page.getByTestId('org-node-CT.JS.NJ.E2E').click();
    expect(await page.getByTestId('org-detail').innerText()).toContain('CT.JS.NJ.E2E');
    await screenshot(page, 'admin-org');
    expect(problems).toEqual([]);
  });

  it('creates a user who can then sign in, and finds them after a reload', async () => {
    const { page, problems } = await open();
    await signIn(page, 'admin');
    await page.goto('/admin/users');
    await page.getByTestId('user-table').waitFor();
    await page.getByTestId('user-new').click();
    await page.locator('#user_login').fill('e2e.agent');
    await page.locator('#user_displayName').fill('测试坐席');
    // On a loaded machine a click on the filtered tree can land on a node the filter is just
    // re-rendering, and the unit stays unchosen (the create is then never sent): pick it again.
    const org = page.getByTestId('user-org-select');
    for (let attempt = 0; attempt < 3 && !(await org.innerText()).includes('CT.JS.10000'); attempt += 1) {
      await org.click();
      await page.keyboard.type('CT.JS.10000');
      await page.locator('.ant-select-tree-node-content-wrapper', { hasText: 'CT.JS.10000' }).first().click();
      await expect
        .poll(() => org.innerText(), { timeout: 3000 })
        .toContain('CT.JS.10000')
        .catch(() => {});
    }
    expect(await org.innerText()).toContain('CT.JS.10000');
    await page.getByTestId('user-roles-select').click();
    await pickOption(page, '坐席');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('user-roles-select').innerText()).toContain('坐席');
    await page.locator('#user_password').fill('e2e-password-1');
    // Wait for the create to be answered, or the reload below may cut the request off. (Waiting for
    // the dialog to close instead timed out now and then, in CI too, although the create had
    // succeeded and a screenshot showed it closed; cause not found.)
    const created = page.waitForResponse(
      (r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/api/v1/users',
    );
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    expect((await created).status()).toBe(201);
    await page.reload();
    await page.getByTestId('user-search').locator('input').fill('e2e.agent');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('user-table').innerText()).toContain('测试坐席');
    await screenshot(page, 'admin-users');
    expect(problems).toEqual([]);

    const second = await open();
    await login(second.page, 'e2e.agent', 'e2e-password-1');
    await second.page.getByTestId('workspace-agent').waitFor();
  });

  it('shows roles and skill groups from the API', async () => {
    const { page } = await open();
    await signIn(page, 'admin');
    await page.goto('/admin/roles');
    await expect.poll(() => page.getByTestId('role-table').innerText()).toContain('quality_inspector');
    await screenshot(page, 'admin-roles');
    await page.goto('/admin/skill-groups');
    await expect.poll(() => page.getByTestId('skill-group-table').innerText()).toContain('JS.BROADBAND');
    await screenshot(page, 'admin-skill-groups');
  });

  it('draws the supervisor chart of staff by role from the users list', async () => {
    const { page } = await open();
    await signIn(page, 'supervisor');
    await page.getByTestId('chart-by-role').locator('canvas').waitFor();
    await screenshot(page, 'supervisor-chart');
  });

  it('sends the user to the login page when the session ends mid-work (401)', async () => {
    const { page, context } = await open();
    await signIn(page, 'admin');
    await page.goto('/admin/org');
    await page.getByTestId('org-tree').waitFor();
    await context.clearCookies();
    await page.getByRole('button', { name: /刷\s*新/ }).click();
    await page.waitForURL('**/login');
    // The login page is loaded on demand: wait for it to render rather than read it at once.
    await expect.poll(() => page.locator('body').innerText()).toContain('登录已失效');
  });

  it('shows a clear 403 when the API refuses what the console still offers (permission revoked)', async () => {
    // A role of the administrator's own that may see org units, and a user who has it.
    const role = await asAdmin<{ version: number }>('POST', '/api/v1/roles', {
      code: 'e2e_org_viewer',
      name: '组织查看',
      nameEn: 'Org viewer',
      permissions: ['org.read', 'org.manage'],
    });
    expect(role.status).toBeLessThan(300);
    const units = await asAdmin<{ items: Array<{ id: string; code: string }> }>('GET', '/api/v1/org-units');
    const unit = units.data.items.find((u) => u.code === 'CT.JS')!;
    const user = await asAdmin('POST', '/api/v1/users', {
      login: 'e2e.viewer',
      displayName: '组织查看员',
      orgUnitId: unit.id,
      roles: ['e2e_org_viewer'],
      password: 'e2e-password-2',
    });
    expect(user.status).toBeLessThan(300);
    const { page, problems } = await open();
    await signIn(page, 'e2e.viewer', 'e2e-password-2');
    await page.waitForURL('**/admin/org');
    await page.getByTestId('org-tree').waitFor();
    // The administrator takes the permissions away while the page is open.
    const revoked = await asAdmin('PATCH', '/api/v1/roles/e2e_org_viewer', {
      permissions: [],
      version: role.data.version,
    });
    expect(revoked.status).toBeLessThan(300);
    await page.getByRole('button', { name: /刷\s*新/ }).click();
    await page.getByTestId('forbidden').waitFor();
    expect(await page.getByTestId('forbidden').innerText()).toContain('无权访问');
    await screenshot(page, 'api-403');
    expect(problems).toEqual([]);
  });
});

// 服务时限策略 and 工作日历 (the SLA module's matrix and calendars).
describe('SLA administration', () => {
  afterAll(closeAll);

  it('runs a policy check for a Friday-evening public fault, edits the row, and the check follows', async () => {
    const { page, problems } = await open();
    await signIn(page, 'admin');
    await page.waitForURL('**/admin/org');
    await page.getByTestId('nav-admin-slaPolicies').click();
    await page.waitForURL('**/admin/sla-policies');
    await page.locator('tr[data-row-key="reg.fault-repair"]').waitFor();

    // 故障申告, 公众客户 (the form's defaults), Friday 2025-10-17 19:00 Beijing time.
    const runCheck = async () => {
      const checked = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/sla/policy-check');
      await page.getByTestId('sla-check-run').click();
      expect((await checked).status()).toBe(200);
      return page.getByTestId('sla-check-deadlines').innerText();
    };
    await page.locator('#sla-check_from').fill('2025-10-17 19:00');
    await page.locator('#sla-check_from').press('Enter');
    const first = await runCheck();
    expect(first).toContain('修复/恢复');
    expect(first).toContain('2025-10-19T19:00:00+08:00');
    expect(first).toContain('reg.fault-repair');
    expect(await page.getByTestId('sla-check-explanation').innerText()).toContain('reg.fault-repair');
    await screenshot(page, 'sla-policy-check');

    // The regulations' row, tightened to 36 hours.
    await page.locator('tr[data-row-key="reg.fault-repair"]').getByTestId('sla-policy-edit').click();
    const modal = page.getByTestId('sla-policy-modal');
    await modal.locator('#sla-policy_targets_restoration_duration').fill('36h');
    const saved = page.waitForResponse(
      (r) =>
        r.request().method() === 'PATCH' &&
        new URL(r.url()).pathname === '/api/v1/sla/policies/reg.fault-repair',
    );
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    expect((await saved).status()).toBe(200);
    await expect.poll(() => page.locator('tr[data-row-key="reg.fault-repair"]').innerText()).toContain('36h');
    // The answer arrives before React shows it: wait for the table to follow.
    await runCheck();
    await expect
      .poll(() => page.getByTestId('sla-check-deadlines').innerText())
      .toContain('2025-10-19T07:00:00+08:00');
    expect(problems).toEqual([]);
  });

  it('shows the calendars, the national schedule with its missing-year warning; a supervisor only reads', async () => {
    const { page, problems } = await open();
    await signIn(page, 'admin');
    await page.goto('/admin/sla-calendars');
    await page.getByTestId('sla-calendar-table').locator('tr[data-row-key="cn-office"]').waitFor();
    await page.getByTestId('sla-years').locator('tr[data-row-key="2026"]').waitFor();
    expect(await page.getByTestId('sla-years').innerText()).toContain('chinese-days@');
    // Whatever the API warns of (next year's schedule missing from November) is on the page.
    const years = await (
      await apiAs(stage.server.url, 'admin')
    )<{ warnings: { code: string; year: number }[] }>('GET', '/api/v1/sla/calendar-years');
    for (const w of years.data.warnings)
      expect(await page.getByTestId('sla-years').innerText()).toContain(`${w.code}`);
    await page.getByTestId('sla-override-new').waitFor();
    await screenshot(page, 'sla-calendars');

    // The administrator enters 2027 (chinese-days 1.5.7 has none): listed as theirs, no warning left for it.
    await page.getByTestId('sla-year-enter').click();
    const modal = page.getByTestId('sla-year-modal');
    await modal.locator('#sla-year_year').fill('2027');
    await modal.locator('#sla-year_holidayLines').fill('2027-01-01 元旦\n2027-10-01 国庆节');
    const entered = page.waitForResponse(
      (r) =>
        r.request().method() === 'PUT' && new URL(r.url()).pathname === '/api/v1/sla/calendar-years/2027',
    );
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    expect((await entered).status()).toBe(200);
    await page.getByTestId('sla-years').locator('tr[data-row-key="2027"]').waitFor();
    expect(await page.getByTestId('sla-years').locator('tr[data-row-key="2027"]').innerText()).toContain(
      '管理员录入',
    );
    await expect
      .poll(async () => (await page.getByTestId('sla-year-warning').allInnerTexts()).join(' '), {
        timeout: 10_000,
      })
      .not.toContain('2027');

    await signIn(page, 'supervisor');
    await page.waitForURL('**/supervisor');
    await page.getByTestId('nav-admin').click();
    expect(await page.getByTestId('nav-admin-org').count()).toBe(0);
    await page.getByTestId('nav-admin-slaPolicies').click();
    await page.locator('tr[data-row-key="reg.fault-repair"]').waitFor();
    expect(await page.getByTestId('sla-policy-new').count()).toBe(0);
    expect(await page.getByTestId('sla-policy-edit').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
