import type { FastifyReply } from 'fastify';
import { z } from 'zod';

export interface PagingOptions {
  /** Items when the client names no `limit`. */
  defaultLimit?: number;
  /** The most items one page returns; a larger `limit` is capped to it, not refused. */
  maxLimit?: number;
}

export interface Paging {
  offset: number;
  limit: number;
}

// Past this an offset scan costs more than any client needs; keyset paging is the native API's.
const MAX_OFFSET = 1_000_000;

/**
 * The query-string shape of a TMF list: `fields`, `offset`, `limit`. Spread it into a route's
 * querystring schema (`z.looseObject({...tmfListQuery(), ...})`; loose, so filters pass through).
 */
export function tmfListQuery({ defaultLimit = 20, maxLimit = 100 }: PagingOptions = {}) {
  return {
    fields: z.string().max(500).optional(),
    offset: z.coerce
      .number({ error: 'must be a whole number from 0' })
      .int('must be a whole number from 0')
      .min(0, 'must be a whole number from 0')
      .max(MAX_OFFSET, `must be at most ${MAX_OFFSET}`)
      .default(0),
    limit: z.coerce
      .number({ error: 'must be a whole number from 1' })
      .int('must be a whole number from 1')
      .min(1, 'must be a whole number from 1')
      .default(defaultLimit)
      .transform((n) => Math.min(n, maxLimit)),
  };
}

/** Parameters that are not attribute filters in a TMF list query. */
export const TMF_LIST_PARAMETERS = ['fields', 'offset', 'limit'] as const;

/** Sets `X-Total-Count` (all matches) and `X-Result-Count` (this page) and returns the page. */
export function sendPage<T>(reply: FastifyReply, items: T[], total: number): T[] {
  void reply.header('X-Total-Count', String(total));
  void reply.header('X-Result-Count', String(items.length));
  return items;
}
