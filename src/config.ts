import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { checkPublicUrl } from './platform/tmf/href.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

// Every setting comes from the environment; each one is listed in the README.
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  ONEPOINT_DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  // The same, under the product's prefix; it wins when both are set.
  ONEPOINT_LOG_LEVEL: z.enum(LOG_LEVELS).optional(),
  ONEPOINT_LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  // The full password policy (classes, common passwords, logins) is checked when the demo is seeded.
  ONEPOINT_DEMO_PASSWORD: z.string().min(10, 'must be at least 10 characters').default('Onepoint-demo-2026'),
  ONEPOINT_SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  ONEPOINT_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(30),
  ONEPOINT_LOGIN_LOCKOUT_THRESHOLD: z.coerce.number().int().min(1).max(100).default(5),
  ONEPOINT_LOGIN_LOCKOUT_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(1),
  ONEPOINT_LOGIN_LOCKOUT_MAX_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60)
    .default(60),
  ONEPOINT_TRUST_PROXY: z.string().optional(),
  ONEPOINT_COOKIE_SECURE: z.enum(['auto', 'always']).default('auto'),
  ONEPOINT_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  ONEPOINT_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(1024 * 1024),
  // Slow and idle clients (README, "Limits"): a connection cannot be held open by dribbling headers,
  // a body or nothing at all.
  ONEPOINT_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(500).max(300_000).default(10_000),
  ONEPOINT_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(120_000),
  ONEPOINT_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  ONEPOINT_MAX_REQUESTS_PER_SOCKET: z.coerce.number().int().min(0).max(1_000_000).default(1000),
  ONEPOINT_MAX_CONNECTIONS: z.coerce.number().int().min(0).max(1_000_000).default(1000),
  ONEPOINT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  ONEPOINT_LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  ONEPOINT_CORS_ORIGINS: z.string().default(''),
  ONEPOINT_PUBLIC_URL: z
    .string()
    .transform((v, ctx) => {
      const checked = checkPublicUrl(v);
      if ('url' in checked) return checked.url;
      ctx.addIssue({ code: 'custom', message: checked.problem });
      return z.NEVER;
    })
    .optional(),
  ONEPOINT_TIME_ZONE: z.string().default('Asia/Shanghai'),
  ONEPOINT_PRIVACY_CONTACT: z.string().trim().min(1).max(500).optional(),
  ONEPOINT_REGULATOR_CONTACT: z.string().trim().min(1).max(500).optional(),
  ONEPOINT_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10000),
  ONEPOINT_JOBS: z.enum(['on', 'off']).default('on'),
  ONEPOINT_PII_KEYS: z.string().optional(),
  ONEPOINT_ALLOW_DEV_KEY: z.enum(['true', 'false']).default('false'),
  ONEPOINT_IMPORTS_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(30),
  ONEPOINT_AUDIT_KEYS: z.string().optional(),
  ONEPOINT_AUDIT_SEAL_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  ONEPOINT_AUDIT_SEAL_GRACE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(10),
  ONEPOINT_AUDIT_ANCHOR_FILE: z.string().min(1).optional(),
  ONEPOINT_AUDIT_ANCHOR_INTERVAL_MS: z.coerce.number().int().min(100).max(86_400_000).default(60_000),
  NATS_URL: z
    .string()
    .regex(
      /^(nats|tls|ws|wss):\/\/[^,\s]+(,(nats|tls|ws|wss):\/\/[^,\s]+)*$/,
      'must be nats://host:port (comma-separated for several)',
    )
    .optional(),
  ONEPOINT_OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
  ONEPOINT_EVENTS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be letters, digits, _ or - (a JetStream stream name)')
    .default('ONEPOINT'),
  ONEPOINT_EVENTS_SUBJECT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be NATS subject tokens separated by dots')
    .default('onepoint'),
  ONEPOINT_ALLOW_PRIVATE_CALLBACKS: z.enum(['true', 'false']).default('false'),
  ONEPOINT_HUB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(12),
  ONEPOINT_REVEAL_DAILY_CAP: z.coerce.number().int().min(1).max(100_000).default(50),
  ONEPOINT_REQUIRE_MFA: z.enum(['true', 'false']).default('false'),
  ONEPOINT_SEARCH_MISS_LIMIT: z.coerce.number().int().min(1).max(10_000).default(20),
  ONEPOINT_SEARCH_MISS_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(60),
  ONEPOINT_SEARCH_SLOWDOWN_STEP_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  ONEPOINT_SEARCH_SLOWDOWN_MAX_MS: z.coerce.number().int().min(0).max(300_000).default(30_000),
  ONEPOINT_ATTACHMENTS_DIR: z.string().min(1).optional(),
  ONEPOINT_ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  ONEPOINT_REPEAT_WINDOW_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  // SLA warnings at these percentages of each target (the breach is at 100 %).
  ONEPOINT_SLA_WARN_AT: z
    .string()
    .regex(/^\s*$|^\d{1,2}(\s*,\s*\d{1,2})*$/, 'percentages between 1 and 99, comma-separated (e.g. 50,80)')
    .default('50,80'),
  // Channels (src/modules/channels/README.md): mail in and out, the SMS/voice gateway.
  ONEPOINT_SMTP_LISTEN: z
    .string()
    .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, 'must be host:port, e.g. 0.0.0.0:2525')
    .optional(),
  ONEPOINT_SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  ONEPOINT_MAIL_FROM: z.string().min(3).max(200).default('onepoint <noreply@onepoint.local>'),
  ONEPOINT_NOTICE_GATEWAY: z.enum(['simulator', 'http']).default('simulator'),
  ONEPOINT_SMS_GATEWAY_URL: z.url({ protocol: /^https?$/ }).optional(),
  ONEPOINT_SMS_GATEWAY_KEY: z.string().min(16).optional(),
  ONEPOINT_SMS_SIGN_NAME: z.string().min(1).max(20).default('onepoint'),
  ONEPOINT_IMAP_POLL_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  // Tests only: a file holding the platform clock's offset from the system clock (src/platform/clock.ts).
  ONEPOINT_TEST_CLOCK_FILE: z.string().min(1).optional(),
});

