// The channels module's public face (渠道与通知): mail in (SMTP listener) and out, the SMS/voice
// gateway, progress notices from the service-request events. Other modules import only from here.
import { startPollLoop } from '../../platform/jobs/poll-loop.ts';
import { defineModule, type ModuleRuntime } from '../../platform/module.ts';
import { demoId } from '../identity/index.ts';
import { channelRoutes } from './channels.routes.ts';
import { settingsRoutes } from './settings.routes.ts';
import { imapDeps, mailInDeps, noticeDeps, type RequestPortFor } from './deps.ts';
import { channelsMigrations } from './channels.migrations.ts';
import type { ChannelsTables, ModuleContext } from './channels.tables.ts';
import { hubRoutes } from '../events/index.ts';
import { MESSAGE_PERMISSION, tmf681Routes } from './tmf681/tmf681.routes.ts';
import { COMMUNICATION_MESSAGE_EVENT_TYPES, TMF681_BASE } from './tmf681/tmf681.service.ts';
import { startImapPoller } from './imap-in.ts';
import { rotateChannelSecrets } from './secrets-rotation.ts';
import { startMailListener } from './mail-in.ts';
import { consumeRequestEvents, deliverDueNotices, registerNoticeConsumer, seedTemplates } from './notices.ts';

export const DELIVER_QUEUE = 'channels.deliver';
export { imapDeps, mailInDeps, noticeDeps, type RequestPortFor } from './deps.ts';

/** Built-in notice texts, and the notices' place in the outbox's queue (events from now on). */
async function prepare(ctx: ModuleContext) {
  await seedTemplates(ctx.db, ctx.clock.now());
  await registerNoticeConsumer(ctx.db, ctx.clock.now());
}

async function start(ctx: ModuleContext & { supervise: boolean }, requests: RequestPortFor) {
  const stops: Array<() => Promise<void>> = [];
  if (ctx.config.smtpListen) {
    const listener = await startMailListener(mailInDeps(ctx, requests), ctx.config.smtpListen);
    stops.push(() => listener.close());
  }
  if (ctx.supervise) {
    // IMAP sources (if any are configured) are polled where workers run.
    const poller = startImapPoller(imapDeps(ctx, requests), ctx.config.imapPollSeconds * 1000);
    stops.push(() => poller.stop());
    const deps = noticeDeps(ctx, requests);
    await ctx.jobs.define(DELIVER_QUEUE, { dedupe: true });
    // Retries are due by the notices' own next_attempt_at; the job wakes delivery every minute.
    await ctx.jobs.schedule(DELIVER_QUEUE, '* * * * *', {});
    await ctx.jobs.work(DELIVER_QUEUE, async () => {
      // A full batch may leave more waiting.
      for (let r = await deliverDueNotices(deps, 20); r.sent + r.failed === 20;)
        r = await deliverDueNotices(deps, 20);
    });
    const loop = startPollLoop({
      intervalMs: 1000,
      round: async () => {
        const r = await consumeRequestEvents(deps);
        if (r.planned > 0) await ctx.jobs.send(DELIVER_QUEUE, {}, { singletonKey: 'now' });
        return { more: r.more };
      },
      onError: (err, failures) => deps.logger.error({ err, failures }, 'notice planning failed'),
    });
    stops.push(async () => {
      await loop.stop();
      deps.gateways.close();
    });
  }
  const runtime: ModuleRuntime = {
    stop: async () => {
      for (const s of stops.reverse()) await s();
    },
  };
  return runtime;
}

/** The demo's mailboxes: service@ → consultation, fault@ → fault, taken in the name of the demo agent. */
async function demo(ctx: ModuleContext): Promise<boolean> {
  const now = ctx.clock.now();
  const owner = demoId('user', 'agent');
  const r = await ctx.db
    .insertInto('channel_mailboxes')
    .values([
      {
        address: 'service@onepoint.local',
        kind: 'consultation',
        owner_user_id: owner,
        created_at: now,
        updated_at: now,
      },
      {
        address: 'fault@onepoint.local',
        kind: 'fault',
        owner_user_id: owner,
        created_at: now,
        updated_at: now,
      },
    ])
    .onConflict((oc) => oc.column('address').doNothing())
    .returning('address')
    .execute();
  return r.length > 0;
}

/** The module, with the port to service requests (the registry passes `requestChannelPort(routing)`). */
export function channelsModule(requests: RequestPortFor) {
  return defineModule<ChannelsTables>({
    name: 'channels',
    migrations: channelsMigrations,
    routes: [
      { plugin: (ctx) => channelRoutes(ctx, requests) },
      // Gateway settings (settings.ts): how mail and SMS/voice go out, edited by administrators.
      { plugin: (ctx) => settingsRoutes(ctx) },
      // TMF681 Communication Message v4 (tmf681/), and its event hub.
      { prefix: TMF681_BASE, plugin: (ctx) => tmf681Routes(ctx) },
      {
        prefix: TMF681_BASE,
        plugin: (ctx) =>
          hubRoutes(ctx, {
            api: 'TMF681',
            basePath: TMF681_BASE,
            eventTypes: [...COMMUNICATION_MESSAGE_EVENT_TYPES],
          }),
      },
    ],
    prepare,
    start: (ctx) => start(ctx, requests),
    // The saved gateway secrets and IMAP passwords (`onepoint rotate-keys`).
    rotateKeys: (ctx, rotation) => rotateChannelSecrets(ctx.db, rotation),
    demo: (ctx) => demo(ctx),
    eventTypes: [...COMMUNICATION_MESSAGE_EVENT_TYPES],
    permissions: {
      'channels.admin': {
        description:
          'Configure mailboxes (address → request kind), the gateways mail and SMS go out through, and notice templates',
        roles: ['system_admin'],
      },
      [MESSAGE_PERMISSION]: {
        description:
          'Send communication messages (SMS, Email) to any address through TMF681 and list them (masked)',
        roles: ['system_admin'],
      },
    },
  });
}

export { startMailListener, takeMail, type MailListener } from './mail-in.ts';
export { pollImapSource, startImapPoller, type ImapDeps, type PollResult } from './imap-in.ts';
export { consumeRequestEvents, deliverDueNotices, noticesOf, dueAfterQuietHours } from './notices.ts';
export {
  checkGatewaySignature,
  gatewaySignature,
  HttpSmsGateway,
  type NoticeGateway,
  type OutgoingNotice,
} from './gateway.ts';
export { rotateChannelSecrets } from './secrets-rotation.ts';
export type { ChannelsTables } from './channels.tables.ts';
