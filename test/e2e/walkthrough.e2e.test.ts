// Issue 15: what a walk-through of the console as each role found, checked in a real browser. One
// server and one browser session for the file (users switched through the API) keep it quick.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  newContext,
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

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  context = await newContext(browser, server.browserUrl);
  page = await context.newPage();
  problems = watchPage(page).problems;
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
});

const signIn = (login: string) => signInAt(page, server.url, login);
// The machine may be busy (2 shared cores): wait for UI states longer than expect.poll's 1 s default.
const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000 });

describe('a screen shows only what works', () => {
  it('shows the monitoring centre without a number while no alarm source is connected', async () => {
    await signIn('monitor');
    const frame = page.getByTestId('workspace-monitoring');
    await frame.getByTestId('not-built').waitFor();
    expect(await frame.locator('.ant-statistic, .ant-card, .ant-empty').count()).toBe(0);
    // No counter of any kind: a 0 would read as "all clear".
    expect(await frame.innerText()).not.toMatch(/\d/);
  });

  it('gives the dispatcher the technicians, not board columns fixed at 0', async () => {
    await signIn('dispatcher');
    const frame = page.getByTestId('workspace-dispatch');
    await frame.getByTestId('technicians').locator('.ant-list-item').first().waitFor();
    await frame.getByTestId('not-built').waitFor();
    expect(await frame.locator('.ant-tag').count()).toBe(0);
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
  });

  it('offers the agent no 新建工单 button or Alt+N that opens nothing', async () => {
    await signIn('agent');
    const frame = page.getByTestId('workspace-agent');
    await frame.getByTestId('not-built').waitFor();
    expect(await frame.getByRole('button', { name: /新建工单/ }).count()).toBe(0);
    await page.locator('body').click();
    await page.keyboard.press('Alt+KeyN');
    await page.waitForTimeout(300);
    expect(await page.locator('.ant-drawer-open, .ant-modal-wrap:visible').count()).toBe(0);
  });

  it('offers the customer no 提交服务请求 button that does nothing', async () => {
    await signIn('customer');
    const home = page.getByTestId('portal-home');
    await home.getByTestId('not-built').waitFor();
    expect(await home.locator('button').count()).toBe(0);
    expect(await page.locator('body').innerText()).not.toContain('提交服务请求');
    expect(problems).toEqual([]);
  });
});
