/**
 * Request overhead of authentication: the same server answers an unauthenticated `/healthz`
 * (the baseline, measured in the same run) and `GET /api/v1/auth/me` with a session token and with
 * an API token. The difference is what every authenticated API call pays before its own work.
 * Requests go through Fastify's inject (no sockets), one at a time, warm.
 */
import { loadConfig } from '../src/config.ts';
import { createApiToken } from '../src/modules/identity/index.ts';
import { systemActor } from '../src/modules/audit/index.ts';
import { createLogger } from '../src/platform/logger.ts';
import { buildApp, startPlatform } from '../src/server.ts';
import { ensureDemoData } from '../src/seed/demo.ts';
import { openBenchDatabase } from './pg-database.ts';
import { stats, type Stats } from './stats.ts';

export interface AuthBenchOptions {
  engine: 'pglite' | 'postgres';
  requests: number;
  pgUrl: string;
  log: (msg: string) => void;
}

export async function runAuthBench(opts: AuthBenchOptions) {
  const { database, dispose } = await openBenchDatabase(opts, 'auth');
  const log = (m: string) => opts.log(`[${opts.engine}] ${m}`);
  try {
    const config = loadConfig({
      LOG_LEVEL: 'silent',
      ONEPOINT_DEMO_PASSWORD: 'bench-pass-1',
      ONEPOINT_RATE_LIMIT_PER_MINUTE: '10000000',
    });
    const platform = await startPlatform(config, createLogger('silent'), {
      command: 'bench',
      jobs: false,
      database,
    });
    await ensureDemoData(platform.context);
    const app = await buildApp(platform.context);
    await app.ready();
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login: 'supervisor', password: 'bench-pass-1' },
    });
    if (login.statusCode !== 200) throw new Error(`bench login failed: ${login.body}`);
    const session = (login.json() as { token: string }).token;
    const user = await platform.context.db
      .selectFrom('users')
      .select('id')
      .where('login', '=', 'supervisor')
      .executeTakeFirstOrThrow();
    const { token: apiToken } = await createApiToken(
      platform.context.db,
      { userId: user.id, name: 'bench', expiresAt: null },
      systemActor('bench'),
    );

    const time = async (url: string, token?: string) => {
      const headers = token ? { authorization: `Bearer ${token}` } : {};
      for (let i = 0; i < 50; i++) await app.inject({ method: 'GET', url, headers }); // warm-up
      const samples: number[] = [];
      for (let i = 0; i < opts.requests; i++) {
        const t0 = performance.now();
        const res = await app.inject({ method: 'GET', url, headers });
        samples.push(performance.now() - t0);
        if (res.statusCode !== 200) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
      }
      return samples;
    };
    const baseline = stats(await time('/healthz'));
    const run = async (name: string, url: string, token: string): Promise<Stats> => {
      const s = stats(await time(url, token), baseline);
      log(`${name}: p50 ${s.p50} ms, p95 ${s.p95} ms (×${s.ratioP50} of /healthz at p50)`);
      return s;
    };
    const result = {
      engine: opts.engine,
      requests: opts.requests,
      healthz: baseline,
      meWithSession: await run('GET /auth/me, session', '/api/v1/auth/me', session),
      meWithApiToken: await run('GET /auth/me, API token', '/api/v1/auth/me', apiToken),
      note: 'ms per request through inject, one at a time, warm; ratios against /healthz in the same run',
    };
    await app.close();
    await platform.close();
    return result;
  } finally {
    await dispose();
  }
}
