// A local SMTP server for the mail tests (smtp-server): a free port of 127.0.0.1, no TLS, every
// message parsed (mailparser) and its envelope kept. With a login, AUTH is required and only that
// user and password pass; without, AUTH is off. The integration and browser tests share it.
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SmtpReceiver {
  port: number;
  /** Every message taken, parsed, in order. */
  inbox: ParsedMail[];
  /** Each message's envelope, in order: its recipients and the login it came with ('' without). */
  envelopes: Array<{ to: string[]; login: string }>;
  /** Every AUTH attempt, passed or not. */
  logins: Array<{ user: string; pass: string }>;
  /** Refuses the next `count` recipients with this SMTP code and text (451: try later; 550: never). */
  refuse(count: number, code: number, message: string): void;
  close(): Promise<void>;
}

export async function startSmtpReceiver(login?: { user: string; pass: string }): Promise<SmtpReceiver> {
  const inbox: ParsedMail[] = [];
  const envelopes: SmtpReceiver['envelopes'] = [];
  const logins: SmtpReceiver['logins'] = [];
  const refusal = { count: 0, code: 0, message: '' };
  const server = new SMTPServer({
    logger: false,
    disabledCommands: login ? ['STARTTLS'] : ['AUTH', 'STARTTLS'],
    authOptional: !login,
    allowInsecureAuth: true,
    onAuth(auth, _session, cb) {
      logins.push({ user: auth.username ?? '', pass: auth.password ?? '' });
      if (auth.username === login?.user && auth.password === login?.pass)
        return cb(null, { user: auth.username });
      return cb(new Error('535 authentication failed'));
    },
    onRcptTo(_address, _session, cb) {
      if (refusal.count > 0) {
        refusal.count -= 1;
        return cb(Object.assign(new Error(refusal.message), { responseCode: refusal.code }));
      }
      cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream).then(
        (m) => {
          inbox.push(m);
          envelopes.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            login: String(session.user ?? ''),
          });
          cb();
        },
        (err: Error) => cb(err),
      );
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.server.address() as AddressInfo).port,
    inbox,
    envelopes,
    logins,
    refuse(count, code, message) {
      Object.assign(refusal, { count, code, message });
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
