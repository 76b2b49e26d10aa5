// Issue 12 in the console: the request page's 服务时限 card shows the deadlines the API computed
// (in the user's time zone) with a live countdown and the explanation, a suspension asks its cause
// and 客户原因 pauses the clocks, the queues count down to each request's nearest deadline, and
// the scheduler's warnings and breaches read as sentences on the timeline, in Chinese and English.
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { englishOnPage } from './english.ts';
import { apiAs, poll, screenshot, signIn as signInAt, type Stage, startStage } from './harness.ts';

let stage: Stage;
let page: Page;
let problems: string[];
let asAgent: Awaited<ReturnType<typeof apiAs>>;
/** Two faults of a 本地B enterprise customer: `working` is taken and started, `waiting` is not. */
let working: { id: string; version: number };
let waiting: { id: string };

type Clock = {
  target: string;
  name: string;
  state: string;
  deadline: string | null;
  policy: { code: string };
  why: string;
  duration: string;
};
type Sla = { clocks: Clock[]; explanation: string[] };
type ListItem = { id: string; sla: { target: string; state: string; deadline: string | null } | null };

beforeAll(async () => {
  // Jobs on, as `serve` runs by default: the SLA scheduler acts on the demo requests' due steps.
  stage = await startStage({ ONEPOINT_JOBS: 'on' });
  ({ page, problems } = await stage.open());
  const asAdmin = await apiAs(stage.server.url, 'admin');
  asAgent = await apiAs(stage.server.url, 'agent');
  const units = await asAdmin<{ items: Array<{ id: string; code: string }> }>('GET', '/api/v1/org-units');
  const customer = await asAdmin<{ id: string }>('POST', '/api/v1/customers', {
    kind: 'enterprise',
    tier: 'localB',
    name: '南京时限测试有限公司',
    orgUnitId: units.data.items.find((u) => u.code === 'CT.JS.NJ')!.id,
    instances: [{ productCode: 'broadband.ftth', accountNo: 'AD025E2ESLA001' }],
  });
  expect(customer.status, JSON.stringify(customer.data)).toBe(201);
  const c360 = await asAdmin<{ instances: Array<{ id: string }> }>(
    'GET',
    `/api/v1/customers/${customer.data.id}/360`,
  );
  const instanceId = c360.data.instances[0]!.id;
  const me = await asAgent<{ id: string }>('GET', '/api/v1/auth/me');
  const fault = async (title: string) => {
    const res = await asAgent<{ id: string; version: number }>('POST', '/api/v1/service-requests', {
      kind: 'fault',
      title,
      description: '客户来电：专线中断，业务全部中断。',
      channel: 'hotline',
      productInstanceId: instanceId,
    });
    expect(res.status, JSON.stringify(res.data)).toBe(201);
    return res.data;
  };
  let w = await fault('专线中断（处理中）');
  for (const [action, extra] of [
    ['dispatch', { assigneeId: me.data.id }],
    ['take', {}],
    ['start', {}],
  ] as const) {
    const res = await asAgent<{ id: string; version: number }>(
      'POST',
      `/api/v1/service-requests/${w.id}/transitions`,
      { action, version: w.version, ...extra },
    );
    expect(res.status, `${action}: ${JSON.stringify(res.data)}`).toBe(200);
    w = res.data;
  }
  working = w;
  const v = await fault('专线中断（待派单）');
  const res = await asAgent('POST', `/api/v1/service-requests/${v.id}/transitions`, {
    action: 'dispatch',
    assigneeId: me.data.id,
    version: v.version,
  });
  expect(res.status, JSON.stringify(res.data)).toBe(200);
  waiting = v;
});

afterAll(async () => {
  await stage?.stop();
});

const signIn = (login: string) => signInAt(page, stage.server.url, login);

/** "2026-12-07T22:05:00+08:00" as the Chinese console writes it in Beijing time: "2026年12月7日 22:05". */
function shownInBeijing(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(iso)!;
  expect(iso.endsWith('+08:00'), iso).toBe(true);
  return `${m[1]}年${Number(m[2])}月${Number(m[3])}日 ${m[4]}`;
}

