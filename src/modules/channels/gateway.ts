/**
 * Where notices leave: one `NoticeGateway` per channel kind. Mail goes through nodemailer over a
 * real SMTP connection (ONEPOINT_SMTP_URL); SMS and voice through the driver ONEPOINT_NOTICE_GATEWAY
 * names — the simulator (records what it would send: demo and tests) or a generic HTTP SMS
 * platform (signed JSON, a registered template id and its variables, as Chinese SMS platforms take
 * them). A send either resolves with the provider's id or throws: the caller retries.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import nodemailer from 'nodemailer';
import { v7 as uuidv7 } from 'uuid';
import type { Config } from '../../config.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Db, NoticeChannel } from './channels.tables.ts';

export interface OutgoingNotice {
  id: string;
  channel: NoticeChannel;
  to: string;
  subject: string | null;
  body: string;
  /** The SMS platform's template id and the values of its variables. */
  templateId: string | null;
  variables: Record<string, string>;
  /** Mail headers that make replies find the request (Message-ID, References). */
  requestNumber: string;
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

/** Mail over SMTP (nodemailer): our Message-ID names the request so a reply finds it. */
export class SmtpGateway implements NoticeGateway {
  private readonly transport;
  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(url, { disableFileAccess: true, disableUrlAccess: true });
  }
  async send(n: OutgoingNotice): Promise<string> {
    const messageId = `<notice.${n.id}.${n.requestNumber}@onepoint>`;
    const info = await this.transport.sendMail({
      from: this.from,
      to: n.to,
      subject: n.subject ?? n.requestNumber,
      text: n.body,
      messageId,
      headers: {
        // RFC 3834: our notices are automatic; well-behaved responders do not answer them.
        'Auto-Submitted': 'auto-generated',
        'X-Auto-Response-Suppress': 'All',
        'X-Onepoint-Request': n.requestNumber,
      },
    });
    return String(info.messageId ?? messageId);
  }
  close() {
    this.transport.close();
  }
}

/** Mail when no ONEPOINT_SMTP_URL is set: every attempt fails, visibly. */
export const noMailGateway: NoticeGateway = {
  send: () => Promise.reject(new GatewayError('mail is not configured (ONEPOINT_SMTP_URL)')),
};

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

export function gatewaysFor(config: Config, db: Db, clock: Clock): Gateways {
  const mail = config.smtpUrl ? new SmtpGateway(config.smtpUrl, config.mailFrom) : undefined;
  if (config.noticeGateway === 'http' && !(config.smsGatewayUrl && config.smsGatewayKey))
    throw new Error(
      'ONEPOINT_NOTICE_GATEWAY=http needs ONEPOINT_SMS_GATEWAY_URL and ONEPOINT_SMS_GATEWAY_KEY',
    );
  const sms =
    config.noticeGateway === 'http'
      ? new HttpSmsGateway(config.smsGatewayUrl!, config.smsGatewayKey!, config.smsSignName, clock)
      : new SimulatorGateway(db, clock);
  return { mail: mail ?? noMailGateway, sms, close: () => mail?.close() };
}
