// Issue 10: the request screens in a real browser — an agent takes a fault call from the intake
// form to 回单 (resolved), the timeline shows each step, a double submit makes one request, a
// customer reports a fault in the portal that an agent works to 回单 and the customer confirms,
// and a technician sees nothing outside their scope.
import type { Locator, Page, Request as PageRequest, Response as PageResponse } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiAs, poll, screenshot, signIn as signInAt, type Stage, startStage } from './harness.ts';
import { englishOnPage } from './english.ts';

let stage: Stage;
let page: Page;
let problems: string[];
let customerId: string;

const PHONE = '13955558426';
const ACCOUNT = 'AD025E2ESR0001';

beforeAll(async () => {
  // Jobs on, as `serve` runs by default: the notices are planned and sent (simulator gateway).
  stage = await startStage({ ONEPOINT_JOBS: 'on' });
  ({ page, problems } = await stage.open());
  const asAdmin = await apiAs(stage.server.url, 'admin');
  const units = await asAdmin<{ items: Array<{ id: string; code: string }> }>('GET', '/api/v1/org-units');
  const created = await asAdmin<{ id: string }>('POST', '/api/v1/customers', {
    kind: 'individual',
    name: '端木报障',
    orgUnitId: units.data.items.find((u) => u.code === 'CT.JS.NJ')!.id,
    phone: PHONE,
  });
  expect(created.status, JSON.stringify(created.data)).toBe(201);
  customerId = created.data.id;
  const instance = await asAdmin('POST', `/api/v1/customers/${customerId}/instances`, {
    productCode: 'broadband.ftth',
    accountNo: ACCOUNT,
  });
  expect(instance.status, JSON.stringify(instance.data)).toBe(201);
});

afterAll(async () => {
  await stage?.stop();
});

const signIn = (login: string) => signInAt(page, stage.server.url, login);

/**
 * Picks `text` in an antd select and checks it took (a click while the list is still sliding in
 * can be lost).
 */
async function choose(select: Locator, text: string, on: Page = page) {
  await poll(async () => {
    if (!(await on.locator('.ant-select-dropdown:visible').count())) await select.click();
    await on
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text })
      .first()
      .click({ timeout: 3000 })
      .catch(() => undefined);
    return select.innerText();
  }).toContain(text);
}

/** Runs a workflow action from the request page and waits for the status it leads to. */
async function act(action: string, status: string, text?: { field: string; value: string }, check?: string) {
  // What the page asked of the API meanwhile, for the failure message (a slow or lost call).
  const calls: string[] = [];
  const started = Date.now();
  const onRequest = (r: PageRequest) => {
    if (r.url().includes('/api/'))
      calls.push(`+${Date.now() - started}ms ${r.method()} ${new URL(r.url()).pathname} sent`);
  };
  const onResponse = (r: PageResponse) => {
    if (r.url().includes('/api/'))
      calls.push(
        `+${Date.now() - started}ms ${r.request().method()} ${new URL(r.url()).pathname} ${r.status()}`,
      );
  };
  page.on('request', onRequest);
  page.on('response', onResponse);
  try {
    await runAction(action, status, text, check, calls);
  } finally {
    page.off('request', onRequest);
    page.off('response', onResponse);
  }
}

async function runAction(
  action: string,
  status: string,
  text: { field: string; value: string } | undefined,
  check: string | undefined,
  calls: string[],
) {
  await page.getByTestId(`action-${action}`).click();
  // The test id sits on the modal's zero-sized root; the dialog inside is what shows.
  const modal = page.getByTestId('action-modal').getByRole('dialog');
  await modal.waitFor();
  if (text) await modal.getByTestId(text.field).fill(text.value);
  if (check) await modal.getByTestId(check).check();
  await modal.locator('.ant-modal-footer .ant-btn-primary').click();
  await modal.waitFor({ state: 'hidden' }).catch(async (err: unknown) => {
    // Say what the dialog shows (a refusal, a conflict), not only that it stayed open.
    const shown = (await modal.innerText().catch(() => '')).replace(/\s+/g, ' ');
    const server = stage.server.output().split('\n').slice(-20).join('\n');
    throw new Error(
      `${action}: the dialog stayed open: ${shown}; API calls: ${calls.join('; ')}\nserver:\n${server}`,
      { cause: err },
    );
  });
  await poll(() => page.getByTestId('request-header').getByTestId('request-status').innerText()).toBe(status);
}

