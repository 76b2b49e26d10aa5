/**
 * "Send a test message" (发送测试): one message through the gateway settings that apply now — the
 * ones notices use — to an address the administrator gives, and what happened, as it happened: sent
 * (the server or platform took it, with its id), recorded (the simulator: nothing reached a phone),
 * or failed with the server's words. Audited; the recipient masked, no secret in any error kept.
 */
import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../../platform/clock.ts';
import type { Caller } from '../../platform/http/caller.ts';
import { maskEmail, maskPhone } from '../../platform/pii/masking.ts';
import { appendAudit } from '../audit/index.ts';
import { GatewayError, NO_MAIL, smsGatewayFor, SmtpGateway, UNREADABLE } from './gateway.ts';
import { currentMail, currentSms, type SettingsDeps } from './settings.ts';

export interface SendCheck {
  outcome: 'sent' | 'recorded' | 'failed';
  /** Whose settings were used: the environment's or an administrator's. */
  source: 'environment' | 'stored';
  to: string;
  providerId: string | null;
  error: string | null;
  durationMs: number;
}

/** Quicker to give up than a notice (which is retried): a person is waiting for the answer. */
const CHECK_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 };
const SMS_TIMEOUT_MS = 10_000;

const TEST_SUBJECT = 'onepoint 测试邮件 / test message';
const TEST_TEXT =
  '这是 onepoint 发出的测试邮件，用于检查外发邮件设置，无需回复。\n' +
  'This is a test message from onepoint, checking the outgoing mail settings. No reply is needed.';
const TEST_SMS = 'onepoint 测试短信：用于检查短信网关设置，无需回复。';

/** The error's words without the secrets or the address in clear. */
function scrubbed(err: unknown, secrets: Array<string | null>, to: string, masked: string): string {
  let text = (err instanceof GatewayError ? err.message : String((err as Error)?.message ?? err)).slice(
    0,
    500,
  );
  for (const s of secrets) if (s) text = text.split(s).join('***');
  return text.split(to).join(masked);
}

async function audited(deps: SettingsDeps, caller: Caller, gateway: string, r: SendCheck, channel: string) {
  await deps.db.transaction().execute((trx) =>
    appendAudit(
      trx,
      caller.actor,
      {
        action: 'channel_settings.test',
        entityType: 'channel_settings',
        entityId: gateway,
        details: { channel, to: r.to, source: r.source, outcome: r.outcome, error: r.error },
      },
      caller.now,
    ),
  );
}

export async function checkMailOut(
  deps: SettingsDeps & { clock: Clock },
  caller: Caller,
  to: string,
): Promise<SendCheck> {
  const current = await currentMail(deps);
  const settings = current.resolve();
  const masked = maskEmail(to) ?? '';
  const started = performance.now();
  let providerId: string | null = null;
  let error: string | null = null;
  if (!settings) error = NO_MAIL;
  else if (settings.unreadable) error = UNREADABLE('SMTP password');
  else {
    const gateway = new SmtpGateway(settings, CHECK_TIMEOUTS);
    try {
      providerId = await gateway.send({
        id: uuidv7(),
        channel: 'email',
        to,
        subject: TEST_SUBJECT,
        body: TEST_TEXT,
        templateId: null,
        variables: {},
        requestNumber: null,
      });
    } catch (err) {
      error = scrubbed(err, [settings.password], to, masked);
    } finally {
      gateway.close();
    }
  }
  const result: SendCheck = {
    outcome: error ? 'failed' : 'sent',
    source: current.source,
    to: masked,
    providerId,
    error,
    durationMs: Math.round(performance.now() - started),
  };
  await audited(deps, caller, 'mail_out', result, 'email');
  return result;
}

export async function checkSms(
  deps: SettingsDeps & { clock: Clock },
  caller: Caller,
  input: { to: string; channel: 'sms' | 'voice'; templateId?: string | undefined },
): Promise<SendCheck> {
  const settings = await currentSms(deps);
  const masked = maskPhone(input.to) ?? '';
  const started = performance.now();
  let providerId: string | null = null;
  let error: string | null = null;
  try {
    providerId = await smsGatewayFor(settings, deps.db, deps.clock, SMS_TIMEOUT_MS).send({
      id: uuidv7(),
      channel: input.channel,
      to: input.to,
      subject: null,
      body: TEST_SMS,
      templateId: input.templateId ?? null,
      variables: {},
      requestNumber: null,
    });
  } catch (err) {
    error = scrubbed(err, [settings.key], input.to, masked);
  }
  const result: SendCheck = {
    outcome: error ? 'failed' : settings.driver === 'simulator' ? 'recorded' : 'sent',
    source: settings.source,
    to: masked,
    providerId,
    error,
    durationMs: Math.round(performance.now() - started),
  };
  await audited(deps, caller, 'sms', result, input.channel);
  return result;
}
