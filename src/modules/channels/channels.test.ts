// The pure rules: quiet hours, which notice an event makes, the channel a contact takes, SMS answers,
// automatic mail and the request number a reply names.
import { describe, expect, it } from 'vitest';
import { automaticMail, requestNumberOf } from './mail-in.ts';
import { channelFor, dueAfterQuietHours, noticeEventOf, render } from './notices.ts';
import { satisfactionOf } from './sms-in.ts';

const TZ = 'Asia/Shanghai';
const at = (iso: string) => new Date(iso);

describe('quiet hours (免打扰时段)', () => {
  it('waits until the end of a window past midnight, in the local time zone', () => {
    const q = { start: '22:00', end: '08:00' };
    expect(dueAfterQuietHours(at('2026-12-07T15:30:00Z'), q, TZ)).toEqual(at('2026-12-08T00:00:00Z')); // 23:30
    expect(dueAfterQuietHours(at('2026-12-07T20:00:00Z'), q, TZ)).toEqual(at('2026-12-08T00:00:00Z')); // 04:00
    expect(dueAfterQuietHours(at('2026-12-08T00:00:00Z'), q, TZ)).toEqual(at('2026-12-08T00:00:00Z')); // 08:00: over
    expect(dueAfterQuietHours(at('2026-12-07T13:59:00Z'), q, TZ)).toEqual(at('2026-12-07T13:59:00Z')); // 21:59
  });
  it('handles a daytime window and no window', () => {
    const noon = { start: '12:00', end: '14:00' };
    expect(dueAfterQuietHours(at('2026-12-07T04:10:00Z'), noon, TZ)).toEqual(at('2026-12-07T06:00:00Z'));
    expect(dueAfterQuietHours(at('2026-12-07T06:00:00Z'), noon, TZ)).toEqual(at('2026-12-07T06:00:00Z'));
    expect(dueAfterQuietHours(at('2026-12-07T04:10:00Z'), { start: null, end: null }, TZ)).toEqual(
      at('2026-12-07T04:10:00Z'),
    );
  });
});

describe('notices', () => {
  const ev = (eventType: string, status: string) => ({
    eventType,
    envelope: { event: { serviceRequest: { status } } } as never,
  });
  it('makes a notice of a create and of the steps the customer hears about', () => {
    expect(noticeEventOf(ev('ServiceRequestCreateEvent', 'accepted'))).toBe('accepted');
    expect(noticeEventOf(ev('ServiceRequestCreateEvent', 'closed'))).toBeUndefined(); // answered on the call
    expect(noticeEventOf(ev('ServiceRequestStateChangeEvent', 'dispatched'))).toBe('dispatched');
    expect(noticeEventOf(ev('ServiceRequestStateChangeEvent', 'resolved'))).toBe('resolved');
    expect(noticeEventOf(ev('ServiceRequestStateChangeEvent', 'callback'))).toBe('callback_survey');
    expect(noticeEventOf(ev('ServiceRequestStateChangeEvent', 'taken'))).toBeUndefined();
    expect(noticeEventOf(ev('ServiceRequestNoteEvent', 'accepted'))).toBeUndefined();
  });
  it('takes the preferred channel, else the next one there is an address for', () => {
    const c = { customerId: 'c', contactId: null, quietHoursStart: null, quietHoursEnd: null };
    expect(channelFor({ ...c, preferredChannel: 'email', email: 'a@b.cn', phone: '13912345678' })).toEqual({
      channel: 'email',
      to: 'a@b.cn',
    });
    expect(channelFor({ ...c, preferredChannel: 'email', email: null, phone: '+8613912345678' })).toEqual({
      channel: 'sms',
      to: '13912345678',
    });
    expect(channelFor({ ...c, preferredChannel: 'phone', email: null, phone: '13912345678' })?.channel).toBe(
      'voice',
    );
    expect(
      channelFor({ ...c, preferredChannel: 'none', email: 'a@b.cn', phone: '13912345678' }),
    ).toBeUndefined();
    expect(channelFor({ ...c, preferredChannel: 'sms', email: null, phone: '02584001234' })).toBeUndefined();
  });
  it('renders variables and leaves unknown ones as written', () => {
    expect(render('{number}：{title} {nope}', { number: 'JS1', title: '宽带' })).toBe('JS1：宽带 {nope}');
  });
  it('reads the satisfaction answers of an SMS reply', () => {
    expect(satisfactionOf('1')).toBe('satisfied');
    expect(satisfactionOf(' 1 满意 ')).toBe('satisfied');
    expect(satisfactionOf('满意。')).toBe('satisfied');
    expect(satisfactionOf('2')).toBe('not_satisfied');
    expect(satisfactionOf('不满意')).toBe('not_satisfied');
    expect(satisfactionOf('12点后再联系')).toBeUndefined();
    expect(satisfactionOf('还是上不了网')).toBeUndefined();
  });
});

describe('mail in', () => {
  const headers = (h: Record<string, string>) => ({ headers: new Map(Object.entries(h)) }) as never;
  it('tells automatic mail from a person’s', () => {
    expect(automaticMail(headers({}), 'a@b.cn')).toBeUndefined();
    expect(automaticMail(headers({ 'auto-submitted': 'no' }), 'a@b.cn')).toBeUndefined();
    expect(automaticMail(headers({ 'auto-submitted': 'auto-generated' }), 'a@b.cn')).toMatch(
      /Auto-Submitted/,
    );
    expect(automaticMail(headers({ precedence: 'junk' }), 'a@b.cn')).toMatch(/Precedence/);
    expect(automaticMail(headers({ 'x-autorespond': 'yes' }), 'a@b.cn')).toMatch(/x-autorespond/);
    expect(automaticMail(headers({ 'x-auto-response-suppress': 'All' }), 'a@b.cn')).toBeUndefined();
    expect(automaticMail(headers({}), null)).toMatch(/null sender/);
    expect(automaticMail(headers({}), 'MAILER-DAEMON@b.cn')).toMatch(/daemon/);
  });
  it('finds the request number in the subject, In-Reply-To or References', () => {
    expect(requestNumberOf({ subject: 'Re: 单号 JS20261207000123 的进展' })).toBe('JS20261207000123');
    expect(
      requestNumberOf({
        subject: 'Re: hello',
        references: ['<a@b>', '<notice.x.GD20261207000001@onepoint>'],
      }),
    ).toBe('GD20261207000001');
    expect(requestNumberOf({ subject: 'hello 2026120700012' })).toBeUndefined();
  });
});