describe('an agent takes a fault call', () => {
  let requestId: string;

  it('identifies the caller by 尾号, picks the service, and a double submit makes one request', async () => {
    await signIn('agent');
    // Alt+N works once the staff frame (which listens for it) is on screen.
    await page.getByTestId('workspace-agent').waitFor();
    await page.locator('body').click();
    await page.keyboard.press('Alt+KeyN');
    await page.getByTestId('request-intake').waitFor();
    const lookup = page.getByTestId('intake-lookup').locator('input');
    await lookup.fill(PHONE.slice(-4));
    await lookup.press('Enter');
    const matches = page.getByTestId('intake-matches');
    await poll(() => matches.innerText()).toContain('端木');
    await matches.locator('.ant-list-item', { hasText: '端木' }).getByTestId('intake-pick').click();
    await page.getByTestId('intake-customer-picked').getByTestId('intake-customer-name').waitFor();
    // Beside the form: the caller's requests (none yet), so a repeat would be seen first.
    await poll(() => page.getByTestId('caller-open').innerText()).toContain('该客户没有工单');

    await choose(page.getByTestId('intake-instance'), ACCOUNT);
    await choose(page.getByTestId('intake-category'), '宽带无法上网');
    await page.getByTestId('intake-title').fill('宽带无法上网，光猫 LOS 红灯');
    await page
      .getByTestId('intake-description')
      .fill('客户反映昨晚起宽带无法上网，光猫红灯闪烁，已重启无效。');
    await page.getByTestId('intake-call-id').fill('CALL-E2E-0001');
    expect(await englishOnPage(page)).toEqual([]);
    await screenshot(page, 'request-intake');
    await page.getByTestId('intake-submit').dblclick();
    await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
    requestId = new URL(page.url()).pathname.split('/').pop()!;

    const asAgent = await apiAs(stage.server.url, 'agent');
    const mine = await asAgent<{ items: Array<{ id: string }> }>(
      'GET',
      `/api/v1/service-requests?customerId=${customerId}`,
    );
    expect(mine.data.items.map((r) => r.id)).toEqual([requestId]);
  });

  it('works it from 受理 to 回单 on the request page, every step on the timeline', async () => {
    const header = page.getByTestId('request-header');
    await poll(() => header.getByTestId('request-status').innerText()).toBe('已受理');
    expect(await header.innerText()).toContain('故障申告');
    expect(await header.getByTestId('request-owner').innerText()).toContain('我');
    // People by name and unit, not an id or a login.
    const me = (
      await (
        await apiAs(stage.server.url, 'agent')
      )<{ displayName: string }>('GET', '/api/v1/auth/me')
    ).data;
    await poll(() => header.getByTestId('request-owner-name').innerText()).toContain(me.displayName);
    expect(await header.getByTestId('request-owner-name').innerText()).toContain('江苏');
    // Routing would give it to the site's fault group; the agent keeps it (一线自处理).
    await act('dispatch', '已派单', undefined, 'action-dispatch-to-me');
    expect(await header.getByTestId('request-assignee').innerText()).toContain('我');
    await poll(() => header.getByTestId('request-assignee').innerText()).toContain(me.displayName);
    await act('take', '已接单');
    await act('start', '处理中');

    await page.getByTestId('action-note').click();
    const note = page.getByTestId('note-modal').getByRole('dialog');
    // A canned phrase (常用语) is filled in by the API and put into the text.
    const picker = note.getByTestId('phrase-picker');
    await poll(async () => {
      if (!(await page.locator('.ant-select-dropdown:visible').count())) await picker.click();
      await page
        .locator('.ant-select-dropdown:visible .ant-select-item-option')
        .first()
        .click({ timeout: 3000 })
        .catch(() => undefined);
      return note.getByTestId('note-body').inputValue();
    }).not.toBe('');
    expect(await note.getByTestId('note-body').inputValue()).not.toMatch(/\{\{\s*(agent|hotline|today)/);
    await note.getByTestId('note-body').fill('已远程查看光猫，光路无光，需上门。');
    await note.locator('.ant-modal-footer .ant-btn-primary').click();
    await note.waitFor({ state: 'hidden' });
    // On site (到场): still 处理中, and the timeline says which action it was.
    await act('arrive', '处理中');
    await poll(() =>
      page.getByTestId('request-timeline').getByTestId('timeline-action').allInnerTexts(),
    ).toContain('到场');

    await act('resolve', '已回单', {
      field: 'action-result',
      value: '更换光猫尾纤，恢复上网，客户确认可用。',
    });
    const timeline = page.getByTestId('request-timeline');
    await poll(() => timeline.locator('[data-testid="timeline-entry"]').count()).toBeGreaterThanOrEqual(6);
    const text = await timeline.innerText();
    for (const step of ['已受理 → 已派单', '已派单 → 已接单', '已接单 → 处理中', '处理中 → 已回单'])
      expect(text).toContain(step);
    expect(text).toContain('更换光猫尾纤');
    const actors = await timeline.getByTestId('timeline-actor').allInnerTexts();
    expect(actors.length).toBeGreaterThanOrEqual(6);
    expect(actors.every((a) => a.includes(me.displayName))).toBe(true);
    expect(text).not.toMatch(/\bagent\b|[0-9a-f]{8}-[0-9a-f]{4}-/);
    // The internal note is told apart from what the customer sees.
    const noteEntry = timeline.locator('[data-testid="timeline-entry"]', { hasText: '已远程查看光猫' });
    expect(await noteEntry.getAttribute('data-visibility')).toBe('internal');
    expect(await noteEntry.getByTestId('timeline-visibility').innerText()).toBe('内部');
    const resolved = timeline.locator('[data-testid="timeline-entry"]', { hasText: '更换光猫尾纤' });
    expect(await resolved.getAttribute('data-visibility')).toBe('customer');
    // 通知: the customer was told of each step by SMS (the demo's simulator gateway), masked here.
    const notices = page.getByTestId('request-notices');
    await expect
      .poll(() => notices.locator('[data-testid="request-notice"][data-status="sent"]').count(), {
        timeout: 40_000,
      })
      .toBeGreaterThanOrEqual(3);
    const told = await notices
      .locator('[data-testid="request-notice"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-event')));
    expect(told).toEqual(expect.arrayContaining(['accepted', 'dispatched', 'resolved']));
    const noticeText = await notices.innerText();
    expect(noticeText).toContain('已发送');
    expect(noticeText).toContain(`${PHONE.slice(0, 3)}****${PHONE.slice(-4)}`);
    expect(noticeText).not.toContain(PHONE);
    expect(await englishOnPage(page)).toEqual([]);
    await screenshot(page, 'request-resolved');

    // The 360 page lists it among the customer's open requests (回单 is not 归档).
    await page.goto(`/customers/${customerId}`);
    await poll(() => page.getByTestId('customer-open-requests').innerText()).toContain('已回单');

    // The agent's queues: counts from the API, the one they accepted under 我首问的, found by 尾号.
    await page.getByTestId('nav-requests').click();
    await page.getByTestId('queue-owned').click();
    await poll(() => page.getByTestId('queue-owned').innerText()).toMatch(/我首问的\s*\d+/);
    await poll(() => page.getByTestId('request-table').innerText()).toContain('光猫 LOS 红灯');
    await page.getByTestId('queue-all').click();
    const search = page.getByTestId('request-search').locator('input');
    await search.fill(PHONE.slice(-4));
    await search.press('Enter');
    await poll(() => page.getByTestId('request-table').locator('.ant-table-row').count()).toBe(1);
    expect(await page.getByTestId('request-table').innerText()).toContain('光猫 LOS 红灯');
    expect(await englishOnPage(page)).toEqual([]);
    await screenshot(page, 'request-queues');
    expect(problems).toEqual([]);
  });

  it('offers a stale action the reload, not a lost write', async () => {
    await page.goto(`/requests/${requestId}`);
    await page.getByTestId('action-callback').waitFor();
    // Someone else changes the request after the page read it.
    const asAgent = await apiAs(stage.server.url, 'agent');
    const urged = await asAgent('POST', `/api/v1/service-requests/${requestId}/urges`, {});
    expect(urged.status, JSON.stringify(urged.data)).toBe(200);
    await page.getByTestId('action-callback').click();
    const modal = page.getByTestId('action-modal').getByRole('dialog');
    await modal.locator('.ant-modal-footer .ant-btn-primary').click();
    await modal.getByTestId('edit-conflict').waitFor();
    await modal.getByTestId('edit-conflict-reload').click();
    await poll(() => page.getByTestId('request-urges').innerText()).toBe('1');
  });
});

