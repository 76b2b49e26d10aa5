/**
 * Email in by IMAP (邮箱轮询): for operators who cannot expose the SMTP listener, a mailbox's mail
 * is read from an IMAP account instead. Each new message goes through the same intake as the
 * listener's (`takeMail`: request, reply note, automatic mail dropped, any charset), and is then
 * marked \Seen or moved.
 *
 * Exactly once: the source's UID cursor (`uid_validity`, `last_uid`) is in the database and moves
 * past a message only after it is stored and recorded; a poller claims the source with a row lock
 * (`FOR UPDATE SKIP LOCKED`) and a lease, so two processes never read the same source at once and
 * a restarted one goes on after the last message taken. A crash between storing a message and
 * moving the cursor brings that message again: its Message-ID (or, without one, the folder's
 * UIDVALIDITY and its UID) is already recorded, so it is a `duplicate`, not a second request.
 */
import { ImapFlow } from 'imapflow';
import { simpleParser, type AddressObject } from 'mailparser';
import type { Selectable } from 'kysely';
import type { PiiVault } from '../../platform/pii/vault.ts';
import type { ChannelImapSourcesTable } from './channels.tables.ts';
import { takeMail, type MailInDeps } from './mail-in.ts';

export interface ImapDeps extends MailInDeps {
  vault: PiiVault;
  /** `ONEPOINT_IMAP_PASSWORD_*` by name (config). */
  passwords: Readonly<Record<string, string>>;
  /** How long a poller holds a source; another may take it over after that. */
  leaseMs?: number;
  /** Connection and command timeout. */
  timeoutMs?: number;
}

export type ImapSource = Selectable<ChannelImapSourcesTable>;

export const passwordContext = (mailbox: string) => `imap:${mailbox}:password`;

export interface PollResult {
  /** `busy`: another poller holds the source; `inactive`: no such active source. */
  status: 'ok' | 'error' | 'busy' | 'inactive';
  taken: number;
  error?: string;
}

function clientFor(source: ImapSource, pass: string, timeoutMs: number): ImapFlow {
  return new ImapFlow({
    host: source.host,
    port: source.port,
    secure: source.tls === 'implicit',
    doSTARTTLS: source.tls === 'starttls' ? true : source.tls === 'none' ? false : undefined,
    auth: { user: source.username, pass },
    logger: false,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: Math.max(timeoutMs, 5 * 60_000),
  });
}

function passwordOf(deps: ImapDeps, source: ImapSource): string {
  if (source.password_env) {
    const pass = deps.passwords[source.password_env];
    if (!pass) throw new Error(`the environment variable ${source.password_env} is not set`);
    return pass;
  }
  return deps.vault.decrypt(source.password_enc ?? '', passwordContext(source.mailbox));
}

/** An IMAP error as it may be kept and shown: the server's answer, never the password. */
function errorText(err: unknown, pass: string): string {
  const e = err as { message?: string; responseText?: string; code?: string };
  const text = [
    e.message,
    e.responseText && e.responseText !== e.message ? e.responseText : undefined,
    e.code,
  ]
    .filter(Boolean)
    .join(': ');
  return (pass ? text.split(pass).join('***') : text).slice(0, 1000) || 'unknown error';
}

const firstAddress = (a: AddressObject | AddressObject[] | undefined): string | undefined =>
  (Array.isArray(a) ? a[0] : a)?.value[0]?.address?.toLowerCase();

/**
 * One poll of one source: claims it, takes every message above the cursor (the first time, and
 * after the folder's UIDVALIDITY changes, only those not yet \Seen: a person read the others),
 * moves the cursor past each once it is stored, then marks it \Seen or moves it.
 */
