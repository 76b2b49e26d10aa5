import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // Test files share their worker's loaded modules: loading the app per file cost about as much
    // CPU as the tests themselves (10 integration files: 86 s of CPU isolated, 48 s shared).
    // Every file still opens its own database copy and server.
    isolate: false,
    // Vitest's default is one worker per core minus one: a single worker on a 2-core CI machine,
    // which then sits idle while a test waits on PostgreSQL or a child process. Two keep both busy.
    maxWorkers: Number(process.env.ONEPOINT_TEST_WORKERS ?? 2),
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