describe('一点受理: a caller of another region', () => {
  it('is identified by the whole number with a purpose, shown masked, and the agent stays the owner', async () => {
    const asAdmin = await apiAs(stage.server.url, 'admin');
    const units = await asAdmin<{ items: Array<{ id: string; code: string }> }>('GET', '/api/v1/org-units');
    const zj = await asAdmin<{ id: string }>('POST', '/api/v1/customers', {
      kind: 'individual',
      name: '欧阳外省',
      orgUnitId: units.data.items.find((u) => u.code === 'CT.ZJ.HZ')!.id,
      phone: '13955559931',
    });
    expect(zj.status, JSON.stringify(zj.data)).toBe(201);
    await signIn('agent');
    await page.goto('/requests/new');
    // The customer search (the agent's scope) does not find them …
    const lookup = page.getByTestId('intake-lookup').locator('input');
    await lookup.fill('13955559931');
    await lookup.press('Enter');
    await poll(() => page.getByTestId('intake-customer').innerText()).toContain('没有找到匹配');
    // … identification by the whole number, with a purpose, does: masked.
    const identify = page.getByTestId('intake-identify');
    await identify.getByTestId('identify-value').fill('13955559931');
    await identify.getByTestId('identify-purpose').fill('来电报修宽带故障');
    await identify.getByTestId('identify-submit').click();
    const results = identify.getByTestId('identify-results');
    await poll(() => results.innerText()).toContain('外地客户');
    expect(await results.innerText()).not.toContain('欧阳外省');
    await results.getByTestId('identify-pick').first().click();
    await page.getByTestId('intake-customer-picked').waitFor();
    await page.getByTestId('intake-title').fill('外省客户来电：宽带无法上网');
    await page.getByTestId('intake-description').fill('客户在杭州，宽带无法上网。');
    expect(await englishOnPage(page)).toEqual([]);
    await page.getByTestId('intake-submit').click();
    await page.waitForURL(/\/requests\/[0-9a-f-]{36}$/);
    const header = page.getByTestId('request-header');
    await poll(() => header.getByTestId('request-owner').innerText()).toContain('我');
    expect(await header.innerText()).not.toContain('欧阳外省');
    expect(problems).toEqual([]);
  });
});