/** Environment variables an IMAP source may name for its password (never stored, never shown). */
export const IMAP_PASSWORD_ENV = /^ONEPOINT_IMAP_PASSWORD_[A-Z0-9_]{1,40}$/;

/** A key for personal information at rest (AES-256-GCM and the HMAC search index derive from it). */
export interface PiiKey {
  id: string;
  secret: Buffer;
}

/**
 * `ONEPOINT_PII_KEYS` = comma-separated `keyId:base64-of-32-bytes`, the newest first. New data is
 * encrypted with the first key; every listed key still decrypts and searches older rows until the
 * rotation command has re-encrypted them. Unset: a fixed development key (never for production).
 */
export function parsePiiKeys(raw: string | undefined): { keys: PiiKey[]; development: boolean } {
  return parseKeyList('ONEPOINT_PII_KEYS', raw, 'onepoint-development-pii-key');
}

/**
 * `ONEPOINT_AUDIT_KEYS`, same shape: HMAC keys that seal the audit chain, newest first. New seals use
 * the first; every listed key still verifies the seals made with it. Unset: a fixed development
 * key, which anyone can read in this source, so it shows accidents but not a deliberate rewrite.
 */
export function parseAuditKeys(raw: string | undefined): { keys: AuditKey[]; development: boolean } {
  return parseKeyList('ONEPOINT_AUDIT_KEYS', raw, 'onepoint-development-audit-key');
}

/** An HMAC key of the audit chain (its id is stored with each seal). */
export interface AuditKey {
  id: string;
  secret: Buffer;
}

function parseKeyList(
  variable: string,
  raw: string | undefined,
  developmentFill: string,
): { keys: PiiKey[]; development: boolean } {
  if (!raw) return { keys: [{ id: 'dev', secret: Buffer.alloc(32, developmentFill) }], development: true };
  const keys: PiiKey[] = [];
  for (const part of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z0-9_-]{1,16}):([A-Za-z0-9+/=_-]+)$/.exec(part);
    if (!m) throw new ConfigError(variable, 'must be a comma-separated list of keyId:base64Key');
    const secret = Buffer.from(m[2]!, 'base64');
    if (secret.length !== 32)
      throw new ConfigError(variable, `key "${m[1]}" must be 32 bytes (base64), got ${secret.length}`);
    if (keys.some((k) => k.id === m[1])) throw new ConfigError(variable, `key id "${m[1]}" is repeated`);
    keys.push({ id: m[1]!, secret });
  }
  if (keys.length === 0) throw new ConfigError(variable, 'lists no key');
  return { keys, development: false };
}