export async function pollImapSource(deps: ImapDeps, mailbox: string): Promise<PollResult> {
  const now = deps.clock.now();
  const leaseUntil = new Date(now.getTime() + (deps.leaseMs ?? 120_000));
  const claimed = await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('channel_imap_sources')
      .selectAll()
      .where('mailbox', '=', mailbox)
      .where('active', '=', true)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!row) return 'busy' as const;
    if (row.lease_until && new Date(row.lease_until) > now) return 'busy' as const;
    await trx
      .updateTable('channel_imap_sources')
      .set({ lease_until: leaseUntil })
      .where('mailbox', '=', mailbox)
      .execute();
    return row;
  });
  if (claimed === 'busy') {
    const exists = await deps.db
      .selectFrom('channel_imap_sources')
      .select('mailbox')
      .where('mailbox', '=', mailbox)
      .where('active', '=', true)
      .executeTakeFirst();
    return { status: exists ? 'busy' : 'inactive', taken: 0 };
  }
  const source = claimed;
  const box = await deps.db
    .selectFrom('channel_mailboxes')
    .selectAll()
    .where('address', '=', mailbox)
    .executeTakeFirstOrThrow();
  const log = deps.logger.child({ component: 'imap-in', mailbox });
  let pass = '';
  let taken = 0;
  let client: ImapFlow | undefined;
  // Moves the cursor only while this poller still holds the lease.
  const advance = async (set: { last_uid: number; uid_validity: string }) => {
    const r = await deps.db
      .updateTable('channel_imap_sources')
      .set(set)
      .where('mailbox', '=', mailbox)
      .where('lease_until', '=', leaseUntil)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1)
      throw new Error('lost the lease on the source (another poller took it)');
  };
  try {
    pass = passwordOf(deps, source);
    client = clientFor(source, pass, deps.timeoutMs ?? 30_000);
    client.on('error', (err: unknown) => log.warn({ reason: errorText(err, pass) }, 'imap connection error'));
    await client.connect();
    const lock = await client.getMailboxLock(source.folder);
    try {
      const validity = String((client.mailbox as { uidValidity: bigint | number }).uidValidity);
      const fresh = source.uid_validity === null || String(source.uid_validity) !== validity;
      const cursor = fresh ? 0 : Number(source.last_uid);
      const found = await client.search(fresh ? { seen: false } : { uid: `${cursor + 1}:*` }, { uid: true });
      const uids = (found || []).filter((u) => u > cursor).sort((a, b) => a - b);
      if (fresh) {
        // The cursor starts after what is there now that is read; unread mail is taken below.
        const next = Number((client.mailbox as { uidNext: number }).uidNext ?? 1);
        const start = uids.length ? uids[0]! - 1 : next - 1;
        await advance({ last_uid: start, uid_validity: validity });
      }
      for (const uid of uids) {
        const msg = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (!msg || !msg.source) continue;
        if (msg.source.length <= deps.maxBytes) {
          const mail = await simpleParser(msg.source, { skipTextToHtml: true, skipImageLinks: true });
          mail.messageId ??= `<imap.${validity}.${uid}.${mailbox.replace('@', '.')}@onepoint>`;
          const returnPath = mail.headers.get('return-path') as AddressObject | undefined;
          // `Return-Path: <>` is the null sender of a delivery report.
          const envelopeFrom = returnPath
            ? (firstAddress(returnPath) ?? null)
            : (firstAddress(mail.from) ?? null);
          const r = await takeMail(deps, box, mail, envelopeFrom);
          log.info({ outcome: r.outcome, request: r.requestNumber, uid }, 'mail taken');
        } else log.warn({ uid, bytes: msg.source.length }, 'mail over the size limit left in the mailbox');
        await advance({ last_uid: uid, uid_validity: validity });
        taken += 1;
        if (source.after_store === 'move' && source.move_to)
          await client.messageMove(String(uid), source.move_to, { uid: true });
        else await client.messageFlagsAdd(String(uid), ['\\Seen'], { uid: true });
      }
    } finally {
      lock.release();
    }
    await client.logout();
    await deps.db
      .updateTable('channel_imap_sources')
      .set({ lease_until: null, last_poll_at: now, last_ok_at: now, last_error: null, last_taken: taken })
      .where('mailbox', '=', mailbox)
      .where('lease_until', '=', leaseUntil)
      .execute();
    return { status: 'ok', taken };
  } catch (err) {
    client?.close();
    const error = errorText(err, pass);
    log.warn({ reason: error, taken }, 'imap poll failed');
    await deps.db
      .updateTable('channel_imap_sources')
      .set({ lease_until: null, last_poll_at: now, last_error: error, last_taken: taken })
      .where('mailbox', '=', mailbox)
      .where('lease_until', '=', leaseUntil)
      .execute();
    return { status: 'error', taken, error };
  }
}

