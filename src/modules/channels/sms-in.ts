/**
 * SMS replies (短信上行) through the gateway's webhook: "1" (满意 / satisfied) or "2" (不满意 / not
 * satisfied) after a resolution (回单) or callback survey notice becomes the customer's note on
 * that request, with the answer in its details; any other text is the customer's note as written.
 * A reply from a number we sent no such notice to in the last 7 days is recorded and dropped.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../../platform/clock.ts';
import { maskFreeText } from '../../platform/pii/free-text.ts';
import { maskPhone } from '../../platform/pii/masking.ts';
import type { RequestChannelPort } from '../service-requests/index.ts';
import type { Db, InboundOutcome } from './channels.tables.ts';

const REPLY_WINDOW_MS = 7 * 24 * 3600_000;

export type Satisfaction = 'satisfied' | 'not_satisfied';

/** "1", "1 满意", "满意", "satisfied" → satisfied; "2", "不满意", "not satisfied" → not satisfied. */
export function satisfactionOf(text: string): Satisfaction | undefined {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/[。.!！\s]+$/, '');
  if (/^(2\b|2$|不满意|not satisfied|unsatisfied)/.test(t)) return 'not_satisfied';
  if (/^(1\b|1$|满意|satisfied)/.test(t)) return 'satisfied';
  return undefined;
}

export interface SmsIn {
  messageId: string;
  phone: string;
  text: string;
}

export async function takeSms(
  deps: { db: Db; clock: Clock; requests: RequestChannelPort },
  sms: SmsIn,
): Promise<{ outcome: InboundOutcome; requestNumber?: string; satisfaction?: Satisfaction }> {
  const now = deps.clock.now();
  const phone = sms.phone.replace(/^\+?86/, '');
  const record = async (outcome: InboundOutcome, requestId: string | null, detail: string | null) =>
    deps.db
      .insertInto('channel_inbound')
      .values({
        id: uuidv7(),
        channel: 'sms',
        message_ref: outcome === 'note' ? sms.messageId : null,
        mailbox: null,
        sender_masked: maskPhone(phone),
        outcome,
        request_id: requestId,
        detail,
        received_at: now,
      })
      .execute();
  const seen = await deps.db
    .selectFrom('channel_inbound')
    .select('id')
    .where('channel', '=', 'sms')
    .where('message_ref', '=', sms.messageId)
    .executeTakeFirst();
  if (seen) return { outcome: 'duplicate' };
  const notice = await deps.db
    .selectFrom('notices')
    .select(['request_id', 'request_number', 'event'])
    .where('to_address', '=', phone)
    .where('status', '=', 'sent')
    .where('channel', '=', 'sms')
    .where('event', 'in', ['resolved', 'callback_survey'])
    .where('request_number', 'is not', null)
    .where('sent_at', '>', new Date(now.getTime() - REPLY_WINDOW_MS))
    .orderBy('sent_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!notice) {
    await record('unmatched', null, 'no survey notice sent to this number lately');
    return { outcome: 'unmatched' };
  }
  const satisfaction = satisfactionOf(sms.text);
  const words = maskFreeText(sms.text.trim()).slice(0, 500);
  const body =
    satisfaction === 'satisfied'
      ? `满意 / Satisfied (SMS: ${words})`
      : satisfaction === 'not_satisfied'
        ? `不满意 / Not satisfied (SMS: ${words})`
        : words || '(empty SMS)';
  const noted = await deps.requests.customerNote(deps.db, {
    number: notice.request_number!,
    body,
    channel: 'sms',
    now,
    details: { inReplyTo: notice.event, ...(satisfaction ? { satisfaction } : {}) },
  });
  if (!noted) {
    await record('unmatched', notice.request_id, 'the request is closed');
    return { outcome: 'unmatched' };
  }
  await record('note', noted.id, satisfaction ?? null);
  return { outcome: 'note', requestNumber: noted.number, ...(satisfaction ? { satisfaction } : {}) };
}
