#!/usr/bin/env bash
# The whole suite: type-check, lint and formatting, then unit + integration tests on the embedded
# engine (PGlite) and on PostgreSQL (needs the server at ONEPOINT_TEST_PG_URL, default
# postgresql://postgres@127.0.0.1:5432/postgres), then the browser tests.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
status=0
step() { echo; echo "=== $1"; }

step "type-check (server and web console: npm run typecheck)"
npm run -s typecheck || status=1
step "lint (eslint), formatting (prettier) and module boundaries (dependency-cruiser)"
npx eslint . || status=1
npx prettier --check . >/dev/null || { npx prettier --check . ; status=1; }
npx depcruise src || status=1

# The customer import test runs at full size (100 000 rows) on PostgreSQL here, the engine of a
# province's import; the embedded engine (trials, small sites) and `npx vitest run` use 2 000.
IMPORT_ROWS_PG="${ONEPOINT_TEST_IMPORT_ROWS:-100000}"

step "tests on the embedded engine (PGlite)"
ONEPOINT_TEST_ENGINE=pglite npx vitest run --reporter=default --reporter=json \
  --outputFile.json=test-results/vitest-pglite.json || status=1
step "tests on PostgreSQL"
ONEPOINT_TEST_ENGINE=postgres ONEPOINT_TEST_IMPORT_ROWS="$IMPORT_ROWS_PG" npx vitest run --reporter=default --reporter=json \
  --outputFile.json=test-results/vitest-postgres.json || status=1

if [ -f test/e2e/run.sh ]; then
  step "browser tests (Playwright + Chromium)"
  bash test/e2e/run.sh || status=1
fi

step "summary"
node scripts/summarise-tests.mjs test-results/*.json || status=1
exit $status
