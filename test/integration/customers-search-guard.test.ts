// Guessing a hidden phone or ID number through exact search (issue 9: ~2 300 guesses recover an ID
// number whose region the masked address gives away) is held back: past a few misses in the window
// a user's phone/ID searches wait, longer with every further miss, searches sent side by side are
// refused with Retry-After, and the window forgets. Other users and other kinds of search are not
// slowed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { residentIdCheckChar } from '../../src/modules/customers/domain/pii.ts';
import { createTestServer, type TestServer } from '../harness.ts';

let s: TestServer;
let offsetMs = 0;
const STEP_MS = 300;
beforeAll(async () => {
  s = await createTestServer({
    clock: { now: () => new Date(Date.now() + offsetMs) },
    env: {
      ONEPOINT_SEARCH_MISS_LIMIT: '3',
      ONEPOINT_SEARCH_MISS_WINDOW_MINUTES: '60',
      ONEPOINT_SEARCH_SLOWDOWN_STEP_MS: String(STEP_MS),
      ONEPOINT_SEARCH_SLOWDOWN_MAX_MS: String(2 * STEP_MS),
    },
  });
});
afterAll(async () => {
  await s?.close();
});

const API = '/api/v1/customers';
// Numbers nobody has (166 is no demo prefix), and an ID number nobody has.
const nobody = (i: number) => `166123456${String(i).padStart(2, '0')}`;
const NO_ID = `32010619870623999${residentIdCheckChar('32010619870623999')}`;

async function get(url: string, login: string) {
  return s.app.inject({ method: 'GET', url, headers: await s.as(login) });
}

async function timed(url: string, login: string) {
  const start = performance.now();
  const res = await get(url, login);
  return { res, ms: performance.now() - start };
}

const side = async (login: string, urls: string[]) =>
  Promise.all(urls.map((u) => get(u, login))).then((all) => all.map((r) => r.statusCode));

describe(`slowing down repeated phone and ID number misses (${process.env.ONEPOINT_TEST_ENGINE ?? 'pglite'})`, () => {
  it('slows down a user whose phone and ID searches keep finding nobody, step by step', async () => {
    // Three misses, by three paths: the one-box search, the list's ID filter, TMF629's phone filter.
    for (const url of [
      `${API}/search?q=${nobody(1)}`,
      `${API}?idNumber=${NO_ID}`,
      `/tmf-api/customer/v5/customer?contactMedium.phoneNumber=${nobody(2)}`,
    ])
      expect((await get(url, 'billing')).statusCode, url).toBe(200);
    // The limit reached: the next search waits one step, the one after two (the cap) — a mobile
    // service number guessed through the account-number filter counts as a phone miss too.
    const fourth = await timed(`${API}?accountNo=${nobody(3)}`, 'billing');
    expect(fourth.res.statusCode).toBe(200);
    expect(fourth.ms).toBeGreaterThanOrEqual(STEP_MS - 5);
    const fifth = await timed(`${API}/search?q=${nobody(4)}`, 'billing');
    expect(fifth.ms).toBeGreaterThanOrEqual(2 * STEP_MS - 5);

    // Searches sent side by side queue up; one that would wait past twice the cap is refused.
    const burst = await Promise.all([5, 6, 7, 8].map((i) => get(`${API}/search?q=${nobody(i)}`, 'billing')));
    const statuses = burst.map((r) => r.statusCode).sort();
    expect(statuses).toContain(200);
    expect(statuses).toContain(429);
    const refused = burst.find((r) => r.statusCode === 429)!;
    expect(refused.json().code).toBe('RATE_LIMITED');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.body).not.toMatch(/166123456/);

    // The security administrators are alerted: one open alert about this user, counted up at each
    // doubling of the limit, with kinds and counts and never a number searched for.
    const alerts = await s.app.inject({
      method: 'GET',
      url: '/api/v1/security/alerts?kind=search.misses',
      headers: await s.as('admin'),
    });
    expect(alerts.statusCode).toBe(200);
    const items = (
      alerts.json() as {
        items: Array<{ user: { name: string } | null; summary: string; detail: Record<string, unknown> }>;
      }
    ).items;
    expect(items).toHaveLength(1);
    expect(items[0]!.summary).toMatch(
      /^billing: \d+ searches by phone or ID number found nobody within 60 minutes/,
    );
    expect(items[0]!.detail).toMatchObject({ missLimit: 3, windowMinutes: 60 });
    expect(JSON.stringify(items)).not.toMatch(/166123456|3201061987/);
  });

  it('does not slow down another user, or count searches by name and customer number', async () => {
    // Another user at the same time: no queue, no refusal.
    expect(
      await side(
        'dispatcher',
        [10, 11, 12, 13, 14, 15].map((i) => `${API}/search?q=${nobody(i)}`),
      ),
    ).toEqual([200, 200, 200, 200, 200, 200]);
    // Name and customer-number misses are not guesses at a hidden value: no alert, no slow-down
    // (slowed down, six searches side by side would queue past the cap and some be refused).
    for (let i = 0; i < 5; i++) {
      await get(`${API}/search?q=${encodeURIComponent(`查无此人${'甲乙丙丁戊'[i]}`)}`, 'accountmgr');
      await get(`${API}?customerNo=NOBODY${i}`, 'accountmgr');
    }
    const alerted = async () => {
      const res = await s.app.inject({
        method: 'GET',
        url: '/api/v1/security/alerts?kind=search.misses',
        headers: await s.as('admin'),
      });
      return (res.json() as { items: Array<{ summary: string }> }).items.map((a) => a.summary.split(':')[0]);
    };
    expect((await alerted()).sort()).toEqual(['billing', 'dispatcher']);
    expect(
      await side(
        'accountmgr',
        [21, 22, 23, 24, 25, 26].map((i) => `${API}?phone=${nobody(i)}`),
      ),
    ).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('forgets misses older than the window', async () => {
    offsetMs += 61 * 60_000;
    expect(
      await side(
        'billing',
        [30, 31, 32, 33, 34, 35].map((i) => `${API}/search?q=${nobody(i)}`),
      ),
    ).toEqual([200, 200, 200, 200, 200, 200]);
  });
});
