// Adds up the JSON reports of every test run into one closing line: "N passed, N failed, N skipped".
import fs from 'node:fs';
import path from 'node:path';

const firstLine = (text) =>
  String(text ?? '')
    .split('\n')
    .find((l) => l.trim()) ?? '';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  const r = JSON.parse(fs.readFileSync(file, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  const suitesFailed = (r.testResults ?? []).filter(
    (t) => t.status === 'failed' && !(t.assertionResults ?? []).some((a) => a.status === 'failed'),
  );
  failed += suitesFailed.length;
  console.log(`${file}: ${r.numPassedTests ?? 0} passed, ${r.numFailedTests ?? 0} failed`);
  // Name each failure here too: CI keeps only the end of the output.
  for (const suite of r.testResults ?? []) {
    const where = path.relative(process.cwd(), suite.name ?? '');
    const failures = (suite.assertionResults ?? []).filter((a) => a.status === 'failed');
    if (suite.status === 'failed' && failures.length === 0) {
      console.log(`  FAILED ${where}: ${firstLine(suite.message)}`);
    }
    for (const a of failures) {
      console.log(`  FAILED ${where} > ${a.fullName}: ${firstLine(a.failureMessages?.[0])}`);
    }
  }
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
if (passed === 0 || failed > 0) process.exit(1);
