// The second factor in the console against a real `onepoint serve --demo` with
// ONEPOINT_REQUIRE_MFA=true: a supervisor (pii.reveal) enrols on the login page before anything
// else and is shown the recovery codes, then signs in with a code, and with a recovery code (once
// each), is warned when few are left and makes new ones; an agent signs in with the password alone
// and may turn it on.
import fs from 'node:fs';
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

async function enterRecoveryCode(page: Page, code: string) {
  await page.getByTestId('mfa-recovery-code').fill(code);
  await page.locator('form[id="mfa-recovery"] button[type="submit"]').click();
}

/** Signs the supervisor in through the API with a recovery code (set-up, not under test). */
async function spendRecoveryCode(code: string) {
  const post = (path: string, body: object) =>
    fetch(`${server.url}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const { challenge } = (await (
    await post('/auth/login', { login: 'supervisor', password: PASSWORD })
  ).json()) as {
    challenge: string;
  };
  const res = await post('/auth/login/mfa/recovery', { challenge, recoveryCode: code });
  expect(res.status).toBe(200);
}

/** The secret the enrolment shows (grouped by four for reading). */
async function shownSecret(page: Page): Promise<string> {
  return (await page.getByTestId('mfa-secret').innerText()).replace(/\s/g, '');
}

describe('two-factor sign-in in the console', () => {
  let secret = '';
  let recoveryCodes: string[] = [];

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
    // Set up: the ten recovery codes, shown this once, before going on.
    await page.getByTestId('recovery-codes').waitFor();
    expect(await page.locator('body').innerText()).toContain('请立即保存这些恢复码');
    recoveryCodes = await page.getByTestId('recovery-code').allInnerTexts();
    expect(recoveryCodes).toHaveLength(10);
    for (const c of recoveryCodes) expect(c).toMatch(/^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('recovery-codes-download').click(),
    ]);
    expect(download.suggestedFilename()).toBe('onepoint-恢复码-supervisor.txt');
    const file = fs.readFileSync(await download.path(), 'utf8');
    for (const c of recoveryCodes) expect(file).toContain(c);
    await screenshot(page, 'login-mfa-recovery-codes');
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByTestId('recovery-codes-done').click();
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

  it('signs the supervisor in with a recovery code instead (phone not at hand); a used one is refused', async () => {
    const { page, problems } = await open();
    await password(page, 'supervisor');
    await page.getByTestId('mfa-use-recovery').click();
    expect(await page.locator('body').innerText()).toContain('使用恢复码登录');
    await screenshot(page, 'login-mfa-recovery');
    // As typed from paper: upper case, spaces for dashes.
    await enterRecoveryCode(page, recoveryCodes[0]!.toUpperCase().replace(/-/g, ' '));
    await page.waitForURL((u) => u.pathname === '/supervisor', { timeout: 15_000 });
    // Nine left: no warning.
    expect(await page.locator('.ant-notification-notice').count()).toBe(0);

    const again = await open();
    await password(again.page, 'supervisor');
    await again.page.getByTestId('mfa-use-recovery').click();
    await enterRecoveryCode(again.page, recoveryCodes[0]!);
    await expect.poll(() => again.page.getByTestId('login-error').innerText()).toContain('该恢复码已使用过');
    await enterRecoveryCode(again.page, 'zzzz-zzzz-zzzz-zzzz');
    await expect.poll(() => again.page.getByTestId('login-error').innerText()).toContain('恢复码不正确');
    await enterRecoveryCode(again.page, recoveryCodes[1]!);
    await again.page.waitForURL((u) => u.pathname === '/supervisor', { timeout: 15_000 });
    expect([...problems, ...again.problems]).toEqual([]);
  });

  it('warns when two or fewer recovery codes are left, and makes new ones from the user menu', async () => {
    // Eight used: two left before this sign-in, one after it.
    for (const code of recoveryCodes.slice(2, 8)) await spendRecoveryCode(code);
    const { page, problems } = await open();
    await password(page, 'supervisor');
    await page.getByTestId('mfa-use-recovery').click();
    await enterRecoveryCode(page, recoveryCodes[8]!);
    await page.waitForURL((u) => u.pathname === '/supervisor', { timeout: 15_000 });
    await expect
      .poll(() => page.locator('.ant-notification-notice').innerText())
      .toContain('恢复码仅剩 1 个');
    await page.getByTestId('user-menu').waitFor();
    await screenshot(page, 'login-mfa-recovery-low');

    await page.getByTestId('user-menu').click();
    await page.getByRole('menuitem', { name: '双因素认证' }).click();
    await expect.poll(() => page.getByTestId('mfa-recovery-left').innerText()).toBe('1');
    expect(await page.getByTestId('mfa-recovery-low').innerText()).toContain('恢复码仅剩 1 个');
    await page.getByRole('button', { name: '重新生成恢复码' }).click();
    await page.getByTestId('mfa-regenerate').getByText('登录密码', { exact: true }).click();
    await page.getByTestId('mfa-password').fill(PASSWORD);
    await page.locator('form[id="mfa-password"] button[type="submit"]').click();
    await page.getByTestId('recovery-codes').waitFor();
    const fresh = await page.getByTestId('recovery-code').allInnerTexts();
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(recoveryCodes[9]);
    await page.getByTestId('recovery-codes-done').click();
    await expect.poll(() => page.getByTestId('mfa-recovery-left').innerText()).toBe('10');
    expect(await page.getByTestId('mfa-recovery-low').count()).toBe(0);

    // The last old code stopped working; a new one works.
    const old = await open();
    await password(old.page, 'supervisor');
    await old.page.getByTestId('mfa-use-recovery').click();
    await enterRecoveryCode(old.page, recoveryCodes[9]!);
    await expect.poll(() => old.page.getByTestId('login-error').innerText()).toContain('恢复码不正确');
    await enterRecoveryCode(old.page, fresh[0]!);
    await old.page.waitForURL((u) => u.pathname === '/supervisor', { timeout: 15_000 });
    expect([...problems, ...old.problems]).toEqual([]);
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
    await page.getByTestId('recovery-codes').waitFor();
    expect(await page.getByTestId('recovery-code').count()).toBe(10);
    await page.getByTestId('recovery-codes-done').click();
    await expect.poll(() => page.getByTestId('mfa-status').innerText()).toMatch(/^已启用/);
    expect(await page.getByTestId('mfa-recovery-left').innerText()).toBe('10');
    await screenshot(page, 'mfa-settings');
    expect(problems).toEqual([]);
  });
});
