import type { FastifyInstance } from 'fastify';
import { utf8JsonParser, type App } from '../http/app.ts';

export const MERGE_PATCH_JSON = 'application/merge-patch+json';

/**
 * The body types of a TMF PATCH route (its `config.bodyTypes`): a JSON Merge Patch, and plain
 * JSON read as one (older clients and test kits send it). JSON Patch and others get 415.
 */
export const TMF_PATCH_BODY_TYPES = [MERGE_PATCH_JSON, 'application/json'] as const;

/** Lets an app (or plugin scope) read merge-patch bodies as JSON; safe to call more than once. */
export function addMergePatchParser(app: App | FastifyInstance): void {
  if (app.hasContentTypeParser(MERGE_PATCH_JSON)) return;
  app.addContentTypeParser(MERGE_PATCH_JSON, { parseAs: 'buffer' }, utf8JsonParser(app));
}