async function slaOf(id: string): Promise<Sla> {
  const res = await asAgent<Sla>('GET', `/api/v1/service-requests/${id}/sla`);
  expect(res.status).toBe(200);
  return res.data;
}

const clockRow = (target: string) => page.locator(`[data-testid="sla-clock"][data-target="${target}"]`);

/** Opens a clock's explanation (unless it is open) and gives it. */
async function explanation(target: string) {
  const icon = clockRow(target).locator('.ant-table-row-expand-icon');
  if (await icon.evaluate((el) => el.classList.contains('ant-table-row-expand-icon-collapsed')))
    await icon.click();
  // The expanded row follows its clock's row.
  const explain = clockRow(target).locator('xpath=following-sibling::tr[1]').getByTestId('sla-clock-explain');
  await explain.waitFor({ state: 'visible' });
  return explain;
}

describe('the SLA in the console', () => {
  it("the request page's card shows each deadline the API computed, counting down, with its explanation", async () => {
    await signIn('agent');
    await page.goto(`/requests/${working.id}`);
    const card = page.getByTestId('request-sla');
    await card.getByTestId('sla-clock').first().waitFor();
    const sla = await slaOf(working.id);
    // 本地B fault: response, arrival, restoration and progress from the tier row.
    expect(sla.clocks.map((c) => c.target).sort()).toEqual([
      'arrival',
      'progress',
      'response',
      'restoration',
    ]);
    expect(await card.getByTestId('sla-clock').count()).toBe(sla.clocks.length);
    for (const c of sla.clocks) {
      const row = clockRow(c.target);
      expect(await row.getByTestId('sla-clock-target').innerText()).toContain(c.name);
      expect(await row.getByTestId('sla-clock-deadline').innerText()).toBe(shownInBeijing(c.deadline!));
    }
    // Taken: the response was met; the others run, with the time left counting down.
    expect(await clockRow('response').getByTestId('sla-clock-state').getAttribute('data-tone')).toBe('met');
    const restoration = clockRow('restoration').getByTestId('sla-clock-countdown');
    expect(await clockRow('restoration').getByTestId('sla-clock-state').getAttribute('data-tone')).toBe(
      'onTrack',
    );
    const before = await restoration.innerText();
    expect(before).toMatch(/^剩余 \d+小时/);
    // Live: the seconds go on without a reload (less than an hour is left in minutes and seconds;
    // more than that, the text stays until the minute changes — so compare with the clock).
    await poll(() => restoration.innerText()).toMatch(/^剩余 /);

    // The explanation: the policy row and why, the calendar, no pauses yet.
    const explain = await explanation('restoration');
    const r = sla.clocks.find((c) => c.target === 'restoration')!;
    expect(await explain.innerText()).toContain(r.policy.code);
    // Why this row, in Chinese from the API's reason (its English sentence is for API clients).
    expect(r.duration).toBe('12h');
    const why = await explain.getByTestId('sla-clock-why').innerText();
    expect(why).toContain(
      `修复/恢复 12小时（7×24小时）：取自策略行 ${r.policy.code}，是设定该项的最具体一行（客户等级）`,
    );
    expect(why).not.toContain('the most specific');
    expect(await explain.innerText()).toContain('7×24小时');
    await card.getByText('策略匹配说明').click();
    await card.getByTestId('sla-matching').waitFor();
    const matching = await card.getByTestId('sla-matching').innerText();
    expect(matching).toContain('本地B');
    expect(matching).toContain('匹配的策略行（从最具体到最宽泛');
    expect(matching).toContain(`${r.policy.code}（客户等级：客户等级=本地B、请求类型=故障申告）`);
    expect(await card.getByTestId('sla-reason').count()).toBe(sla.explanation.length);
    expect(await englishOnPage(page)).toEqual([]);
    await screenshot(page, 'sla-request-card');
  });

  it('suspending asks the cause; 客户原因 pauses the clocks and the timeline says so', async () => {
    await page.getByTestId('action-suspend').click();
    const modal = page.getByTestId('action-modal').getByRole('dialog');
    await modal.waitFor();
    expect(await modal.innerText()).toContain('计时照常进行');
    await modal.getByTestId('action-reason').fill('客户要求明天上午再上门');
    // The cause must be chosen: without it the dialog stays and says so.
    await modal.locator('.ant-modal-footer .ant-btn-primary').click();
    await modal.locator('.ant-form-item-explain-error').first().waitFor();
    await modal.getByTestId('action-suspend-cause').getByText('客户原因').click();
    await modal.locator('.ant-modal-footer .ant-btn-primary').click();
    await modal.waitFor({ state: 'hidden' });
    await poll(() => page.getByTestId('request-header').getByTestId('request-status').innerText()).toBe(
      '挂起',
    );

    await poll(() => clockRow('restoration').getByTestId('sla-clock-state').getAttribute('data-state')).toBe(
      'paused',
    );
    expect(await clockRow('restoration').getByTestId('sla-clock-state').getAttribute('data-tone')).toBe(
      'paused',
    );
    expect(await clockRow('restoration').getByTestId('sla-clock-countdown').innerText()).toContain(
      '暂停计时',
    );
    expect(await clockRow('restoration').getByTestId('sla-clock-deadline').innerText()).toBe('解挂后顺延');
    const sla = await slaOf(working.id);
    expect(sla.clocks.find((c) => c.target === 'restoration')).toMatchObject({
      state: 'paused',
      deadline: null,
    });
    // The open pause in the explanation, and the cause on the timeline's status entry.
    const explain = await explanation('restoration');
    await poll(() => explain.getByTestId('sla-clock-pauses').innerText()).toContain('尚未解挂');
    expect(await explain.getByTestId('sla-clock-pauses').isVisible()).toBe(true);
    // The steps still to come move with the pause: their times are set on resume.
    expect(await explain.getByTestId('sla-clock-steps').innerText()).toContain('解挂后确定');
    const suspended = page.locator('[data-testid="timeline-entry"][data-kind="status"]', {
      has: page.getByTestId('timeline-suspend-cause'),
    });
    expect(await suspended.getByTestId('timeline-suspend-cause').innerText()).toBe('客户原因');
    expect(await englishOnPage(page)).toEqual([]);
    await screenshot(page, 'sla-suspended');
  });

  it("the agent's queue counts down to each request's nearest deadline, as the list answer says", async () => {
    const listed = page.waitForResponse(
      (r) => new URL(r.url()).pathname === '/api/v1/service-requests' && r.request().method() === 'GET',
    );
    await page.goto('/requests');
    const items = ((await (await listed).json()) as { items: ListItem[] }).items;
    const table = page.getByTestId('request-table');
    await table.locator(`tr[data-row-key="${waiting.id}"]`).waitFor();
    // Dispatched, not taken: the response (1 h) is its nearest deadline.
    const countdown = table.locator(`tr[data-row-key="${waiting.id}"]`).getByTestId('sla-countdown');
    expect(await countdown.getAttribute('data-target')).toBe('response');
    expect(await countdown.getAttribute('data-tone')).toBe('onTrack');
    expect(await countdown.innerText()).toMatch(/^响应 剩余 \d+分钟/);
    // Suspended by the customer: paused.
    expect(
      await table
        .locator(`tr[data-row-key="${working.id}"]`)
        .getByTestId('sla-countdown')
        .getAttribute('data-tone'),
    ).toBe('paused');
    for (const item of items) {
      const cell = table.locator(`tr[data-row-key="${item.id}"]`).getByTestId('sla-countdown');
      if (!item.sla) expect(await cell.count()).toBe(0);
      else expect(await cell.getAttribute('data-target')).toBe(item.sla.target);
    }
    expect(await englishOnPage(page)).toEqual([]);
    await screenshot(page, 'sla-queue');
  });

  it("the dispatcher's board shows the same countdowns", async () => {
    await signIn('dispatcher');
    // The board's columns: one list answer each, read as the page loads.
    const lists: Promise<ListItem[]>[] = [];
    const collect = (r: Response) => {
      if (new URL(r.url()).pathname === '/api/v1/service-requests' && r.ok())
        lists.push(
          r
            .json()
            .then((b: { items: ListItem[] }) => b.items)
            .catch(() => []),
        );
    };
    page.on('response', collect);
    await page.goto('/dispatch');
    await page.getByTestId('workspace-dispatch').getByTestId('board-item').first().waitFor();
    await poll(() => page.getByTestId('sla-countdown').count()).toBeGreaterThan(0);
    page.off('response', collect);
    const items = (await Promise.all(lists)).flat();
    let compared = 0;
    for (const item of items) {
      const board = page.locator(`[data-testid="board-item"][data-request-id="${item.id}"]`);
      if (!(await board.count())) continue;
      const cell = board.first().getByTestId('sla-countdown');
      if (!item.sla) expect(await cell.count()).toBe(0);
      else {
        expect(await cell.getAttribute('data-target')).toBe(item.sla.target);
        const tone = await cell.getAttribute('data-tone');
        // An overdue one is red whatever the scheduler has done yet.
        if (item.sla.deadline && Date.parse(item.sla.deadline) < Date.now()) expect(tone).toBe('breached');
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(0);
    expect(await englishOnPage(page)).toEqual([]);
    await screenshot(page, 'sla-dispatch-board');
  });

  it("the scheduler's warnings and breaches read as sentences on the timeline, in Chinese and English", async () => {
    // The demo requests lie days in the past: the scheduler acts on their due steps at start-up.
    const asAdmin = await apiAs(stage.server.url, 'admin');
    type Entry = { kind: string; details: { kind?: string; target?: string; percent?: number } };
    let found: { id: string; entries: Entry[] } | undefined;
    await poll(async () => {
      const list = await asAdmin<{ items: { id: string }[] }>(
        'GET',
        '/api/v1/service-requests?open=true&limit=50',
      );
      for (const { id } of list.data.items) {
        const r = await asAdmin<{ timeline: Entry[] }>('GET', `/api/v1/service-requests/${id}`);
        const entries = r.data.timeline.filter((e) => e.kind === 'sla');
        if (entries.some((e) => e.details.kind === 'breach')) {
          found = { id, entries };
          return true;
        }
      }
      return false;
    }).toBe(true);
    const names = new Map((await slaOf(found!.id)).clocks.map((c) => [c.target, c.name]));

    await signIn('admin');
    await page.goto(`/requests/${found!.id}`);
    const shown = page.getByTestId('timeline-sla');
    await shown.first().waitFor();
    // As the API has them now (the scheduler may have acted on another step meanwhile).
    const now = await asAdmin<{ timeline: Entry[] }>('GET', `/api/v1/service-requests/${found!.id}`);
    found = { id: found!.id, entries: now.data.timeline.filter((e) => e.kind === 'sla') };
    await poll(() => shown.count()).toBe(found.entries.length);
    const texts = await shown.allInnerTexts();
    const steps = await shown.evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    expect(steps.sort()).toEqual(found!.entries.map((e) => e.details.kind).sort());
    for (const e of found!.entries) {
      const name = names.get(e.details.target!)!;
      const words = e.details.kind === 'breach' ? `${name}超时` : `${name}预警：已用时 ${e.details.percent}%`;
      expect(
        texts.some((x) => x.includes(words)),
        `${words} in ${texts.join(' | ')}`,
      ).toBe(true);
    }
    expect(texts.find((x) => x.includes('超时'))).toContain('已通知');
    expect(await englishOnPage(page)).toEqual([]);
    await screenshot(page, 'sla-timeline');

    // The language the console remembers (the tests' types have no DOM: given as source text).
    await page.evaluate("localStorage.setItem('onepoint.language', 'en')");
    await page.reload();
    await shown.first().waitFor();
    const english = await shown.allInnerTexts();
    expect(english.some((x) => / breached: the promised time has passed/.test(x))).toBe(true);
    expect(english.join(' ')).not.toMatch(/\p{Script=Han}/u);
    await page.evaluate("localStorage.removeItem('onepoint.language')");
  });

  it('showed no console problems', () => {
    expect(problems).toEqual([]);
  });
});
