/**
 * Email in (邮件受理): an SMTP listener (smtp-server) takes mail for the configured mailboxes only;
 * mailparser decodes it (MIME, quoted-printable/base64, GBK/GB2312/GB18030 and other charsets).
 * A new mail becomes a service request of the mailbox's kind; a reply naming a request number (in
 * the subject, In-Reply-To or References) becomes the customer's note on that request. Automatic
 * mail — RFC 3834 `Auto-Submitted`, `Precedence: bulk/junk/list/auto_reply`, `X-Autoreply`,
 * delivery reports, a null sender — is recorded and dropped: no request, no answer, no loop.
 */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import { v7 as uuidv7 } from 'uuid';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/logger.ts';
import { maskEmail } from '../../platform/pii/masking.ts';
import { attachFile } from '../attachments/index.ts';
import { customerIdByEmail } from '../customers/index.ts';
import type { Caller, RequestChannelPort } from '../service-requests/index.ts';
import type { ChannelMailboxesTable, Db, InboundOutcome } from './channels.tables.ts';
import type { Selectable } from 'kysely';

/** A request number as the service-requests module makes them: province code + China date + 6 digits. */
const REQUEST_NUMBER = /\b([A-Z]{2}\d{14})\b/;

export interface MailInDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  requests: RequestChannelPort;
  /** The largest mail accepted (the attachment limit plus room for the text). */
  maxBytes: number;
  /** Where the mail's files go (the attachments module's store and per-file limit). */
  attachments: { attachmentsDir: string | undefined; attachmentMaxBytes: number };
}

export interface InboundResult {
  outcome: InboundOutcome;
  requestId: string | null;
  requestNumber?: string;
}

/** Why a mail is automatic (never answered, never a request), or undefined for a person's mail. */
export function automaticMail(
  mail: Pick<ParsedMail, 'headers'>,
  envelopeFrom: string | null,
): string | undefined {
  const h = (name: string) => {
    const v = mail.headers.get(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v.toLowerCase();
    if (typeof v === 'object' && 'value' in v) return String((v as { value: unknown }).value).toLowerCase();
    return String(v).toLowerCase();
  };
  if (!envelopeFrom) return 'null sender (delivery report)';
  const auto = h('auto-submitted');
  if (auto && auto.trim() !== 'no') return `Auto-Submitted: ${auto.trim()}`;
  const precedence = h('precedence');
  if (precedence && /\b(bulk|junk|list|auto_reply)\b/.test(precedence))
    return `Precedence: ${precedence.trim()}`;
  // (Not X-Auto-Response-Suppress: it asks others not to answer automatically, and people's own
  // mail from some clients carries it.)
  for (const name of ['x-autoreply', 'x-autorespond']) {
    const v = h(name);
    if (v !== undefined) return `${name}: ${v.trim()}`;
  }
  const type = h('content-type');
  if (type && type.includes('multipart/report')) return 'delivery or read report';
  if (/^(mailer-daemon|postmaster)@/i.test(envelopeFrom)) return 'mailer daemon';
  return undefined;
}

/** The request number a reply names: subject first, then In-Reply-To and References. */
export function requestNumberOf(
  mail: Pick<ParsedMail, 'subject' | 'inReplyTo' | 'references'>,
): string | undefined {
  const refs = Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : [];
  for (const text of [mail.subject ?? '', mail.inReplyTo ?? '', ...refs]) {
    const m = REQUEST_NUMBER.exec(text);
    if (m) return m[1];
  }
  return undefined;
}

/** The mail's text: its text part, else its HTML reduced to text (no markup, scripts or styles). */
export function mailText(mail: Pick<ParsedMail, 'text' | 'html'>): string {
  const text = mail.text?.trim();
  if (text) return text;
  if (typeof mail.html === 'string')
    return sanitizeHtml(mail.html.replace(/<(br|\/p|\/div|\/li|\/tr)\b[^>]*>/gi, '$&\n'), {
      allowedTags: [],
      allowedAttributes: {},
      nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'head', 'title'],
    })
      .replace(/&nbsp;/g, ' ')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/\n\s*\n+/g, '\n\n')
      .trim();
  return '';
}

/** The part of a reply above the quoted original (lines starting with `>` and "On … wrote:" cut). */
export function replyText(text: string): string {
  const lines = text.split(/\r?\n/);
  const out: string[] = [];
  for (const line of lines) {
    if (/^>/.test(line)) break;
    if (/^(On .+ wrote:|在.+写道[:：]|-{2,}\s*(Original Message|原始邮件)\s*-{2,})\s*$/.test(line.trim()))
      break;
    out.push(line);
  }
  return out.join('\n').trim() || text.trim();
}

const firstAddress = (a: AddressObject | AddressObject[] | undefined): string | undefined =>
  (Array.isArray(a) ? a[0] : a)?.value[0]?.address?.toLowerCase();