/**
 * Which peers may tell the client's address and scheme (X-Forwarded-For/-Proto), as Fastify's
 * `trustProxy` takes it: `false` (nobody: the default), `true` (anybody — only when nothing but
 * the proxy can reach the server), or the proxies' addresses/CIDRs (and proxy-addr's names
 * `loopback`, `linklocal`, `uniquelocal`). No hop count: it cannot tell a proxy from a client
 * that writes the header itself (Fastify 5 ignores the headers then).
 */
export type TrustProxy = boolean | string[];

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const v = raw?.trim() ?? '';
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v))
    throw new ConfigError('ONEPOINT_TRUST_PROXY', `takes the proxies' addresses, not a hop count (got ${v})`);
  const items = v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    if (PROXY_NAMES.has(item)) continue;
    const [address, prefix, ...rest] = item.split('/');
    const family = isIP(address ?? '');
    const maxPrefix = family === 6 ? 128 : 32;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
    if (family === 0 || !prefixOk || rest.length > 0)
      throw new ConfigError(
        'ONEPOINT_TRUST_PROXY',
        `must be true, false or the proxies' comma-separated addresses/CIDRs (got "${item}")`,
      );
  }
  return items;
}

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  /** `auto`: readable lines on a terminal, JSON otherwise; `json`/`pretty` whatever stdout is. */
  logFormat: 'auto' | 'json' | 'pretty';
  demoPassword: string;
  sessionTtlHours: number;
  /** A session unused for longer than this is refused (besides the absolute lifetime). */
  sessionIdleMinutes: number;
  /** Failed sign-ins in a row (per login) after which the login is locked. */
  loginLockoutThreshold: number;
  /** Lock time at the threshold; each further failure doubles it, up to the maximum. */
  loginLockoutMinutes: number;
  loginLockoutMaxMinutes: number;
  /** Peers trusted for X-Forwarded-For/-Proto (Fastify's trustProxy). */
  trustProxy: TrustProxy;
  /** `always`: the session cookie is always Secure; `auto`: when the request came over HTTPS. */
  cookieSecure: 'auto' | 'always';
  dbPoolSize: number;
  bodyLimitBytes: number;
  /** Timeouts and caps for client connections (slowloris, idle connections). */
  connectionLimits: {
    headersTimeoutMs: number;
    requestTimeoutMs: number;
    keepAliveTimeoutMs: number;
    maxRequestsPerSocket: number;
    maxConnections: number;
  };
  rateLimitPerMinute: number;
  loginRateLimitPerMinute: number;
  corsOrigins: string[];
  /** The URL clients reach the server at (absolute TMF hrefs); unset: each request's scheme and host. */
  publicUrl: string | undefined;
  timeZone: string;
  /** The handler's contact that incident notices give people (PIPL Art. 57(3)); unset: a placeholder. */
  privacyContact: string | undefined;
  /** Whom incident reports go to (the regulator's department and contact); unset: a placeholder. */
  regulatorContact: string | undefined;
  shutdownGraceMs: number;
  jobsEnabled: boolean;
  /** Keys for personal information at rest, newest first. */
  piiKeys: PiiKey[];
  /** True when ONEPOINT_PII_KEYS is unset and the built-in development key is in use. */
  piiKeysDevelopment: boolean;
  /** ONEPOINT_ALLOW_DEV_KEY=true: the development key may be used on PostgreSQL or a public address. */
  allowDevKey: boolean;
  /** Customer imports (dry runs included) one user may start per hour, per server process. */
  importsPerHour: number;
  /** HMAC keys of the audit chain, newest first (new seals use the first). */
  auditKeys: AuditKey[];
  /** True when ONEPOINT_AUDIT_KEYS is unset and the built-in development key is in use. */
  auditKeysDevelopment: boolean;
  /** How often the sealer chains newly committed audit rows (where jobs run). */
  auditSealIntervalMs: number;
  /** `audit verify` reports a committed row left unsealed for longer than this as a fault. */
  auditSealGraceMs: number;
  /** Append-only file the sealer writes chain heads (anchors) to; `audit verify` reads it. */
  auditAnchorFile: string;
  /** How often the current head is written as an anchor (when it moved). */
  auditAnchorIntervalMs: number;
  /** NATS server(s) the outbox relay publishes to; unset: events stay in the outbox. */
  natsUrl: string | undefined;
  /** Published outbox events older than this are deleted by a daily job. */
  outboxRetentionDays: number;
  /** JetStream stream the relay publishes into (created or updated on start). */
  eventsStream: string;
  /** Events are published as `<prefix>.<aggregate>.<eventType>`; the stream takes `<prefix>.>`. */
  eventsSubjectPrefix: string;
  /** TMF hub listeners may have callbacks on loopback/private addresses (tests, local trials). */
  allowPrivateCallbacks: boolean;
  /** A hub delivery is given up after this many failed attempts. */
  hubMaxAttempts: number;
  /** Personal-information reveals one user may make per calendar day (China time). */
  revealDailyCap: number;
  /** Staff holding pii.reveal or an administration permission must sign in with a second factor. */
  requireMfa: boolean;
  /** Phone/ID searches by one user that found nobody, within the window, before they slow down. */
  searchMissLimit: number;
  searchMissWindowMinutes: number;
  /** Wait added to such a user's next phone/ID search per miss beyond the limit, and its cap. */
  searchSlowdownStepMs: number;
  searchSlowdownMaxMs: number;
  /** Where new attachments' bytes go: this directory, or (unset) the database. */
  attachmentsDir: string | undefined;
  /** The largest attachment accepted, in bytes. */
  attachmentMaxBytes: number;
  /** A new request about the same instance (or customer) and category within this many days is a repeat (重复). */
  repeatWindowDays: number;
  /** SLA warnings at these percentages of a target (ONEPOINT_SLA_WARN_AT, default 50,80); the breach is 100. */
  slaWarnAt: number[];
  /** `host:port` the SMTP listener takes mail on; unset: no listener. */
  smtpListen: { host: string; port: number } | undefined;
  /** Where mail goes out (`smtp://user:pass@host:587`); unset: email notices wait, failing. */
  smtpUrl: string | undefined;
  mailFrom: string;
  /** The SMS/voice driver: the local simulator (records messages) or a generic HTTP gateway. */
  noticeGateway: 'simulator' | 'http';
  smsGatewayUrl: string | undefined;
  /** HMAC-SHA256 key: signs requests to the gateway and checks its inbound webhooks. */
  smsGatewayKey: string | undefined;
  smsSignName: string;
  /** How often IMAP sources are polled (IDLE wakes the poller sooner where the server has it). */
  imapPollSeconds: number;
  /** Tests only: the platform clock runs this file's offset ahead of the system clock (never with real keys). */
  testClockFile: string | undefined;
  /** `ONEPOINT_IMAP_PASSWORD_*` variables, by name: passwords IMAP sources name instead of storing one. */
  imapPasswords: Readonly<Record<string, string>>;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`Invalid configuration: ${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment once; an invalid value names its variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = Object.fromEntries(
    Object.keys(envSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(
      String(issue.path[0]),
      `${issue.message} (got ${JSON.stringify(raw[String(issue.path[0])])})`,
    );
  }
  const e = parsed.data;
  try {
    new Intl.DateTimeFormat('en', { timeZone: e.ONEPOINT_TIME_ZONE });
  } catch {
    throw new ConfigError(
      'ONEPOINT_TIME_ZONE',
      `is not a known IANA time zone (got "${e.ONEPOINT_TIME_ZONE}")`,
    );
  }
  if (e.ONEPOINT_LOGIN_LOCKOUT_MAX_MINUTES < e.ONEPOINT_LOGIN_LOCKOUT_MINUTES)
    throw new ConfigError(
      'ONEPOINT_LOGIN_LOCKOUT_MAX_MINUTES',
      `must be at least ONEPOINT_LOGIN_LOCKOUT_MINUTES (${e.ONEPOINT_LOGIN_LOCKOUT_MINUTES})`,
    );
  // Node refuses a headers timeout longer than the whole request's.
  if (e.ONEPOINT_HEADERS_TIMEOUT_MS > e.ONEPOINT_REQUEST_TIMEOUT_MS)
    throw new ConfigError(
      'ONEPOINT_HEADERS_TIMEOUT_MS',
      `must not exceed ONEPOINT_REQUEST_TIMEOUT_MS (${e.ONEPOINT_REQUEST_TIMEOUT_MS})`,
    );
  const pii = parsePiiKeys(e.ONEPOINT_PII_KEYS);
  const audit = parseAuditKeys(e.ONEPOINT_AUDIT_KEYS);
  // "A few sealer intervals": shorter, and a healthy sealer's normal lag would be reported.
  if (e.ONEPOINT_AUDIT_SEAL_GRACE_SECONDS * 1000 < 3 * e.ONEPOINT_AUDIT_SEAL_INTERVAL_MS)
    throw new ConfigError(
      'ONEPOINT_AUDIT_SEAL_GRACE_SECONDS',
      `must be at least 3 sealer intervals (ONEPOINT_AUDIT_SEAL_INTERVAL_MS=${e.ONEPOINT_AUDIT_SEAL_INTERVAL_MS})`,
    );
  // A moved clock would expire sessions, breach SLAs and date records wrongly: never beside real
  // data, which real keys mean.
  if (e.ONEPOINT_TEST_CLOCK_FILE && !pii.development)
    throw new ConfigError(
      'ONEPOINT_TEST_CLOCK_FILE',
      'moves the platform clock for tests and is refused while ONEPOINT_PII_KEYS is set (real data); unset it',
    );
  const dataDir = path.resolve(e.ONEPOINT_DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    logLevel: e.ONEPOINT_LOG_LEVEL ?? e.LOG_LEVEL,
    logFormat: e.ONEPOINT_LOG_FORMAT,
    demoPassword: e.ONEPOINT_DEMO_PASSWORD,
    sessionTtlHours: e.ONEPOINT_SESSION_TTL_HOURS,
    sessionIdleMinutes: e.ONEPOINT_SESSION_IDLE_MINUTES,
    loginLockoutThreshold: e.ONEPOINT_LOGIN_LOCKOUT_THRESHOLD,
    loginLockoutMinutes: e.ONEPOINT_LOGIN_LOCKOUT_MINUTES,
    loginLockoutMaxMinutes: e.ONEPOINT_LOGIN_LOCKOUT_MAX_MINUTES,
    trustProxy: parseTrustProxy(e.ONEPOINT_TRUST_PROXY),
    cookieSecure: e.ONEPOINT_COOKIE_SECURE,
    dbPoolSize: e.ONEPOINT_DB_POOL_SIZE,
    bodyLimitBytes: e.ONEPOINT_BODY_LIMIT_BYTES,
    connectionLimits: {
      headersTimeoutMs: e.ONEPOINT_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.ONEPOINT_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.ONEPOINT_KEEP_ALIVE_TIMEOUT_MS,
      maxRequestsPerSocket: e.ONEPOINT_MAX_REQUESTS_PER_SOCKET,
      maxConnections: e.ONEPOINT_MAX_CONNECTIONS,
    },
    rateLimitPerMinute: e.ONEPOINT_RATE_LIMIT_PER_MINUTE,
    loginRateLimitPerMinute: e.ONEPOINT_LOGIN_RATE_LIMIT_PER_MINUTE,
    corsOrigins: e.ONEPOINT_CORS_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    publicUrl: e.ONEPOINT_PUBLIC_URL,
    timeZone: e.ONEPOINT_TIME_ZONE,
    privacyContact: e.ONEPOINT_PRIVACY_CONTACT,
    regulatorContact: e.ONEPOINT_REGULATOR_CONTACT,
    shutdownGraceMs: e.ONEPOINT_SHUTDOWN_GRACE_MS,
    jobsEnabled: e.ONEPOINT_JOBS === 'on',
    piiKeys: pii.keys,
    piiKeysDevelopment: pii.development,
    allowDevKey: e.ONEPOINT_ALLOW_DEV_KEY === 'true',
    importsPerHour: e.ONEPOINT_IMPORTS_PER_HOUR,
    auditKeys: audit.keys,
    auditKeysDevelopment: audit.development,
    auditSealIntervalMs: e.ONEPOINT_AUDIT_SEAL_INTERVAL_MS,
    auditSealGraceMs: e.ONEPOINT_AUDIT_SEAL_GRACE_SECONDS * 1000,
    auditAnchorFile: path.resolve(e.ONEPOINT_AUDIT_ANCHOR_FILE ?? path.join(dataDir, 'audit-anchors.log')),
    auditAnchorIntervalMs: e.ONEPOINT_AUDIT_ANCHOR_INTERVAL_MS,
    natsUrl: e.NATS_URL,
    outboxRetentionDays: e.ONEPOINT_OUTBOX_RETENTION_DAYS,
    eventsStream: e.ONEPOINT_EVENTS_STREAM,
    eventsSubjectPrefix: e.ONEPOINT_EVENTS_SUBJECT_PREFIX,
    allowPrivateCallbacks: e.ONEPOINT_ALLOW_PRIVATE_CALLBACKS === 'true',
    hubMaxAttempts: e.ONEPOINT_HUB_MAX_ATTEMPTS,
    revealDailyCap: e.ONEPOINT_REVEAL_DAILY_CAP,
    requireMfa: e.ONEPOINT_REQUIRE_MFA === 'true',
    searchMissLimit: e.ONEPOINT_SEARCH_MISS_LIMIT,
    searchMissWindowMinutes: e.ONEPOINT_SEARCH_MISS_WINDOW_MINUTES,
    searchSlowdownStepMs: e.ONEPOINT_SEARCH_SLOWDOWN_STEP_MS,
    searchSlowdownMaxMs: e.ONEPOINT_SEARCH_SLOWDOWN_MAX_MS,
    attachmentsDir: e.ONEPOINT_ATTACHMENTS_DIR ? path.resolve(e.ONEPOINT_ATTACHMENTS_DIR) : undefined,
    attachmentMaxBytes: e.ONEPOINT_ATTACHMENT_MAX_BYTES,
    repeatWindowDays: e.ONEPOINT_REPEAT_WINDOW_DAYS,
    slaWarnAt: e.ONEPOINT_SLA_WARN_AT.split(',')
      .map((x) => Number(x.trim()))
      .filter((x) => Number.isInteger(x) && x > 0 && x < 100),
    smtpListen: e.ONEPOINT_SMTP_LISTEN ? hostPort(e.ONEPOINT_SMTP_LISTEN) : undefined,
    smtpUrl: e.ONEPOINT_SMTP_URL,
    mailFrom: e.ONEPOINT_MAIL_FROM,
    noticeGateway: e.ONEPOINT_NOTICE_GATEWAY,
    smsGatewayUrl: e.ONEPOINT_SMS_GATEWAY_URL,
    smsGatewayKey: e.ONEPOINT_SMS_GATEWAY_KEY,
    smsSignName: e.ONEPOINT_SMS_SIGN_NAME,
    imapPollSeconds: e.ONEPOINT_IMAP_POLL_SECONDS,
    testClockFile: e.ONEPOINT_TEST_CLOCK_FILE ? path.resolve(e.ONEPOINT_TEST_CLOCK_FILE) : undefined,
    imapPasswords: Object.fromEntries(
      Object.entries(env).filter(
        (kv): kv is [string, string] =>
          IMAP_PASSWORD_ENV.test(kv[0]) && typeof kv[1] === 'string' && kv[1] !== '',
      ),
    ),
  };
}

function hostPort(v: string): { host: string; port: number } {
  const i = v.lastIndexOf(':');
  const port = Number(v.slice(i + 1));
  if (port > 65535) throw new ConfigError('ONEPOINT_SMTP_LISTEN', `port ${port} is out of range`);
  return { host: v.slice(0, i).replace(/^\[(.*)\]$/, '$1'), port };
}

// ---- The development PII key: where it may run ----

/** True for an address only this machine can reach (localhost, 127.0.0.0/8, ::1). */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.exec(h);
  return v4 !== null && v4[1] === '127';
}

const DEV_KEY_FIX =
  'Set ONEPOINT_PII_KEYS to a key of your own (keyId:base64 of 32 random bytes; README, "Keys"), ' +
  'or ONEPOINT_ALLOW_DEV_KEY=true for a test system that holds no real personal data.';

/**
 * Why the built-in development key may not be used here, or undefined. It is public in this
 * source, so anything it encrypts is readable by anyone: it is for a trial on this machine only.
 * PostgreSQL (DATABASE_URL) means a real deployment; so does listening on a non-loopback address
 * (`listening`: the server). `ONEPOINT_ALLOW_DEV_KEY=true` is the only way round.
 */
export function devKeyRefusal(
  config: Pick<Config, 'piiKeysDevelopment' | 'allowDevKey' | 'databaseUrl' | 'host'>,
  opts: { listening: boolean },
): string | undefined {
  if (!config.piiKeysDevelopment || config.allowDevKey) return undefined;
  const start = 'ONEPOINT_PII_KEYS is not set and the built-in development key is public in the source code';
  if (config.databaseUrl)
    return `${start}: refusing to use it on PostgreSQL (DATABASE_URL is set). ${DEV_KEY_FIX}`;
  if (opts.listening && !isLoopbackHost(config.host))
    return `${start}: refusing to serve on HOST=${config.host}, which is not a loopback address. ${DEV_KEY_FIX}`;
  return undefined;
}

/** The line every command that handles personal data prints on stderr while the development key is in use. */
export function devKeyWarning(config: Pick<Config, 'piiKeysDevelopment'>): string | undefined {
  return config.piiKeysDevelopment
    ? 'WARNING: ONEPOINT_PII_KEYS is not set: personal data (ID numbers, contact media) is encrypted ' +
        'with the built-in development key, which is public in the source code. Never use it for real customers.'
    : undefined;
}
