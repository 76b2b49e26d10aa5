import { z } from 'zod';

export const outboxStatusView = z.object({
  unpublished: z.number().int().describe('events waiting to be published'),
  oldestUnpublishedAgeSeconds: z.number().int().describe('age of the oldest waiting event (0: none)'),
  failing: z.number().int().describe('waiting events whose last publish attempt failed'),
  failedAttempts: z.number().int().describe('failed attempts summed over waiting events'),
  lastError: z.string().nullable().describe('the latest publish error of a waiting event'),
  published: z.number().int().describe('published events still kept (until the retention period)'),
  lastPublishedAt: z.string().nullable(),
  relay: z.enum(['on', 'off']).describe('whether this node publishes (NATS_URL set and jobs on)'),
});