/** Takes one parsed mail sent to `mailbox`: a request, a note, or nothing (recorded either way). */
export async function takeMail(
  deps: MailInDeps,
  mailbox: Selectable<ChannelMailboxesTable>,
  mail: ParsedMail,
  envelopeFrom: string | null,
): Promise<InboundResult> {
  const now = deps.clock.now();
  const sender = firstAddress(mail.from) ?? envelopeFrom ?? null;
  const messageRef = mail.messageId?.slice(0, 500) ?? null;
  const record = async (outcome: InboundOutcome, requestId: string | null, detail: string | null) => {
    await deps.db
      .insertInto('channel_inbound')
      .values({
        id: uuidv7(),
        channel: 'email',
        message_ref: outcome === 'request' || outcome === 'note' ? messageRef : null,
        mailbox: mailbox.address,
        sender_masked: maskEmail(sender),
        outcome,
        request_id: requestId,
        detail,
        received_at: now,
      })
      .execute();
  };
  const auto = automaticMail(mail, envelopeFrom);
  if (auto) {
    await record('auto_reply', null, auto);
    deps.logger.info({ mailbox: mailbox.address, reason: auto }, 'automatic mail dropped');
    return { outcome: 'auto_reply', requestId: null };
  }
  if (messageRef) {
    const seen = await deps.db
      .selectFrom('channel_inbound')
      .select(['request_id'])
      .where('channel', '=', 'email')
      .where('message_ref', '=', messageRef)
      .executeTakeFirst();
    if (seen) {
      await record('duplicate', seen.request_id, 'the same Message-ID was taken before');
      return { outcome: 'duplicate', requestId: seen.request_id };
    }
  }
  const text = mailText(mail);
  const number = requestNumberOf(mail);
  if (number) {
    const noted = await deps.requests.customerNote(deps.db, {
      number,
      body: [...(replyText(text) || mail.subject || '')].slice(0, 5000).join('') || '(empty mail)',
      channel: 'email',
      now,
      details: { mailbox: mailbox.address },
    });
    if (noted) {
      await record('note', noted.id, null);
      return { outcome: 'note', requestId: noted.id, requestNumber: noted.number };
    }
    // A number that names no open request: a new request, as any other mail.
  }
  const customerId = sender ? await customerIdByEmail(deps.db, sender) : undefined;
  const created = await deps.requests.intake(deps.db, {
    ownerUserId: mailbox.owner_user_id,
    actorLogin: `mail:${mailbox.address}`,
    kind: mailbox.kind as never,
    channel: 'email',
    channelRef: messageRef ?? uuidv7(),
    title: mail.subject ?? '',
    description: text || '(empty mail)',
    customerId,
    now,
  });
  const files = await keepAttachments(deps, created.caller, created.id, mail);
  const notes = [
    customerId ? null : 'sender not matched: identify at triage',
    files.kept + files.refused > 0 ? `attachments: ${files.kept} kept, ${files.refused} refused` : null,
  ].filter(Boolean);
  await record('request', created.id, notes.length ? notes.join('; ') : null);
  return { outcome: 'request', requestId: created.id, requestNumber: created.number };
}

/**
 * The mail's files on the new request, through the attachments module (its size limit, type read
 * from the bytes, owner rule); one refused (too large, a type not taken) does not stop the others.
 */
async function keepAttachments(
  deps: MailInDeps,
  caller: Caller,
  requestId: string,
  mail: ParsedMail,
): Promise<{ kept: number; refused: number }> {
  let kept = 0;
  let refused = 0;
  for (const a of mail.attachments ?? []) {
    if (a.related && a.contentDisposition !== 'attachment') continue; // an inline image of the HTML
    try {
      await attachFile({ db: deps.db, config: deps.attachments }, caller, {
        ownerType: 'service_request',
        ownerId: requestId,
        fileName: a.filename,
        declaredType: a.contentType,
        bytes: a.content,
      });
      kept += 1;
    } catch (err) {
      refused += 1;
      deps.logger.info(
        { request: requestId, reason: (err as { code?: string }).code },
        'mail attachment refused',
      );
    }
  }
  return { kept, refused };
}

export interface MailListener {
  /** The port it listens on (useful with port 0). */
  port: number;
  close(): Promise<void>;
}

const smtpError = (message: string, code: number) =>
  Object.assign(new Error(message), { responseCode: code });

/** Starts the SMTP listener on host:port; mail for an address that is no active mailbox is refused (550). */
export async function startMailListener(
  deps: MailInDeps,
  listen: { host: string; port: number },
): Promise<MailListener> {
  const log = deps.logger.child({ component: 'smtp-in' });
  const mailboxOf = async (address: string) =>
    deps.db
      .selectFrom('channel_mailboxes')
      .selectAll()
      .where('address', '=', address.toLowerCase())
      .where('active', '=', true)
      .executeTakeFirst();
  const server = new SMTPServer({
    name: 'onepoint',
    banner: 'onepoint mail intake',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: deps.maxBytes,
    logger: false,
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, cb: (err?: Error | null) => void) {
      mailboxOf(address.address).then(
        (m) => cb(m ? null : smtpError('5.1.1 No such mailbox here', 550)),
        (err: unknown) => {
          log.error({ err }, 'mailbox lookup failed');
          cb(smtpError('4.3.0 Try again later', 451));
        },
      );
    },
    onData(stream, session, cb) {
      const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address || null : null;
      const recipients = session.envelope.rcptTo.map((r) => r.address);
      (async () => {
        const mail = await simpleParser(stream, { skipTextToHtml: true, skipImageLinks: true });
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded)
          throw smtpError('5.3.4 Message too big', 552);
        // One request per mail, for the first configured mailbox it was sent to.
        for (const address of recipients) {
          const mailbox = await mailboxOf(address);
          if (!mailbox) continue;
          const r = await takeMail(deps, mailbox, mail, envelopeFrom);
          log.info({ mailbox: mailbox.address, outcome: r.outcome, request: r.requestNumber }, 'mail taken');
          return;
        }
      })().then(
        () => cb(null),
        (err: unknown) => {
          if ((err as { responseCode?: number }).responseCode) return cb(err as Error);
          log.error({ err }, 'mail intake failed');
          cb(smtpError('4.3.0 Could not take the mail now; try again later', 451));
        },
      );
    },
  });
  server.on('error', (err) => log.error({ err }, 'smtp listener error'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  log.info({ host: listen.host, port }, 'smtp listener started');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