describe('the customer portal', () => {
  it('a customer reports a fault on their service, an agent works it to 回单, the customer confirms it; the timeline shows both', async () => {
    const customer = await stage.open({ width: 390, height: 844, mobile: true });
    try {
      const { page: portal, problems: portalProblems } = customer;
      await signInAt(portal, stage.server.url, 'customer');
      await portal.goto('/portal');
      const service = portal.getByTestId('portal-home').getByTestId('portal-service').first();
      await service.waitFor();
      expect(await service.getByTestId('portal-service-status').innerText()).toBe('正常');
      await service.getByTestId('portal-service-report').click();
      const form = portal.getByTestId('portal-report-form');
      await form.waitFor();
      await choose(form.getByTestId('portal-report-category'), '宽带无法上网', portal);
      await form.getByTestId('portal-report-title').fill('家里宽带上不了网');
      await form.getByTestId('portal-report-description').fill('光猫红灯一直闪，晚上八点后家里有人');
      expect(await englishOnPage(portal)).toEqual([]);
      await screenshot(portal, 'portal-report');
      await form.getByTestId('portal-report-submit').click();
      await portal.waitForURL(/\/portal\/requests\/[0-9a-f-]{36}$/);
      const requestId = new URL(portal.url()).pathname.split('/').pop()!;
      const number = (await portal.getByTestId('portal-request-number').innerText()).replace(/\s/g, '');

      // The agent finds it by its number and works it on the request page.
      await signIn('agent');
      await page.goto('/requests');
      await page.getByTestId('queue-all').click();
      const search = page.getByTestId('request-search').locator('input');
      await search.fill(number);
      await search.press('Enter');
      await poll(() => page.getByTestId('request-table').locator('.ant-table-row').count()).toBe(1);
      await page.getByTestId('request-table').getByTestId('request-link').click();
      await page.waitForURL(`**/requests/${requestId}`);
      const header = page.getByTestId('request-header');
      // 首问负责制: nobody owns a customer's own request until the first agent takes it.
      await poll(() => header.getByTestId('request-owner').innerText()).toContain('待首位接单人');
      await act('dispatch', '已派单', undefined, 'action-dispatch-to-me');
      await act('take', '已接单');
      expect(await header.getByTestId('request-owner').innerText()).toContain('我');
      await act('start', '处理中');
      await act('resolve', '已回单', { field: 'action-result', value: '更换光猫，恢复上网' });

      // The customer sees the resolution and confirms it.
      await portal.reload();
      await poll(() => portal.getByTestId('portal-request-resolution').innerText()).toContain('更换光猫');
      await portal.getByTestId('portal-confirm').click();
      await portal.getByTestId('portal-request-closed').waitFor();
      // 我的消息: the notices sent to the customer about it (the 回单 SMS among them), masked.
      const messages = portal.getByTestId('portal-messages');
      await expect
        .poll(
          async () => {
            await portal.reload();
            await messages.waitFor();
            return messages.locator('[data-testid="portal-message"][data-event="resolved"]').count();
          },
          { timeout: 40_000, interval: 2000 },
        )
        .toBe(1);
      expect(await messages.innerText()).toMatch(/短信[\s\S]*\d{3}\*{4}\d{4}/);
      const progress = portal.getByTestId('portal-timeline');
      expect(await progress.innerText()).toContain('已归档');
      expect(await progress.innerText()).not.toContain('agent');
      expect(await englishOnPage(portal)).toEqual([]);
      await screenshot(portal, 'portal-request-closed');
      expect(portalProblems).toEqual([]);

      // The agent's timeline has the customer's steps and the agent's.
      await page.reload();
      await poll(() => header.getByTestId('request-status').innerText()).toBe('已归档');
      const timeline = page.getByTestId('request-timeline');
      const entries = timeline.getByTestId('timeline-entry');
      // People by their names, not logins; the customer's name is masked to staff (秦**).
      const agentName = (
        await (
          await apiAs(stage.server.url, 'agent')
        )<{ displayName: string }>('GET', '/api/v1/auth/me')
      ).data.displayName;
      const byAgent = entries.filter({ hasText: agentName });
      const byCustomer = entries.filter({ hasText: '客户可见' }).filter({ hasNotText: agentName });
      expect(await byCustomer.count()).toBeGreaterThanOrEqual(3); // created, callback, confirm
      expect(await byCustomer.first().innerText()).toMatch(/·\s*\S\*+/);
      expect(await byAgent.count()).toBeGreaterThanOrEqual(4);
      const text = await timeline.innerText();
      for (const step of ['处理中 → 已回单', '已回单 → 回访中', '回访中 → 已归档'])
        expect(text).toContain(step);
      expect(problems).toEqual([]);
    } finally {
      await customer.context.close();
    }
  });
});

