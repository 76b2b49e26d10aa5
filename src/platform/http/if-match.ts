/**
 * Optimistic concurrency over HTTP: the client sends back the version it read, as the ETag in
 * `If-Match` or as `version` in the body, and every answer carries its version as the ETag. The
 * stale check itself is the use case's (checkVersion: 409).
 */
import type { FastifyRequest } from 'fastify';
import { invalidField } from '../errors.ts';

/** How one family of routes reads If-Match: clients and tests rely on its refusals' words. */
export interface IfMatchRule {
  /** The field and words a header that names no version is refused with (400). */
  malformed: readonly [field: string, message: string];
  /** The field and words a body `version` other than the header's is refused with (400). */
  differs: readonly [field: string, message: string];
  /** `loose`: also a bare or half-quoted number (`3`, `W/3`); `quoted`: only `"3"` and `W/"3"`. */
  form: 'loose' | 'quoted';
  /** The lowest version the header may name: below it the header is malformed. */
  least: 0 | 1;
  /** `*` (any version) is taken as no header. */
  star: boolean;
}

export const IF_MATCH: IfMatchRule = {
  malformed: ['headers.if-match', 'must be the version as an ETag, e.g. "3"'],
  differs: ['body.version', 'differs from the If-Match header'],
  form: 'loose',
  least: 1,
  star: false,
};

// Spaces around allowed; the quotes are captured to tell the forms apart.
const ETAG = /^\s*(?:W\/)?("?)(\d{1,9})("?)\s*$/;

/** The version an `If-Match` header names, or undefined without one. */
export function ifMatch(request: FastifyRequest, rule: IfMatchRule = IF_MATCH): number | undefined {
  const raw = request.headers['if-match'];
  if (raw === undefined || (rule.star && raw === '*')) return undefined;
  const m = ETAG.exec(String(raw));
  const quoted = m?.[1] === '"' && m[3] === '"';
  if (!m || (rule.form === 'quoted' && !quoted) || Number(m[2]) < rule.least)
    throw invalidField(...rule.malformed);
  return Number(m[2]);
}

/** If-Match wins; else the body's version; both given and different is refused. */
export function expectedVersion(
  request: FastifyRequest,
  bodyVersion: number | undefined,
  rule: IfMatchRule = IF_MATCH,
): number | undefined {
  const header = ifMatch(request, rule);
  if (header !== undefined && bodyVersion !== undefined && header !== bodyVersion)
    throw invalidField(...rule.differs);
  return header ?? bodyVersion;
}

/** The ETag of a version: `"3"`. */
export const etag = (version: number) => `"${version}"`;

/** Sets the view's version as the reply's ETag (none for a view without a version) and gives the view back. */
export function withEtag<T extends { version: number | null }>(
  reply: { header(key: string, value: string): unknown },
  view: T,
): T {
  if (view.version !== null) reply.header('etag', etag(view.version));
  return view;
}
