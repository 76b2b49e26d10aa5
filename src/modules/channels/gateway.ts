/**
 * Where notices leave: one `NoticeGateway` per channel kind. Mail goes through nodemailer over a
 * real SMTP connection; SMS and voice through a driver — the simulator (records what it would send:
 * demo and tests) or a generic HTTP SMS platform (signed JSON, a registered template id and its
 * variables, as Chinese SMS platforms take them). Which server, driver and secrets: the gateway
 * settings (settings.ts) — an administrator's, else the environment's — read at each send, so a
 * change applies on every node without a restart. A send either resolves with the provider's id or
 * throws: the caller retries.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { v7 as uuidv7 } from 'uuid';
import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { PiiVault } from '../../platform/pii/vault.ts';
import type { Db, NoticeChannel } from './channels.tables.ts';
import { currentMail, currentSms, type MailOut, type SmsOut } from './settings.ts';

export interface OutgoingNotice {
  id: string;
  channel: NoticeChannel;
  to: string;
  subject: string | null;
  body: string;
  /** The SMS platform's template id and the values of its variables. */
  templateId: string | null;
  variables: Record<string, string>;
  /** Mail headers that make replies find the request (Message-ID, References); none for TMF681. */
  requestNumber: string | null;
}

export interface NoticeGateway {
  /** The provider's message id; throws on failure (the message is retried). */
  send(notice: OutgoingNotice): Promise<string>;
}

export class GatewayError extends Error {
  constructor(
    message: string,
    readonly retryable = true,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}

/** Timeouts for saved settings (nodemailer's defaults wait minutes for a silent server). */
const SMTP_TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

/** nodemailer's options for mail settings: the environment's URL as given, or the saved fields. */
export function smtpOptions(m: MailOut, timeouts = SMTP_TIMEOUTS): string | SMTPTransport.Options {
  if (m.url) return m.url;
  return {
    host: m.host,
    port: m.port,
    secure: m.tls === 'implicit',
    requireTLS: m.tls === 'starttls',
    ...(m.username ? { auth: { user: m.username, pass: m.password ?? '' } } : {}),
    ...timeouts,
  };
}

/** Mail over SMTP (nodemailer): our Message-ID names the request so a reply finds it. */
export class SmtpGateway implements NoticeGateway {
  private readonly transport;
  private readonly from: string;
  constructor(settings: MailOut, timeouts?: typeof SMTP_TIMEOUTS) {
    this.from = settings.from;
    const safe = { disableFileAccess: true, disableUrlAccess: true };
    const options = smtpOptions(settings, timeouts);
    this.transport =
      typeof options === 'string'
        ? nodemailer.createTransport(options, safe)
        : nodemailer.createTransport({ ...options, ...safe });
  }
  async send(n: OutgoingNotice): Promise<string> {
    const messageId = n.requestNumber
      ? `<notice.${n.id}.${n.requestNumber}@onepoint>`
      : `<message.${n.id}@onepoint>`;
    const info = await this.transport.sendMail({
      from: this.from,
      to: n.to,
      subject: n.subject ?? n.requestNumber ?? '',
      text: n.body,
      messageId,
      headers: {
        // RFC 3834: our notices are automatic; well-behaved responders do not answer them.
        'Auto-Submitted': 'auto-generated',
        'X-Auto-Response-Suppress': 'All',
        ...(n.requestNumber ? { 'X-Onepoint-Request': n.requestNumber } : {}),
      },
    });
    return String(info.messageId ?? messageId);
  }
  close() {
    this.transport.close();
  }
}

/** Mail when neither the environment (ONEPOINT_SMTP_URL) nor an administrator set a server. */
export const NO_MAIL = 'mail is not configured (ONEPOINT_SMTP_URL or the gateway settings)';
export const UNREADABLE = (what: string) =>
  `the saved ${what} cannot be decrypted (its key is no longer in ONEPOINT_PII_KEYS): save it again`;

/** The local simulator: records each message as a gateway would receive it. */
export class SimulatorGateway implements NoticeGateway {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}
  async send(n: OutgoingNotice): Promise<string> {
    const id = uuidv7();
    await this.db
      .insertInto('channel_simulated')
      .values({
        id,
        channel: n.channel,
        to_address: n.to,
        template_id: n.templateId,
        body: n.body,
        sent_at: this.clock.now(),
      })
      .execute();
    return `sim-${id}`;
  }
}