describe('notice templates', () => {
  it('the administrator edits a notice text in zh-CN, variables listed', async () => {
    await signIn('sysadmin');
    await page.goto('/admin/notice-templates');
    const table = page.getByTestId('notice-template-table');
    await poll(() => table.locator('.ant-table-row').count()).toBe(8);
    expect(await page.getByTestId('admin-notice-templates').innerText()).toContain('{number}');
    const row = table.locator('.ant-table-row', { hasText: '派单通知' }).filter({ hasText: '简体中文' });
    await row.getByTestId('notice-template-edit').click();
    const modal = page.getByTestId('notice-template-modal').getByRole('dialog');
    await modal.waitFor();
    await modal.locator('textarea').fill('【派单】{number}：师傅已接单，将在两小时内联系您。');
    expect(await englishOnPage(page)).toEqual([]);
    await modal.locator('.ant-modal-footer .ant-btn-primary').click();
    await modal.waitFor({ state: 'hidden' });
    await poll(() => row.innerText()).toContain('两小时内联系您');
    expect(await englishOnPage(page)).toEqual([]);
    await screenshot(page, 'admin-notice-templates');
    expect(problems).toEqual([]);
  });
});

describe('mailboxes', () => {
  it('the administrator sees the mailboxes and how notices go out, adds an IMAP account and sees its poll fail honestly', async () => {
    await signIn('sysadmin');
    await page.goto('/admin/mailboxes');
    const table = page.getByTestId('mailbox-table');
    await poll(() => table.locator('.ant-table-row').count()).toBe(2);
    const fault = table.locator('.ant-table-row', { hasText: 'fault@onepoint.local' });
    expect(await fault.innerText()).toContain('故障申告');
    expect(await fault.innerText()).toContain('由内置 SMTP 接收');
    await poll(() => page.getByTestId('channel-settings-sms').innerText()).toContain('模拟器');
    expect(await page.getByTestId('channel-settings-mail-out').innerText()).toContain('未配置');

    await fault.getByTestId('mailbox-imap-edit').click();
    const modal = page.getByTestId('mailbox-imap-modal').getByRole('dialog');
    await modal.waitFor();
    await modal.getByTestId('imap-host').fill('127.0.0.1');
    await modal.locator('#mailbox-imap_port').fill('1');
    await modal.locator('#mailbox-imap_password').fill('e2e-imap-secret');
    expect(await englishOnPage(page)).toEqual([]);
    await modal.locator('.ant-modal-footer .ant-btn-primary').click();
    await modal.waitFor({ state: 'hidden' });
    await poll(() => fault.getByTestId('mailbox-imap-status').innerText()).toContain('尚未收取');
    expect(await page.locator('body').innerText()).not.toContain('e2e-imap-secret');

    // Nothing listens on port 1: the poll fails and the screen says so.
    await fault.getByTestId('mailbox-imap-poll').click();
    await poll(() => fault.getByTestId('mailbox-imap-status').innerText()).toContain('收取失败');
    expect(await englishOnPage(page)).toEqual([]);
    await screenshot(page, 'admin-mailboxes');
    await fault.getByTestId('mailbox-imap-remove').click();
    await poll(() => fault.innerText()).toContain('由内置 SMTP 接收');
    expect(problems).toEqual([]);
  });
});

describe('scope', () => {
  it('shows a technician no request outside their scope', async () => {
    const asZj = await apiAs(stage.server.url, 'zj.agent');
    const other = await asZj<{ id: string; number: string }>('POST', '/api/v1/service-requests', {
      kind: 'fault',
      title: '杭州宽带故障',
      description: '浙江来电',
      channel: 'hotline',
    });
    expect(other.status, JSON.stringify(other.data)).toBe(201);
    await signIn('technician');
    await page.getByTestId('nav-requests').click();
    await page.getByTestId('requests').waitFor();
    // Every request in scope, closed ones too (not just a queue).
    await page.getByTestId('queue-all').click();
    await page.getByTestId('request-filter-open').waitFor();
    await page.waitForTimeout(500);
    await poll(() => page.getByTestId('request-table').innerText()).not.toContain('杭州宽带故障');
    await page.goto(`/requests/${other.data.id}`);
    await page.getByTestId('request-page').locator('.ant-result').waitFor();
    expect(await page.getByTestId('request-page').innerText()).not.toContain('杭州宽带故障');
  });
});
