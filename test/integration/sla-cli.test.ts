// `onepoint calendar add|between` as an administrator runs it: a child process on a database of
// its own (the embedded data directory, or PostgreSQL), no server running.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine, ensureFreshDist, lastLine, newTarget, runCli, type CliTarget } from './cli-support.ts';

beforeAll(ensureFreshDist, 180_000);

describe(`onepoint calendar (${engine})`, { timeout: 120_000 }, () => {
  let t: CliTarget;
  beforeAll(async () => {
    t = await newTarget();
  });
  afterAll(async () => t?.dispose());

  it('add prints the deadline with its offset as the last line, across National Day 2025', async () => {
    const r = await runCli(['calendar', 'add', 'cn-office', '2025-09-30T10:00:00+08:00', '1wd'], t.env);
    expect(r.code, r.stderr).toBe(0);
    expect(lastLine(r.stdout)).toBe('2025-10-09T10:00:00+08:00');
    // Without an offset the instant is read in the calendar's zone; 2027 has no schedule yet.
    const p = await runCli(['calendar', 'add', 'cn-workdays', '2026-12-31T10:00', '1wd'], t.env);
    expect(p.code, p.stderr).toBe(0);
    expect(lastLine(p.stdout)).toBe('2027-01-01T10:00:00+08:00');
    expect(p.stdout).toMatch(/provisional: .*2027/);
    expect(p.stderr).toMatch(/warning: .*2027/);
  });

  it('between prints the working time; a bad duration is refused with exit 2', async () => {
    const r = await runCli(
      ['calendar', 'between', 'cn-office', '2025-10-10T11:00:00+08:00', '2025-10-11T10:00:00+08:00'],
      t.env,
    );
    expect(r.code, r.stderr).toBe(0);
    // Friday 11:00–12:00 and 13:00–17:30, then the 调休 Saturday 08:30–10:00.
    expect(lastLine(r.stdout)).toBe('7h');
    const bad = await runCli(['calendar', 'add', 'cn-office', '2025-10-10T11:00:00+08:00', '3w'], t.env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/duration "3w"/);
  });
});
