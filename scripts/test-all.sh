#!/usr/bin/env bash
# The whole suite: type-check, lint and formatting, then unit + integration tests on the embedded
# engine (PGlite) and on PostgreSQL (needs the server at ONEPOINT_TEST_PG_URL, default
# postgresql://postgres@127.0.0.1:5432/postgres), then the browser tests.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
status=0
failed_steps=()
step() { echo; echo "=== $1"; }
# CI keeps only the end of the output: a failed step is named again in the summary.
fail() { status=1; failed_steps+=("$1"); }

# Type-check and lint each use one core: run side by side, print in order.
tc_log=$(mktemp)
npm run -s typecheck >"$tc_log" 2>&1 &
tc_pid=$!
lint_log=$(mktemp)
npx eslint . >"$lint_log" 2>&1
lint_rc=$?
wait $tc_pid
tc_rc=$?
step "type-check (server and web console: npm run typecheck)"
cat "$tc_log"
[ $tc_rc -eq 0 ] || fail "type-check"
step "lint (eslint), formatting (prettier) and module boundaries (dependency-cruiser)"
cat "$lint_log"
[ $lint_rc -eq 0 ] || fail "lint (eslint)"
rm -f "$tc_log" "$lint_log"
npx prettier --check . >/dev/null || { npx prettier --check . ; fail "formatting (prettier)"; }
npx depcruise src || fail "module boundaries (dependency-cruiser)"

# The customer import test runs at full size (100 000 rows) on PostgreSQL here, the engine of a
# province's import; the embedded engine (trials, small sites) and `npx vitest run` use 2 000.
IMPORT_ROWS_PG="${ONEPOINT_TEST_IMPORT_ROWS:-100000}"

step "tests on the embedded engine (PGlite)"
ONEPOINT_TEST_ENGINE=pglite npx vitest run --reporter=default --reporter=json \
  --outputFile.json=test-results/vitest-pglite.json || fail "tests on PGlite (vitest exited non-zero)"
step "tests on PostgreSQL"
ONEPOINT_TEST_ENGINE=postgres ONEPOINT_TEST_IMPORT_ROWS="$IMPORT_ROWS_PG" npx vitest run --reporter=default --reporter=json \
  --outputFile.json=test-results/vitest-postgres.json || fail "tests on PostgreSQL (vitest exited non-zero)"

if [ -f test/e2e/run.sh ]; then
  step "browser tests (Playwright + Chromium)"
  bash test/e2e/run.sh || fail "browser tests (exited non-zero)"
fi

step "summary"
node scripts/summarise-tests.mjs test-results/*.json || status=1
for s in "${failed_steps[@]}"; do echo "FAILED step: $s"; done
exit $status