/** `X-Signature` of the HTTP gateway: hex HMAC-SHA256 over `<timestamp>\n<body>`. */
export function gatewaySignature(key: string, timestamp: string, body: string): string {
  return createHmac('sha256', key).update(`${timestamp}\n${body}`).digest('hex');
}

export function checkGatewaySignature(key: string, timestamp: string, body: string, given: string): boolean {
  const want = Buffer.from(gatewaySignature(key, timestamp, body));
  const got = Buffer.from(given);
  return want.length === got.length && timingSafeEqual(want, got);
}

/**
 * A generic HTTP SMS platform: `POST <url>` with JSON `{requestId, phone, signName, templateId,
 * templateParams, content, channel}` and headers `X-Timestamp` (Unix seconds) and `X-Signature`
 * (above). 2xx with `{messageId}` (or `{bizId}`) is sent; 4xx is refused (retried all the same,
 * as platforms answer 4xx to flow control); anything else is retried.
 */
export class HttpSmsGateway implements NoticeGateway {
  constructor(
    private readonly url: string,
    private readonly key: string,
    private readonly signName: string,
    private readonly clock: Clock,
    private readonly timeoutMs = 10_000,
  ) {}
  async send(n: OutgoingNotice): Promise<string> {
    const body = JSON.stringify({
      requestId: n.id,
      phone: n.to,
      signName: this.signName,
      templateId: n.templateId,
      templateParams: n.variables,
      content: n.body,
      channel: n.channel,
    });
    const timestamp = String(Math.floor(this.clock.now().getTime() / 1000));
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-timestamp': timestamp,
          'x-signature': gatewaySignature(this.key, timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'error',
      });
    } catch (err) {
      throw new GatewayError(`gateway unreachable: ${(err as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) throw new GatewayError(`gateway answered ${res.status}: ${text.slice(0, 200)}`);
    let parsed: { messageId?: unknown; bizId?: unknown } = {};
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      // an empty or plain answer: no id
    }
    return String(parsed.messageId ?? parsed.bizId ?? n.id);
  }
}

export interface Gateways {
  mail: NoticeGateway;
  /** SMS and voice (自动语音通知) through the configured driver. */
  sms: NoticeGateway;
  close(): void;
}

/** The SMS/voice driver the settings name. */
export function smsGatewayFor(s: SmsOut, db: Db, clock: Clock, timeoutMs?: number): NoticeGateway {
  if (s.driver === 'simulator') return new SimulatorGateway(db, clock);
  if (s.unreadable) return { send: () => Promise.reject(new GatewayError(UNREADABLE('SMS gateway key'))) };
  if (!s.url || !s.key)
    return { send: () => Promise.reject(new GatewayError('the http SMS driver has no URL or key')) };
  return new HttpSmsGateway(s.url, s.key, s.signName, clock, timeoutMs);
}

/**
 * The gateways notices go through. Each send reads the settings row (one small query): the SMTP
 * transport is kept while the row's version stays, built anew when an administrator changed it
 * (on any node); the SMS driver is built per send (it holds no connection).
 */
export function gatewaysFor(config: Config, db: Db, clock: Clock, vault: PiiVault): Gateways {
  if (config.noticeGateway === 'http' && !(config.smsGatewayUrl && config.smsGatewayKey))
    throw new Error(
      'ONEPOINT_NOTICE_GATEWAY=http needs ONEPOINT_SMS_GATEWAY_URL and ONEPOINT_SMS_GATEWAY_KEY',
    );
  const deps = { db, config, vault };
  let cached: { version: number; unreadable: boolean; gateway: SmtpGateway | undefined } | undefined;
  const mail: NoticeGateway = {
    async send(n) {
      const current = await currentMail(deps);
      if (cached?.version !== current.version) {
        cached?.gateway?.close();
        const settings = current.resolve();
        cached = {
          version: current.version,
          unreadable: Boolean(settings?.unreadable),
          gateway: settings ? new SmtpGateway(settings) : undefined,
        };
      }
      if (!cached.gateway) throw new GatewayError(NO_MAIL);
      if (cached.unreadable) throw new GatewayError(UNREADABLE('SMTP password'));
      return cached.gateway.send(n);
    },
  };
  const sms: NoticeGateway = {
    send: async (n) => smsGatewayFor(await currentSms(deps), db, clock).send(n),
  };
  return { mail, sms, close: () => cached?.gateway?.close() };
}
