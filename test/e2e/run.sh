#!/usr/bin/env bash
# Browser tests: builds the console if its sources changed, then drives Debian's Chromium through
# playwright-core against a real `onepoint serve --demo` (embedded engine, temp data directory).
# Writes test-results/vitest-e2e.json (counted by scripts/summarise-tests.mjs) and screenshots
# under test-results/screenshots/.
set -euo pipefail
cd "$(dirname "$0")/../.."
mkdir -p test-results/screenshots
node scripts/build-web.mjs --if-stale
npx vitest run --config test/e2e/vitest.config.ts --reporter=default --reporter=json \
  --outputFile.json=test-results/vitest-e2e.json "$@"
