import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  LogController,
  type FastifyError,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { v7 as uuidv7 } from 'uuid';
import { AppError, fromDatabaseError } from '../errors.ts';
import { maskPiiInText, type Logger } from '../logger.ts';
import { hasUnstorableCharacters, UNSTORABLE_MESSAGE } from '../text.ts';
import { isTmfUrl, tmfErrorBody } from '../tmf/error.ts';
import { bearerOf, permissionsOf, type Authenticator, type RouteAccessEntry } from './auth.ts';

export interface HttpOptions {
  logger: Logger;
  authenticator: Authenticator;
  bodyLimitBytes: number;
  rateLimitPerMinute: number;
  corsOrigins: string[];
  /**
   * Peers trusted to tell the client's address and scheme (X-Forwarded-For/-Proto): request.ip,
   * the per-address limits and audit entries use the real client only behind such a proxy; with
   * `false` the headers are ignored (anyone could write them).
   */
  trustProxy?: boolean | string[];
  /** Readiness check (database reachable). */
  ready: () => Promise<void>;
  version: string;
  /**
   * The level of the per-request lines (`incoming request`, `request completed`): `info` for a log
   * collector (JSON), `debug` on a terminal so that they do not bury the start banner and warnings.
   */
  requestLogLevel?: 'info' | 'debug';
  /** Connection limits against slow or idle clients (README, "Limits"); Node's defaults when unset. */
  limits?: ConnectionLimits;
}

/** How long a client may take and keep a connection (ONEPOINT_HEADERS_TIMEOUT_MS …). */
export interface ConnectionLimits {
  /** All request headers must have arrived this long after the request began (slowloris). */
  headersTimeoutMs: number;
  /** The whole request, body included, must have arrived this long after it began. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long. */
  keepAliveTimeoutMs: number;
  /** A connection is closed after serving this many requests (0: no limit). */
  maxRequestsPerSocket: number;
  /** Connections beyond this many open ones are refused at once (0: no limit). */
  maxConnections: number;
}

export type App = FastifyInstance<Server, IncomingMessage, ServerResponse, Logger, ZodTypeProvider>;

const API_PREFIXES = ['/api/', '/tmf-api/'];
const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Media types the route's body may have; default application/json (others: 415). */
    bodyTypes?: readonly string[];
  }
}

const JSON_ONLY = ['application/json'] as const;

/** The path of the first string (value or key) with a character that cannot be stored, if any. */
export function badCharacterPath(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return hasUnstorableCharacters(value) ? path : undefined;
  if (depth > 32 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const p = badCharacterPath(value[i], `${path}.${i}`, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  for (const [k, v] of Object.entries(value)) {
    if (hasUnstorableCharacters(k)) return path;
    const p = badCharacterPath(v, `${path}.${k}`, depth + 1);
    if (p) return p;
  }
  return undefined;
}

/** Error texts can quote input (an unknown key, a file's header): personal identifiers leave masked. */
function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPiiInText(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, depth + 1)]));
}

type BodyParser = (
  req: FastifyRequest,
  body: string | Buffer,
  done: (err: Error | null, body?: unknown) => void,
) => void;

/**
 * JSON from the raw bytes: invalid UTF-8 is refused (read as text it became U+FFFD characters,
 * stored silently), then Fastify's own parser (refuses __proto__ and constructor.prototype).
 */
export function utf8JsonParser(app: FastifyInstance | App): BodyParser {
  const json = app.getDefaultJsonParser('error', 'error') as unknown as BodyParser;
  return (req, body, done) => {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    if (!isUtf8(bytes)) return done(new AppError('BAD_REQUEST', 'The request body is not valid UTF-8 text'));
    json(req, bytes.toString('utf8'), done);
  };
}

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
}

/** TM Forum APIs have their own error shape; everything else gets ours. */
function errorPayload(request: FastifyRequest, err: AppError): unknown {
  if (isTmfUrl(request.url)) return tmfErrorBody(err, maskPiiInText(err.message));
  const body: ErrorBody = { code: err.code, message: maskPiiInText(err.message) };
  if (err.details !== undefined) body.details = maskDeep(err.details);
  return body;
}

