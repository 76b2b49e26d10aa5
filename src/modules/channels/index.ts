// The channels module's public face (渠道与通知): mail in (SMTP listener) and out, the SMS/voice
// gateway, progress notices from the service-request events. Other modules import only from here.
import { startPollLoop } from '../../platform/jobs/poll-loop.ts';
import { defineModule, type ModuleRuntime } from '../../platform/module.ts';
import { demoId } from '../identity/index.ts';
import type { RequestChannelPort } from '../service-requests/index.ts';
import { channelRoutes } from './channels.routes.ts';
import { channelsMigrations } from './channels.migrations.ts';
import type { ChannelsTables, ModuleContext } from './channels.tables.ts';
import { gatewaysFor } from './gateway.ts';
import { startMailListener } from './mail-in.ts';
import { consumeRequestEvents, deliverDueNotices, seedTemplates, type NoticeDeps } from './notices.ts';

export const DELIVER_QUEUE = 'channels.deliver';

/** The port to service requests, built by the registry for a context (routing wired there). */
export type RequestPortFor = (ctx: Pick<ModuleContext, 'config' | 'clock'>) => RequestChannelPort;

export function noticeDeps(ctx: ModuleContext, requests: RequestPortFor): NoticeDeps {
  return {
    db: ctx.db,
    clock: ctx.clock,
    logger: ctx.logger.child({ component: 'notices' }),
    timeZone: ctx.config.timeZone,
    requests: requests(ctx),
    gateways: gatewaysFor(ctx.config, ctx.db, ctx.clock),
  };
}

export function mailInDeps(ctx: ModuleContext, requests: RequestPortFor) {
  return {
    db: ctx.db,
    clock: ctx.clock,
    logger: ctx.logger,
    requests: requests(ctx),
    // The attachments' limit plus room for the text and the MIME encoding (base64: 4/3).
    maxBytes: Math.ceil(ctx.config.attachmentMaxBytes * 1.4) + 1024 * 1024,
    attachments: ctx.config,
  };
}

async function start(ctx: ModuleContext & { supervise: boolean }, requests: RequestPortFor) {
  await seedTemplates(ctx.db, ctx.clock.now());
  const stops: Array<() => Promise<void>> = [];
  if (ctx.config.smtpListen) {
    const listener = await startMailListener(mailInDeps(ctx, requests), ctx.config.smtpListen);
    stops.push(() => listener.close());
  }
  if (ctx.supervise) {
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
    routes: [{ plugin: (ctx) => channelRoutes(ctx, requests) }],
    start: (ctx) => start(ctx, requests),
    demo: (ctx) => demo(ctx),
    permissions: {
      'channels.admin': {
        description: 'Configure mailboxes (address → request kind) and edit notice templates',
        roles: ['system_admin'],
      },
    },
  });
}

export { startMailListener, takeMail, type MailListener } from './mail-in.ts';
export { consumeRequestEvents, deliverDueNotices, noticesOf, dueAfterQuietHours } from './notices.ts';
export {
  checkGatewaySignature,
  gatewaySignature,
  HttpSmsGateway,
  type NoticeGateway,
  type OutgoingNotice,
} from './gateway.ts';
export type { ChannelsTables } from './channels.tables.ts';