/** The active sources' mailboxes. */
export async function activeImapSources(deps: Pick<ImapDeps, 'db'>): Promise<string[]> {
  const rows = await deps.db
    .selectFrom('channel_imap_sources as s')
    .innerJoin('channel_mailboxes as m', 'm.address', 's.mailbox')
    .select('s.mailbox')
    .where('s.active', '=', true)
    .where('m.active', '=', true)
    .orderBy('s.mailbox')
    .execute();
  return rows.map((r) => r.mailbox);
}

export interface ImapPoller {
  /** Polls every source now (the IDLE watchers call this when mail arrives). */
  wake(): void;
  stop(): Promise<void>;
}

/**
 * Polls the active sources every `intervalMs`, and at once when a source's IDLE connection says
 * mail arrived (servers with IDLE: most). One connection per source watches (IDLE); the poll opens
 * its own. Sources added, changed or removed are picked up at the next round.
 */
export function startImapPoller(deps: ImapDeps, intervalMs: number): ImapPoller {
  const log = deps.logger.child({ component: 'imap-in' });
  let stopping = false;
  let wakeUp: (() => void) | undefined;
  let woken = false;
  const watchers = new Map<string, { key: string; client: ImapFlow }>();

  const watch = async (mailbox: string) => {
    const source = await deps.db
      .selectFrom('channel_imap_sources')
      .selectAll()
      .where('mailbox', '=', mailbox)
      .executeTakeFirst();
    if (!source) return;
    const key = `${source.version}`;
    const current = watchers.get(mailbox);
    if (current && current.key === key && current.client.usable) return;
    current?.client.close();
    watchers.delete(mailbox);
    let pass = '';
    try {
      pass = passwordOf(deps, source);
      const client = clientFor(source, pass, deps.timeoutMs ?? 30_000);
      client.on('error', () => undefined); // the poll reports the source's errors
      client.on('exists', () => wake());
      await client.connect();
      if (!client.capabilities.has('IDLE')) {
        await client.logout();
        return; // polled on the interval only
      }
      await client.mailboxOpen(source.folder, { readOnly: true });
      watchers.set(mailbox, { key, client });
      // IDLE until the connection ends (the server or imapflow ends each IDLE now and then).
      void (async () => {
        while (client.usable && !stopping) {
          const began = Date.now();
          await client.idle();
          if (Date.now() - began < 1000) await new Promise((r) => setTimeout(r, 1000));
        }
      })().catch(() => undefined);
    } catch (err) {
      log.debug({ mailbox, reason: errorText(err, pass) }, 'imap watcher not started');
    }
  };

  const wake = () => {
    woken = true;
    wakeUp?.();
  };

  const loop = (async () => {
    while (!stopping) {
      woken = false;
      try {
        const mailboxes = await activeImapSources(deps);
        for (const [m, w] of watchers)
          if (!mailboxes.includes(m)) {
            w.client.close();
            watchers.delete(m);
          }
        for (const m of mailboxes) {
          if (stopping) break;
          await pollImapSource(deps, m);
          await watch(m);
        }
      } catch (err) {
        log.error({ err }, 'imap polling failed');
      }
      if (stopping || woken) continue;
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, intervalMs);
        function done() {
          clearTimeout(t);
          wakeUp = undefined;
          resolve();
        }
        wakeUp = done;
      });
    }
  })();

  return {
    wake,
    stop: async () => {
      stopping = true;
      wakeUp?.();
      await loop;
      for (const w of watchers.values()) w.client.close();
      watchers.clear();
    },
  };
}
