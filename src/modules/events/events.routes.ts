import type { ModuleContext } from './events.tables.ts';
import type { App } from '../../platform/http/app.ts';
import { outboxStatusView } from './events.schemas.ts';
import { outboxStatus } from './outbox.ts';

export function eventRoutes(ctx: ModuleContext) {
  return async (app: App) => {
    app.get(
      '/events/status',
      {
        schema: {
          tags: ['events'],
          summary: 'The event outbox: events waiting to be published to NATS, their age and failures',
          response: { 200: outboxStatusView },
        },
        config: { access: { permission: 'events.read' } },
      },
      async () => ({
        ...(await outboxStatus(ctx.db)),
        relay: ctx.config.natsUrl && ctx.config.jobsEnabled ? ('on' as const) : ('off' as const),
      }),
    );
  };
}
