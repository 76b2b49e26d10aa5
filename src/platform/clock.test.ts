import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileOffsetClock } from './clock.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-clock-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const HOUR = 3_600_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the test clock (ONEPOINT_TEST_CLOCK_FILE)', () => {
  it('runs the file offset ahead of the system clock and follows a changed file', async () => {
    const file = path.join(dir, 'moved');
    fs.writeFileSync(file, `${24 * HOUR}\n`);
    const clock = fileOffsetClock(file);
    const ahead = clock.now().getTime() - Date.now();
    expect(ahead).toBeGreaterThan(24 * HOUR - 1000);
    expect(ahead).toBeLessThanOrEqual(24 * HOUR);
    fs.writeFileSync(file, String(48 * HOUR));
    await sleep(60);
    expect(clock.offsetMs()).toBe(48 * HOUR);
  });

  it('keeps the last offset while the file is unreadable; refuses one missing at start', async () => {
    const file = path.join(dir, 'flaky');
    fs.writeFileSync(file, String(HOUR));
    const clock = fileOffsetClock(file);
    fs.writeFileSync(file, 'half-writ');
    await sleep(60);
    expect(clock.offsetMs()).toBe(HOUR);
    fs.rmSync(file);
    await sleep(60);
    expect(clock.offsetMs()).toBe(HOUR);
    expect(() => fileOffsetClock(path.join(dir, 'absent'))).toThrow(/ONEPOINT_TEST_CLOCK_FILE/);
  });

  it('tells its listeners when it jumped (timers plan again), and stops reading when none is left', async () => {
    const file = path.join(dir, 'jumps');
    fs.writeFileSync(file, '0');
    const clock = fileOffsetClock(file);
    let jumps = 0;
    const off = clock.onJump(() => (jumps += 1));
    fs.writeFileSync(file, String(2 * HOUR));
    await sleep(200);
    expect(jumps).toBe(1);
    expect(clock.now().getTime() - Date.now()).toBeGreaterThan(2 * HOUR - 1000);
    off();
    fs.writeFileSync(file, String(3 * HOUR));
    await sleep(200);
    expect(jumps).toBe(1);
  });
});
