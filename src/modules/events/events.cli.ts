/**
 * `onepoint events …`: the outbox's state, and replaying events to NATS JetStream.
 * Declared in the module's definition (index.ts); the command line passes the platform opener.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { moduleCli, type ModuleCliDeps } from '../../platform/module-cli.ts';
import { hubStatus } from './hub.service.ts';
import { markForReplay, outboxStatus } from './outbox.ts';
import type { EventsTables } from './events.tables.ts';
import { OutboxRelay } from './relay.ts';

export interface EventCliDeps extends ModuleCliDeps<EventsTables> {
  /** Relay settings for replay (tests use a stream of their own). */
  relay?: { stream?: string; subjectPrefix?: string };
}

/** `2026-11-01`, `2026-11-01T08:00:00Z`, or an age: `90m`, `6h`, `2d`. */
export function parseSince(text: string, now = Date.now()): Date {
  const age = /^(\d+)([mhd])$/.exec(text);
  if (age) return new Date(now - Number(age[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[age[2] as 'm']);
  const t = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(t))
    throw new InvalidArgumentError(
      'must be a date (2026-11-01, 2026-11-01T08:00:00Z) or an age (90m, 6h, 2d)',
    );
  return new Date(t);
}

export function registerEventCommands(program: Command, deps: EventCliDeps): Command {
  const { out, err, withPlatform } = moduleCli(deps);

  const events = program
    .command('events')
    .description('Events to other systems: the outbox and NATS JetStream');

  events
    .command('status')
    .description("Events waiting to be published, the oldest one's age, failed attempts; hub deliveries")
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withPlatform('events status', async (p) => {
        const s = await outboxStatus(p.context.db);
        const hub = await hubStatus(p.context.db);
        const relay = p.context.config.natsUrl ? 'NATS_URL set' : 'NATS_URL unset: nothing is published';
        if (opts.json) return out(`${JSON.stringify({ ...s, nats: !!p.context.config.natsUrl, hub })}\n`);
        out(
          [
            `unpublished: ${s.unpublished}`,
            `oldest unpublished: ${s.oldestUnpublishedAgeSeconds} s`,
            `failing: ${s.failing} (failed attempts: ${s.failedAttempts})`,
            `last error: ${s.lastError ?? '-'}`,
            `published (kept): ${s.published}`,
            `last published: ${s.lastPublishedAt ?? '-'}`,
            `relay: ${relay}`,
            `hub listeners: ${hub.listeners}`,
            `hub deliveries pending: ${hub.pending} (retrying: ${hub.retrying}), given up: ${hub.givenUp}`,
          ].join('\n') + '\n',
        );
      });
    });

  events
    .command('replay')
    .description(
      'Publish the events recorded since a time again (same event ids: JetStream drops those it still ' +
        'remembers within its duplicate window; consumers de-duplicate by eventId beyond it)',
    )
    .requiredOption(
      '--since <when>',
      'a date (2026-11-01, 2026-11-01T08:00:00Z) or an age (90m, 6h, 2d)',
      (v) => parseSince(v),
    )
    .action(async (opts: { since: Date }) => {
      await withPlatform('events replay', async (p) => {
        const n = await markForReplay(p.context.db, opts.since);
        err(`marked ${n} event(s) recorded since ${opts.since.toISOString()} for publishing\n`);
        if (!p.context.config.natsUrl) {
          out(`${n} event(s) will be published by a process with NATS_URL set and jobs on\n`);
          return;
        }
        const relay = new OutboxRelay({
          db: p.context.db,
          logger: p.context.logger,
          servers: p.context.config.natsUrl,
          stream: p.context.config.eventsStream,
          subjectPrefix: p.context.config.eventsSubjectPrefix,
          ...deps.relay,
        });
        try {
          const r = await relay.drain();
          out(
            `published ${r.published} event(s) (${r.duplicates} already in the stream), ${r.failed} failed\n`,
          );
          if (r.failed) process.exitCode = 1;
        } finally {
          await relay.stop();
        }
      });
    });

  return program;
}
