// The second factor in the console against a real `onepoint serve --demo` with
// ONEPOINT_REQUIRE_MFA=true: a supervisor (pii.reveal) enrols on the login page before anything
// else, then signs in with a code; an agent signs in with the password alone and may turn it on.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/modules/identity/domain/mfa.ts';
import {
  launchBrowser,
  newContext,
  PASSWORD,
  screenshot,
  startServer,
  watchPage,
  type Server,
} from './harness.ts';

let server: Server;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer({ ONEPOINT_REQUIRE_MFA: 'true' }), launchBrowser()]);
});

afterAll(async () => {
  while (contexts.length) await contexts.pop()!.close();
  await browser?.close();
  await server?.stop();
});

async function open() {
  const context = await newContext(browser, server.browserUrl);
  contexts.push(context);
  const page = await context.newPage();
  return { page, problems: watchPage(page).problems };
}

async function password(page: Page, login: string) {
  await page.goto('/login');
  await page.locator('#login_login').fill(login);
  await page.locator('#login_password').fill(PASSWORD);
  await page.locator('form[id="login"] button[type="submit"]').click();
}

async function enterCode(page: Page, code: string) {
  await page.getByTestId('mfa-code').fill(code);
  await page.locator('form[id="mfa-code"] button[type="submit"]').click();
}

/** The secret the enrolment shows (grouped by four for reading). */
async function shownSecret(page: Page): Promise<string> {
  return (await page.getByTestId('mfa-secret').innerText()).replace(/\s/g, '');
}

describe('two-factor sign-in in the console', () => {
  let secret = '';

  it('sends a supervisor to set up the second factor after the password: QR code, then a first code', async () => {
    const { page, problems } = await open();
    await password(page, 'supervisor');
    await page.getByTestId('mfa-qr').waitFor();
    expect(await page.locator('body').innerText()).toContain('设置双因素认证');
    expect(new URL(page.url()).pathname).toBe('/login');
    secret = await shownSecret(page);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await screenshot(page, 'login-mfa-enrolment');
    await enterCode(page, '000000');
    await expect.poll(() => page.getByTestId('login-error').innerText()).toContain('验证码不正确');
    await enterCode(page, totpCode(secret, new Date()));
    await page.waitForURL((u) => u.pathname === '/supervisor', { timeout: 15_000 });
    expect(problems).toEqual([]);
  });

  it('then asks the supervisor for a code at every sign-in; a wrong one is refused', async () => {
    const { page, problems } = await open();
    await password(page, 'supervisor');
    await page.getByTestId('mfa-code').waitFor();
    expect(await page.locator('body').innerText()).toContain('输入验证码');
    await screenshot(page, 'login-mfa-code');
    await enterCode(page, '111111');
    await expect.poll(() => page.getByTestId('login-error').innerText()).toContain('验证码不正确');
    // The next step's code (within the drift window): the enrolment used the current one.
    await enterCode(page, totpCode(secret, new Date(Date.now() + 30_000)));
    await page.waitForURL((u) => u.pathname === '/supervisor', { timeout: 15_000 });
    expect(problems).toEqual([]);
  });

  it('lets an agent in with the password alone, and turn the second factor on from the user menu', async () => {
    const { page, problems } = await open();
    await password(page, 'agent');
    await page.waitForURL((u) => u.pathname === '/agent', { timeout: 15_000 });
    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '双因素认证' }).click();
    await expect.poll(() => page.getByTestId('mfa-status').innerText()).toBe('未启用');
    await page.getByRole('button', { name: '启用双因素认证' }).click();
    await page.getByTestId('mfa-qr').waitFor();
    const agentSecret = await shownSecret(page);
    await enterCode(page, totpCode(agentSecret, new Date()));
    await expect.poll(() => page.getByTestId('mfa-status').innerText()).toMatch(/^已启用/);
    await screenshot(page, 'mfa-settings');
    expect(problems).toEqual([]);
  });
});
