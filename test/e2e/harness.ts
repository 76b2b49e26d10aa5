import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const SCREENSHOTS = path.join(ROOT, 'test-results/screenshots');
export const PASSWORD = 'e2e-demo-pass';
const CHROMIUM = process.env.ONEPOINT_E2E_CHROMIUM ?? '/usr/bin/chromium';
/** The browser reaches the server under this name (mapped to 127.0.0.1). */
export const LAN_HOST = 'onepoint.test';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface Server {
  /** Where the tests' own fetch calls reach the server. */
  url: string;
  /** Where the browser opens the console: a LAN-style name, not localhost. */
  browserUrl: string;
  stop(): Promise<void>;
  /** The server's output so far, for failure messages. */
  output(): string;
}

/** `onepoint serve --demo` on a free port with a throw-away embedded data directory. */
export async function startServer(extraEnv: Record<string, string> = {}): Promise<Server> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-e2e-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    ONEPOINT_DATA_DIR: dataDir,
    ONEPOINT_DEMO_PASSWORD: PASSWORD,
    LOG_LEVEL: 'warn',
    ONEPOINT_JOBS: 'off',
    ONEPOINT_RATE_LIMIT_PER_MINUTE: '100000',
    ONEPOINT_LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
    ONEPOINT_IMPORTS_PER_HOUR: '10000',
    ...extraEnv,
  };
  delete env.DATABASE_URL;
  let log = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(ROOT, 'bin/onepoint.js'), 'serve', '--demo'],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  // If the test run ends without stopping it (a crash, an interrupted run), take the server along.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  child.stdout!.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${log}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server did not become ready:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    browserUrl: `http://${LAN_HOST}:${port}`,
    output: () => log,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set ONEPOINT_E2E_CHROMIUM)`,
    );
  }
  // Playwright gives every launch a fresh, temporary --user-data-dir of its own.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // A name that is not localhost, so the console is used as from another PC on the LAN
      // (plain HTTP on a non-local origin: no "trustworthy origin" exemptions).
      `--host-resolver-rules=MAP ${LAN_HOST} 127.0.0.1`,
    ],
  });
}

/** Problems a page reports that a person would not see but we must not ship (CSP violations, errors). */
export function watchPage(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(text)) problems.push(`CSP: ${text}`);
  });
  return { problems };
}

export async function newContext(
  browser: Browser,
  baseURL: string,
  opts: { width?: number; height?: number; mobile?: boolean; motion?: boolean } = {},
): Promise<BrowserContext> {
  return browser.newContext({
    baseURL,
    viewport: { width: opts.width ?? 1366, height: opts.height ?? 820 },
    isMobile: opts.mobile ?? false,
    hasTouch: opts.mobile ?? false,
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    // As a user who turned animations off: a dialog is there at once, so a click on its button
    // cannot land while it is still zooming in (a lost click on a loaded machine).
    reducedMotion: opts.motion ? 'no-preference' : 'reduce',
  });
}

/** A demo server and a browser for one test file; the browser sessions opened with `open` close with it. */
export interface Stage {
  server: Server;
  /** A fresh browser session (own cookies and storage) on the console; its page's problems watched. */
  open(
    opts?: Parameters<typeof newContext>[2],
  ): Promise<{ context: BrowserContext; page: Page; problems: string[] }>;
  /** Closes the sessions opened so far; the server and the browser stay. */
  closeAll(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `onepoint serve --demo` (with `env`) and the browser side by side. */
export async function startStage(env: Record<string, string> = {}): Promise<Stage> {
  const [server, browser] = await Promise.all([startServer(env), launchBrowser()]);
  const contexts: BrowserContext[] = [];
  const closeAll = async () => {
    while (contexts.length) await contexts.pop()!.close();
  };
  return {
    server,
    async open(opts = {}) {
      const context = await newContext(browser, server.browserUrl, opts);
      contexts.push(context);
      const page = await context.newPage();
      return { context, page, problems: watchPage(page).problems };
    },
    closeAll,
    async stop() {
      await closeAll();
      await browser.close();
      await server.stop();
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * Signs in through the API (as the login form does) and gives the browser the session cookie the
 * server set, then opens the console: faster than typing, for tests about what comes after login.
 */
export async function signIn(
  page: Page,
  apiUrl: string,
  loginName: string,
  password = PASSWORD,
): Promise<void> {
  const res = await fetch(`${apiUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: loginName, password }),
  });
  if (!res.ok) throw new Error(`login ${loginName}: ${res.status} ${await res.text()}`);
  const cookie = /op_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  if (!cookie) throw new Error('the login response set no op_session cookie');
  await page.context().clearCookies();
  await page
    .context()
    .addCookies([
      { name: 'op_session', value: cookie, domain: LAN_HOST, path: '/', httpOnly: true, sameSite: 'Strict' },
    ]);
  await page.goto('/');
  await page.waitForURL((u) => u.pathname !== '/' && !u.pathname.startsWith('/login'), { timeout: 15_000 });
}

/** Calls the API as a demo user with a bearer token (for set-up steps that are not under test). */
export async function apiAs(baseUrl: string, loginName: string, password = PASSWORD) {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: loginName, password }),
  });
  if (!res.ok) throw new Error(`login ${loginName}: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  return async <T = unknown>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; data: T }> => {
    const r = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return { status: r.status, data: (text ? JSON.parse(text) : undefined) as T };
  };
}

// The machine may be busy (2 shared cores): wait for UI states longer than expect.poll's 1 s default.
export const poll = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000 });

/** Opens an antd select and clicks the option with `text` (the list is rendered outside the modal). */
export async function pick(page: Page, select: Locator, text: string): Promise<void> {
  await select.click();
  const option = page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text })
    .first();
  await option.waitFor();
  await option.click();
  await poll(() => select.textContent()).toContain(text);
}

/** Picks an option of the open antd Select dropdown by its text. */
export async function pickOption(page: Page, text: string): Promise<void> {
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: text })
    .first()
    .click();
}

/** Signs in through the login form and waits for the landing page. */
export async function login(page: Page, loginName: string, password = PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.locator('#login_login').fill(loginName);
  await page.locator('#login_password').fill(password);
  await page.locator('form[id="login"] button[type="submit"]').click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 15_000 });
}

/** The workspaces in the menu, in order (their test ids: nav-agent, nav-admin, …). */
export async function menuWorkspaces(page: Page): Promise<string[]> {
  await page.getByTestId('main-nav').waitFor();
  const ids = await page
    .getByTestId('main-nav')
    .locator('[data-testid^="nav-"]')
    .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''));
  return ids.filter((id) => !id.startsWith('nav-admin-')).map((id) => id.slice('nav-'.length));
}