/** Turns anything thrown into the one error model; unknown errors never leak internals. */
export function toAppError(err: unknown): { error: AppError; unexpected: boolean } {
  if (err instanceof AppError) return { error: err, unexpected: false };
  if (hasZodFastifySchemaValidationErrors(err)) {
    const fields = err.validation.map((v) => ({
      // '/members/0/x' → 'body.members.0.x'; an object-level issue (unknown keys) has path '/' → 'body'.
      field: `${(err as { validationContext?: string }).validationContext ?? 'body'}${v.instancePath.replace(/\/$/, '').replace(/\//g, '.')}`,
      message: v.message ?? 'is invalid',
      ...(v.keyword === 'unrecognized_keys' ? { keys: (v.params as { keys?: string[] }).keys } : {}),
    }));
    const f = fields[0]!;
    const what =
      'keys' in f && f.keys
        ? `${f.field}: unknown field(s) ${f.keys.join(', ')}`
        : `${f.field}: ${f.message}`;
    return {
      error: new AppError('VALIDATION_FAILED', `Invalid input — ${what}`, { fields }),
      unexpected: false,
    };
  }
  const db = fromDatabaseError(err);
  if (db) return { error: db, unexpected: false };
  const fe = err as FastifyError;
  switch (fe.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { error: new AppError('PAYLOAD_TOO_LARGE', 'The request body is too large'), unexpected: false };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        error: new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type; send application/json'),
        unexpected: false,
      };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { error: new AppError('BAD_REQUEST', 'The request body is not valid JSON'), unexpected: false };
    case 'FST_ERR_VALIDATION':
      return { error: new AppError('VALIDATION_FAILED', fe.message), unexpected: false };
  }
  if (fe.statusCode === 429) {
    return {
      error: new AppError('RATE_LIMITED', 'Too many requests; slow down and retry later'),
      unexpected: false,
    };
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { error: new AppError('BAD_REQUEST', fe.message, undefined, fe.statusCode), unexpected: false };
  }
  return { error: new AppError('INTERNAL', 'An unexpected error occurred'), unexpected: true };
}

