import { describe, expect, it } from 'vitest';
import {
  REMOVED,
  alertDedupKey,
  alertWindow,
  isAlertKind,
  nextAlertState,
  scrubDetail,
  scrubText,
} from './alerts.ts';

describe('security alert rules', () => {
  it('accepts <area>.<what> kinds in lower case only', () => {
    expect(isAlertKind('search.misses')).toBe(true);
    expect(isAlertKind('reveal.cap')).toBe(true);
    expect(isAlertKind('Search.Misses')).toBe(false);
    expect(isAlertKind('search misses')).toBe(false);
    expect(isAlertKind('')).toBe(false);
  });

  it('counts repeats within one China Standard Time day', () => {
    // 23:59 and 00:01 in Beijing are different days, though the same UTC day.
    expect(alertWindow(new Date('2026-12-07T15:59:00Z'))).toBe('2026-12-07');
    expect(alertWindow(new Date('2026-12-07T16:01:00Z'))).toBe('2026-12-08');
    expect(alertDedupKey('search.misses', 'u1', new Date('2026-12-07T01:00:00Z'))).toBe(
      alertDedupKey('search.misses', 'u1', new Date('2026-12-07T15:00:00Z')),
    );
    expect(alertDedupKey('search.misses', 'u1', new Date('2026-12-07T01:00:00Z'))).not.toBe(
      alertDedupKey('search.misses', 'u2', new Date('2026-12-07T01:00:00Z')),
    );
    expect(alertDedupKey('reveal.cap', null, new Date('2026-12-07T01:00:00Z'))).toBe(
      'reveal.cap|-|2026-12-07',
    );
  });

  it('never keeps a phone, ID or card number, whatever the separators', () => {
    for (const v of [
      '13912345678',
      '139 1234 5678',
      '139-1234-5678',
      '139+1234+5678',
      '+86 139.1234.5678',
      '320106 19870623 0014',
      '32010619870623001X',
      '6222 0212 3456 7890',
    ])
      expect(scrubText(`searched ${v} twice`)).toBe(`searched ${REMOVED} twice`);
    expect(scrubText('12 misses in 10 minutes')).toBe('12 misses in 10 minutes');
    expect(scrubText('2026-12-07T08:00:00.000Z')).toBe('2026-12-07T08:00:00.000Z');
    const d = scrubDetail({
      misses: 12,
      value: 13912345678,
      nested: { q: '139 1234 5678' },
      list: ['320106198706230014'],
    });
    expect(d).toEqual({ misses: 12, value: REMOVED, nested: { q: REMOVED }, list: [REMOVED] });
    expect(JSON.stringify(d)).not.toMatch(/\d{7}/);
  });

  it('moves open → acknowledged → closed, and refuses going back', () => {
    expect(nextAlertState('open', 'acknowledge')).toEqual({ state: 'acknowledged' });
    expect(nextAlertState('open', 'close')).toEqual({ state: 'closed' });
    expect(nextAlertState('acknowledged', 'close')).toEqual({ state: 'closed' });
    expect(nextAlertState('acknowledged', 'acknowledge')).toHaveProperty('refused');
    expect(nextAlertState('closed', 'close')).toHaveProperty('refused');
    expect(nextAlertState('closed', 'acknowledge')).toHaveProperty('refused');
  });
});
