import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import {
  createLogger,
  maskLogValue,
  maskPiiInText,
  maskUrlForLog,
  prettyDestination,
  usePrettyLogs,
} from './logger.ts';

describe('log format and level', () => {
  it('readable lines on a terminal, JSON for a pipe or when asked', () => {
    expect(usePrettyLogs('auto', true)).toBe(true);
    expect(usePrettyLogs('auto', false)).toBe(false);
    expect(usePrettyLogs('json', true)).toBe(false);
    expect(usePrettyLogs('pretty', false)).toBe(true);
  });

  it('the readable form is one line with level and message, personal fields still redacted', () => {
    let out = '';
    const sink = new Writable({
      write(chunk, _enc, done) {
        out += String(chunk);
        done();
      },
    });
    createLogger('info', prettyDestination(sink)).warn({ customer: { phone: '13812345678' } }, 'slow search');
    expect(out).toMatch(/^\[\d\d:\d\d:\d\d\] WARN: slow search .*\[redacted\]/);
    expect(out.trim().split('\n')).toHaveLength(1);
    expect(out).not.toContain('13812345678');
    expect(() => JSON.parse(out)).toThrow();
  });

  it('ONEPOINT_LOG_LEVEL wins over LOG_LEVEL; a bad format names its variable', () => {
    expect(loadConfig({ LOG_LEVEL: 'warn', ONEPOINT_LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(loadConfig({ LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
    expect(() => loadConfig({ ONEPOINT_LOG_FORMAT: 'xml' })).toThrow(/ONEPOINT_LOG_FORMAT/);
  });
});

describe('PII masking in free text', () => {
  it('masks mainland mobile numbers and resident ID numbers', () => {
    expect(maskPiiInText('/api/v1/customers?phone=13812345678')).toBe('/api/v1/customers?phone=138****5678');
    expect(maskPiiInText('id=11010519491231002X')).toBe('id=110***********002X');
  });
  it('masks a mobile behind the country code, also URL-encoded', () => {
    expect(maskPiiInText('q=+8613812345678')).toBe('q=+86138****5678');
    expect(maskPiiInText('q=%2B8613812345678&x=8613812345678')).toBe('q=%2B86138****5678&x=86138****5678');
  });
  it('leaves ids whole, also where their digits look like a phone number', () => {
    const id = '5f0c2b1e-1a2b-4c3d-8e9f-a13812345678';
    const fixed = '5f0c2b1e-1a2b-4c3d-8e9f-02512345678a';
    expect(maskPiiInText(`/api/v1/customers/${id}/360?q=13812345678`)).toBe(
      `/api/v1/customers/${id}/360?q=138****5678`,
    );
    expect(maskPiiInText(`/x/${fixed}`)).toBe(`/x/${fixed}`);
  });
  it('masks a mobile number inside a slightly longer run of digits (mistyped)', () => {
    expect(maskPiiInText('?phone=%2B8613812345678')).toBe('?phone=%2B86138****5678');
    expect(maskPiiInText('?phone=138123456780')).toBe('?phone=138****6780');
    expect(maskPiiInText('/customers/0193a000-0000-7000-8000-138123456780')).toBe(
      '/customers/0193a000-0000-7000-8000-138123456780',
    );
  });
  it('leaves other numbers alone', () => {
    expect(maskPiiInText('/api/v1/orders/12345?limit=50')).toBe('/api/v1/orders/12345?limit=50');
    expect(maskPiiInText('order 123456789012345')).toBe('order 123456789012345');
  });
});

describe('request URLs in log lines', () => {
  // Every way a search box or filter sends 139 1234 5678 and 320106 19870623 0014.
  const phones = [
    '139 1234 5678',
    '139-1234-5678',
    '139.1234.5678',
    '139+1234+5678',
    '+86 139 1234 5678',
    '(+86)139-1234-5678',
    '1 3 9 1 2 3 4 5 6 7 8',
  ];
  const ids = ['320106 19870623 0014', '320106-19870623-0014', '320106+19870623+0014', '11010519491231002X'];
  const encodings: Array<[string, (v: string) => string]> = [
    ['as typed', (v) => v],
    ['encodeURIComponent', encodeURIComponent],
    ['form encoding (+ for space)', (v) => encodeURIComponent(v).replace(/%20/g, '+')],
    ['spaces as %20 only', (v) => v.replace(/ /g, '%20')],
    ['encoded twice', (v) => encodeURIComponent(encodeURIComponent(v))],
  ];
  const digitsOf = (v: string) => v.replace(/\D/g, '');

  for (const [how, encode] of encodings)
    it(`masks phones and ID numbers in search and filter values (${how})`, () => {
      // The hidden middle: a phone's digits 4–7, an ID number's birth date.
      const hidden = [
        ...phones.map((v) => [v, '1234'] as const),
        ...ids.map((v) => [v, digitsOf(v).slice(6, 14)] as const),
      ];
      for (const [v, middle] of hidden) {
        for (const url of [
          `/api/v1/customers/search?q=${encode(v)}`,
          `/api/v1/customers?phone=${encode(v)}&limit=20`,
          `/api/v1/customers?idNumber=${encode(v)}`,
          `/tmf-api/customer/v5/customer?contactMedium.phoneNumber=${encode(v)}`,
          `/api/v1/customers/${encode(v)}`,
        ]) {
          const logged = maskUrlForLog(url);
          const digits = digitsOf(decodeURIComponent(logged));
          // Neither the whole number nor its hidden middle is left, whatever stands between digits.
          expect(digits, `${url} → ${logged}`).not.toContain(middle);
          expect(logged).toContain('****');
        }
      }
    });

  it('keeps what is not personal readable: paths, ids, paging, dates, customer numbers', () => {
    for (const url of [
      '/api/v1/customers?limit=200&kind=enterprise',
      '/api/v1/customers?customerNo=C1000197&after=0193a000-0000-7000-8000-138123456780',
      '/api/v1/customers/0193a000-0000-7000-8000-138123456780/360',
      '/tmf-api/customer/v5/customer?validFor.startDateTime.gte=2026-12-07T00:00:00Z&offset=0&limit=10',
      '/api/v1/customers/search?q=%E7%8E%8B%E8%8A%B3',
      '/api/v1/product-instances?deviceId=OLT-NJ-01&devicePort=1%2F0%2F3',
    ])
      expect(maskUrlForLog(url)).toBe(url);
  });

  it('masks an address searched for and survives malformed escapes', () => {
    expect(maskUrlForLog(`/api/v1/customers/search?q=${encodeURIComponent('中山路18号3栋')}`)).toBe(
      '/api/v1/customers/search?q=****',
    );
    expect(maskUrlForLog('/x?q=%zz139 1234 5678')).toBe('/x?q=%25zz139****5678');
  });
});

describe('maskLogValue', () => {
  it('leaves no run of seven digits readable, whatever separates them', () => {
    expect(maskLogValue('1 3 9 1 2 3 4 5 6 7 8')).toBe('****5678');
    expect(maskLogValue('13_9123_45678')).toBe('****5678');
    expect(maskLogValue('2026-12-07')).toBe('2026-12-07');
    expect(maskLogValue('C1000197')).toBe('C1000197');
  });
});
