// The PII scans are only as good as their leak detector: it must find a raw number wherever it can
// be read, and not where the digits are part of a float or a UUID.
import { describe, expect, it } from 'vitest';
import { leaksIn } from './helpers.ts';

const phone = '13900000000';

describe('leaksIn', () => {
  it('finds a raw value in text, a query string and behind a country code', () => {
    expect(leaksIn(`phone ${phone} x`, [phone])).toEqual([phone]);
    expect(leaksIn(`/search?q=${phone}&limit=5`, [phone])).toEqual([phone]);
    expect(leaksIn(`+86${phone}`, [phone])).toEqual([phone]);
    expect(leaksIn(`"v1.2 ${phone}"`, [phone])).toEqual([phone]);
    expect(leaksIn('南京市玄武区中山路1号', ['南京市玄武区中山路1号'])).toEqual(['南京市玄武区中山路1号']);
  });

  it('ignores the digits of a float fraction or inside a UUID', () => {
    expect(leaksIn(`"responseTime":2.${phone}2,`, [phone])).toEqual([]);
    expect(leaksIn(`/customers/5f0c2b1e-1a2b-4c3d-8e9f-0${phone}/360`, [phone])).toEqual([]);
    expect(leaksIn(`"responseTime":2.${phone}2, "q":"${phone}"`, [phone])).toEqual([phone]);
  });
});
