import path from 'node:path';
import { z } from 'zod';

// Every setting comes from the environment; each one is listed in the README.
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  ONEPOINT_DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ONEPOINT_DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').default('onepoint-demo'),
  ONEPOINT_SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 30)
    .default(12),
  ONEPOINT_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  ONEPOINT_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(1024 * 1024),
  ONEPOINT_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
  ONEPOINT_LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  ONEPOINT_CORS_ORIGINS: z.string().default(''),
  ONEPOINT_TIME_ZONE: z.string().default('Asia/Shanghai'),
  ONEPOINT_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10000),
  ONEPOINT_JOBS: z.enum(['on', 'off']).default('on'),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  demoPassword: string;
  sessionTtlHours: number;
  dbPoolSize: number;
  bodyLimitBytes: number;
  rateLimitPerMinute: number;
  loginRateLimitPerMinute: number;
  corsOrigins: string[];
  timeZone: string;
  shutdownGraceMs: number;
  jobsEnabled: boolean;
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
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.ONEPOINT_DATA_DIR),
    logLevel: e.LOG_LEVEL,
    demoPassword: e.ONEPOINT_DEMO_PASSWORD,
    sessionTtlHours: e.ONEPOINT_SESSION_TTL_HOURS,
    dbPoolSize: e.ONEPOINT_DB_POOL_SIZE,
    bodyLimitBytes: e.ONEPOINT_BODY_LIMIT_BYTES,
    rateLimitPerMinute: e.ONEPOINT_RATE_LIMIT_PER_MINUTE,
    loginRateLimitPerMinute: e.ONEPOINT_LOGIN_RATE_LIMIT_PER_MINUTE,
    corsOrigins: e.ONEPOINT_CORS_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    timeZone: e.ONEPOINT_TIME_ZONE,
    shutdownGraceMs: e.ONEPOINT_SHUTDOWN_GRACE_MS,
    jobsEnabled: e.ONEPOINT_JOBS === 'on',
  };
}
