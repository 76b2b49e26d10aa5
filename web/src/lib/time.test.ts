import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TIME_ZONE,
  formatDate,
  formatDateTime,
  formatDuration,
  intlZoneName,
  isTimeZone,
  utcOffset,
} from './time.ts';

const labels = {
  day: (n: number) => `${n}天`,
  hour: (n: number) => `${n}小时`,
  minute: (n: number) => `${n}分钟`,
  second: (n: number) => `${n}秒`,
};

describe('dates in the user’s time zone and language', () => {
  // 16:30 UTC is 00:30 the next day in Shanghai: the calendar date itself changes.
  const iso = '2026-11-25T16:30:00.000Z';

  it('defaults to Shanghai time', () => {
    expect(DEFAULT_TIME_ZONE).toBe('Asia/Shanghai');
    expect(formatDateTime(iso, 'Asia/Shanghai', 'zh-CN')).toBe('2026年11月26日 00:30');
  });

  it('uses the chosen zone and language', () => {
    expect(formatDateTime(iso, 'Europe/London', 'en')).toBe('Nov 25, 2026 4:30 PM');
    expect(formatDate(iso, 'America/Los_Angeles', 'en')).toBe('Nov 25, 2026');
    expect(formatDate(iso, 'Asia/Shanghai', 'en')).toBe('Nov 26, 2026');
  });

  it('shows nothing for a missing or broken date rather than "Invalid Date"', () => {
    expect(formatDateTime(null, DEFAULT_TIME_ZONE, 'zh-CN')).toBe('');
    expect(formatDateTime('not a date', DEFAULT_TIME_ZONE, 'zh-CN')).toBe('');
  });

  it('knows real IANA zones from typos', () => {
    expect(isTimeZone('Asia/Urumqi')).toBe(true);
    expect(isTimeZone('Asia/Shangai')).toBe(false);
  });
});

describe('durations', () => {
  it('shows the two largest units', () => {
    expect(formatDuration(93784, labels, '')).toBe('1天2小时');
    expect(formatDuration(3725, labels, '')).toBe('1小时2分钟');
    expect(formatDuration(65, labels, '')).toBe('1分钟5秒');
  });

  it('skips an empty second unit and never goes negative', () => {
    expect(formatDuration(7200, labels, '')).toBe('2小时');
    expect(formatDuration(0, labels, '')).toBe('0秒');
    expect(formatDuration(-30, labels, '')).toBe('0秒');
  });
});

describe('time zone labels', () => {
  it('gives the offset without letters', () => {
    const summer = new Date('2026-07-01T00:00:00Z');
    const winter = new Date('2026-01-01T00:00:00Z');
    expect(utcOffset('Asia/Shanghai', summer)).toBe('+08:00');
    expect(utcOffset('UTC', summer)).toBe('+00:00');
    expect(utcOffset('America/New_York', winter)).toBe('-05:00');
    expect(utcOffset('America/New_York', summer)).toBe('-04:00');
  });

  it("names a zone in the language asked for, from the browser's own data", () => {
    expect(intlZoneName('Asia/Tokyo', 'zh-CN')).toMatch(/\p{Script=Han}/u);
    expect(intlZoneName('Not/AZone', 'zh-CN')).toBe('Not/AZone');
  });
});
