import { randomBytes } from 'node:crypto';

// Which database engine the integration tests run on: PGlite by default, PostgreSQL when asked.
export type TestEngine = 'pglite' | 'postgres';

export function testEngine(): TestEngine {
  const v = process.env.ONEPOINT_TEST_ENGINE ?? 'pglite';
  if (v !== 'pglite' && v !== 'postgres')
    throw new Error(`ONEPOINT_TEST_ENGINE must be pglite or postgres, got ${v}`);
  return v;
}

/** The PostgreSQL server the tests use (this machine kind runs one on 127.0.0.1:5432, trust auth). */
export const TEST_PG_ADMIN_URL =
  process.env.ONEPOINT_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * Test databases are named after the vitest run's process id (onepoint_t_<pid>_…), so two suites
 * on one server (CI and a developer, or parallel work trees) never drop each other's databases.
 */
export const TEST_DB_PREFIX = 'onepoint_t_';

export function runTemplateName(pid: number = process.pid): string {
  return `${TEST_DB_PREFIX}${pid}_template`;
}

/** The pid in a test database's name, or undefined for a name of another shape (an older run). */
export function runPidOf(datname: string): number | undefined {
  const m = /^onepoint_t_(\d+)_/.exec(datname);
  return m ? Number(m[1]) : undefined;
}

/** A fresh database name of the same run as a template database URL (from inject('template')). */
export function siblingDatabase(templateUrl: string): { name: string; template: string } {
  const template = new URL(templateUrl).pathname.slice(1);
  const prefix = template.replace(/template$/, '');
  return { name: `${prefix}${randomBytes(6).toString('hex')}`, template };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
