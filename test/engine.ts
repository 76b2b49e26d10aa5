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
export const TEMPLATE_DB = 'onepoint_test_template';

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
