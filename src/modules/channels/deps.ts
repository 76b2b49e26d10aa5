// What the channels module's parts run with, built from the module context (index, routes, tests).
import { PiiVault } from '../../platform/pii/vault.ts';
import type { RequestChannelPort } from '../service-requests/index.ts';
import type { ModuleContext } from './channels.tables.ts';
import { gatewaysFor } from './gateway.ts';
import type { ImapDeps } from './imap-in.ts';
import type { MailInDeps } from './mail-in.ts';
import type { NoticeDeps } from './notices.ts';
import type { SettingsDeps } from './settings.ts';
import { refreshMessageState } from './tmf681/tmf681.service.ts';

/** The port to service requests, built by the registry for a context (routing wired there). */
export type RequestPortFor = (ctx: Pick<ModuleContext, 'config' | 'clock'>) => RequestChannelPort;

export function noticeDeps(ctx: ModuleContext, requests: RequestPortFor): NoticeDeps {
  return {
    db: ctx.db,
    clock: ctx.clock,
    logger: ctx.logger.child({ component: 'notices' }),
    timeZone: ctx.config.timeZone,
    requests: requests(ctx),
    gateways: gatewaysFor(ctx.config, ctx.db, ctx.clock, new PiiVault(ctx.config.piiKeys)),
    onMessageNotice: (id) => refreshMessageState({ db: ctx.db, clock: ctx.clock }, id),
  };
}

export function mailInDeps(ctx: ModuleContext, requests: RequestPortFor): MailInDeps {
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

/** What the gateway settings' routes and the send check run with. */
export function settingsDeps(ctx: ModuleContext): SettingsDeps {
  return { db: ctx.db, config: ctx.config, vault: new PiiVault(ctx.config.piiKeys) };
}

export function imapDeps(ctx: ModuleContext, requests: RequestPortFor): ImapDeps {
  return {
    ...mailInDeps(ctx, requests),
    vault: new PiiVault(ctx.config.piiKeys),
    passwords: ctx.config.imapPasswords,
  };
}
