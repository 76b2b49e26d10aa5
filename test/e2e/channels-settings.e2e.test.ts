// Gateway settings in the console (系统管理 → 邮箱设置): the system administrator sees that mail out
// comes from the environment (not configured in the demo), saves an SMTP server with a login, sees
// it — source, server, "password set" and never the password — again after a reload, sends a test
// mail that a local SMTP server receives with that login, is stopped by the form when a new host
// would need the password again, and resets to the environment.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpReceiver, type SmtpReceiver } from '../smtp-receiver.ts';
import { englishOnPage } from './english.ts';
import { pick, poll, screenshot, signIn as signInAt, type Stage, startStage } from './harness.ts';

const SMTP_USER = 'notices';
const SMTP_PASSWORD = 'E2e-mail-secret-42';
let stage: Stage;
let page: Page;
let problems: string[];
let smtp: SmtpReceiver;

beforeAll(async () => {
  smtp = await startSmtpReceiver({ user: SMTP_USER, pass: SMTP_PASSWORD });
  stage = await startStage();
  ({ page, problems } = await stage.open());
});

afterAll(async () => {
  await stage?.stop();
  await smtp?.close();
});

const dialog = (testId: string) => page.getByTestId(testId).getByRole('dialog');

describe('gateway settings', () => {
  it('the administrator saves an SMTP server, sees it after a reload (never the password), and a test mail arrives', async () => {
    await signInAt(page, stage.server.url, 'sysadmin');
    await page.goto('/admin/mailboxes');
    const mail = page.getByTestId('mail-out-settings');
    await poll(() => mail.getByTestId('gateway-source').innerText()).toContain('服务器环境变量');
    expect(await mail.getByTestId('channel-settings-mail-out').innerText()).toContain('未配置');
    // No reset offered while the environment applies.
    expect(await mail.getByTestId('mail-out-reset').count()).toBe(0);

    await mail.getByTestId('mail-out-edit').click();
    const form = dialog('mail-out-modal');
    await form.waitFor();
    await form.getByTestId('mail-out-host').fill('127.0.0.1');
    await form.getByTestId('mail-out-port').fill(String(smtp.port));
    await pick(page, form.getByTestId('mail-out-tls'), '服务器支持时使用 STARTTLS');
    await form.getByTestId('mail-out-username').fill(SMTP_USER);
    // A login without its password: the form says so before anything is sent.
    await form.getByTestId('mail-out-from-input').fill('客服中心 <kefu@ct.example>');
    await form.locator('.ant-modal-footer .ant-btn-primary').click();
    await poll(() => form.locator('.ant-form-item-explain-error').first().innerText()).toContain(
      '请填写此项',
    );
    await form.getByTestId('mail-out-password-input').fill(SMTP_PASSWORD);
    expect(await englishOnPage(page)).toEqual([]);
    await form.locator('.ant-modal-footer .ant-btn-primary').click();
    await form.waitFor({ state: 'hidden' });

    const saved = async () => {
      await poll(() => mail.getByTestId('gateway-source').innerText()).toContain('管理员设置');
      expect(await mail.getByTestId('gateway-source').innerText()).toContain('sysadmin');
      expect(await mail.getByTestId('channel-settings-mail-out').innerText()).toContain(
        `127.0.0.1:${smtp.port}`,
      );
      expect(await mail.getByTestId('mail-out-password').innerText()).toBe('已设置（不显示）');
      expect(await mail.getByTestId('mail-out-from').innerText()).toBe('客服中心 <kefu@ct.example>');
      expect(await page.locator('body').innerText()).not.toContain(SMTP_PASSWORD);
    };
    await saved();
    await page.reload();
    await saved();
    expect(await englishOnPage(page)).toEqual([]);

    // The test mail goes through the saved server, logged in as saved.
    await mail.getByTestId('mail-out-test').click();
    const test = dialog('gateway-test-modal');
    await test.waitFor();
    await test.getByTestId('gateway-test-to').fill('ops.lead@ct.example');
    await test.locator('.ant-modal-footer .ant-btn-primary').click();
    await poll(() => test.getByTestId('gateway-test-result').innerText()).toContain('已发送');
    expect(await test.getByTestId('gateway-test-result').innerText()).toContain('管理员设置');
    expect(smtp.envelopes).toEqual([{ to: ['ops.lead@ct.example'], login: SMTP_USER }]);
    expect(await englishOnPage(page)).toEqual([]);
    await screenshot(page, 'admin-gateway-settings-test');
    await test.locator('.ant-modal-footer .ant-btn:not(.ant-btn-primary)').click();
    await test.waitFor({ state: 'hidden' });

    // Another host: the password is not carried over, the form asks for it again.
    await mail.getByTestId('mail-out-edit').click();
    await form.waitFor();
    await form.getByTestId('mail-out-host').fill('smtp.elsewhere.example');
    await form.locator('.ant-modal-footer .ant-btn-primary').click();
    await poll(() => form.locator('.ant-form-item-explain-error').first().innerText()).toContain(
      '重新输入密码',
    );
    await form.locator('.ant-modal-footer .ant-btn:not(.ant-btn-primary)').click();
    await form.waitFor({ state: 'hidden' });
    await screenshot(page, 'admin-gateway-settings');
    expect(problems).toEqual([]);
  });

  it('resets to the environment', async () => {
    const mail = page.getByTestId('mail-out-settings');
    await mail.getByTestId('mail-out-reset').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await poll(() => mail.getByTestId('gateway-source').innerText()).toContain('服务器环境变量');
    expect(await mail.getByTestId('channel-settings-mail-out').innerText()).toContain('未配置');
    await page.reload();
    await poll(() => mail.getByTestId('channel-settings-mail-out').innerText()).toContain('未配置');
    expect(problems).toEqual([]);
  });
});