export async function createHttpApp(opts: HttpOptions): Promise<App> {
  const limits = opts.limits;
  const quietRequests = opts.requestLogLevel === 'debug';
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: opts.bodyLimitBytes,
    ...(quietRequests && { logController: new LogController({ disableRequestLogging: true }) }),
    ...(limits && {
      // Node checks the headers and request timeouts every connectionsCheckingInterval (30 s by
      // default): a fifth of the headers timeout keeps a slowloris connection from lingering.
      http: {
        headersTimeout: limits.headersTimeoutMs,
        connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(limits.headersTimeoutMs / 5))),
      },
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      maxRequestsPerSocket: limits.maxRequestsPerSocket,
    }),
    genReqId: () => uuidv7(),
    requestIdHeader: false,
    trustProxy: opts.trustProxy ?? false,
    return503OnClosing: true,
    ajv: { customOptions: { removeAdditional: false } },
    // The router's own answers (a malformed %-escape, a path segment over 100 characters) in our
    // error shape too — Fastify's quote the whole path, personal identifiers included.
    frameworkErrors: (err, request, reply) => {
      const error =
        err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new AppError('BAD_REQUEST', 'A part of the URL path is too long', undefined, 414)
          : new AppError('BAD_REQUEST', 'The URL is not valid (a malformed %-escape)');
      const r = reply as unknown as {
        code(n: number): { type(t: string): { send(b: string): void } };
      };
      r.code(error.status)
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(errorPayload(request, error)));
    },
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>() as unknown as App;

  if (limits && limits.maxConnections > 0) app.server.maxConnections = limits.maxConnections;
  if (quietRequests) {
    // Fastify's own request lines, one level down (shown with ONEPOINT_LOG_LEVEL=debug).
    app.addHook('onRequest', async (request) => request.log.debug({ req: request }, 'incoming request'));
    app.addHook('onResponse', async (request, reply) =>
      request.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed'),
    );
  }

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, utf8JsonParser(app));
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', undefined);

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // API answers carry personal data (customers, lists, 360, exports, reveals): no browser or
    // proxy may keep a copy. The console's static files keep their own caching (static.ts).
    if (API_PREFIXES.some((p) => request.url.startsWith(p)) && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
  });

  // Deny by default: an API route that does not say who may call it is a programming error.
  // The registry of every API route's access rule, for the authorization tests and audits of it.
  const routeAccess: RouteAccessEntry[] = [];
  app.decorate('routeAccess', routeAccess);
  app.addHook('onRoute', (route) => {
    if (!API_PREFIXES.some((p) => route.url.startsWith(p))) return;
    const access = route.config?.access;
    if (!access) throw new Error(`Route ${route.method} ${route.url} declares no access rule`);
    for (const method of [route.method].flat()) routeAccess.push({ method, url: route.url, access });
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'frame-ancestors': ["'none'"],
        // Not helmet's default upgrade-insecure-requests: over plain HTTP on a LAN (not localhost)
        // it sends the console's own scripts to https:// and the page stays blank.
        'upgrade-insecure-requests': null,
      },
    },
  });
  await app.register(cors, {
    origin: opts.corsOrigins.length > 0 ? opts.corsOrigins : false,
    credentials: true,
  });
  await app.register(cookie);
  await app.register(rateLimit, {
    max: opts.rateLimitPerMinute,
    timeWindow: '1 minute',
    allowList: (req) => req.url === '/healthz' || req.url === '/readyz',
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'onepoint API',
        description:
          'One-stop after-sales service platform for telecom operators. Authenticate with ' +
          '`Authorization: Bearer <token>` (a session token from /api/v1/auth/login or an API token).',
        version: opts.version,
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  app.setErrorHandler((err, request, reply) => {
    const { error, unexpected } = toAppError(err);
    if (unexpected) request.log.error({ err }, 'unhandled error');
    else if (error.status >= 500) request.log.warn({ err }, error.message);
    // When to try again: a busy database (default 1 s), a locked login (its lock's end).
    const retry = (error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (typeof retry === 'number') void reply.header('retry-after', String(Math.max(1, Math.ceil(retry))));
    else if (error.code === 'SERVICE_UNAVAILABLE') void reply.header('retry-after', '1');
    void reply.status(error.status).send(errorPayload(request, error));
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new AppError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`);
    void reply.status(404).send(errorPayload(request, error));
  });

  // Authentication and authorisation, once, for every route that declares an access rule — before
  // the body is parsed or validated, so an anonymous caller gets 401, never a validation error.
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config?.access;
    if (!access || 'public' in access) return;
    const bearer = bearerOf(request);
    const principal = bearer ? await opts.authenticator.authenticate(bearer.token, request) : undefined;
    if (!principal) throw new AppError('UNAUTHENTICATED', 'Sign in first: no valid session or token');
    if (bearer?.fromCookie && UNSAFE_METHODS.has(request.method)) {
      if (!principal.csrfToken || request.headers['x-csrf-token'] !== principal.csrfToken) {
        throw new AppError('FORBIDDEN', 'Missing or wrong X-CSRF-Token header for a cookie session');
      }
    }
    request.principal = principal;
    const wanted = permissionsOf(access);
    if (wanted.length > 0 && !wanted.some((p) => principal.permissions.has(p))) {
      throw new AppError('FORBIDDEN', `Your role does not allow this action (needs ${wanted.join(' or ')})`);
    }
  });

  const CHINESE_CHARSETS = new Set(['gbk', 'gb2312', 'gb18030']);
  // Bodies in a media type the route does not take are refused before they are read (a CSV sent
  // to a JSON route used to be buffered up to the import limit, text/plain parsed as a string).
  app.addHook('onRequest', async (request) => {
    const config = request.routeOptions.config;
    if (!config?.access || request.headers['content-type'] === undefined) return;
    const length = Number(request.headers['content-length'] ?? 0);
    if (!(length > 0) && request.headers['transfer-encoding'] === undefined) return;
    const [mediaType, ...params] = request.headers['content-type'].split(';');
    const media = mediaType!.trim().toLowerCase();
    const charset = params
      .map((p) => p.trim().toLowerCase())
      .find((p) => p.startsWith('charset='))
      ?.slice(8)
      .replace(/"/g, '');
    const allowed = config.bodyTypes ?? JSON_ONLY;
    // CSV files from Excel in China are GBK; the importer reads them (JSON is UTF-8 only).
    const csvCharset = media === 'text/csv' && CHINESE_CHARSETS.has(charset ?? '');
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8' && !csvCharset)
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported character set; send UTF-8');
    if (!allowed.includes(media))
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Unsupported content type; send ${allowed.join(' or ')}`, {
        accepted: allowed,
      });
  });

  // Every string of the body, query and path parameters, before the schemas see them.
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [
      ['params', request.params],
      ['querystring', request.query],
      ['body', request.body],
    ] as const) {
      const field = badCharacterPath(value, part);
      if (field)
        throw new AppError('VALIDATION_FAILED', `Invalid input — ${field}: ${UNSTORABLE_MESSAGE}`, {
          fields: [{ field, message: UNSTORABLE_MESSAGE }],
        });
    }
  });

  app.get(
    '/healthz',
    { schema: { hide: true }, config: { access: { public: true } }, logLevel: 'warn' },
    async () => ({ status: 'ok' }),
  );
  app.get('/readyz', { schema: { hide: true }, logLevel: 'warn' }, async (_req, reply) => {
    try {
      await opts.ready();
      return { status: 'ready' };
    } catch {
      return reply
        .status(503)
        .send({ code: 'SERVICE_UNAVAILABLE', message: 'The database is not reachable' });
    }
  });
  return app;
}
