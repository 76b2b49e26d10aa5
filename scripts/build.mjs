// Compiles src/ to dist/ (plain JavaScript, same layout), so that `onepoint` starts without
// compiling TypeScript on the fly. Run by `npm install` (prepare) and `npm run build`.
// Type errors do not stop the build (`npm run typecheck` reports them); bin/onepoint.js runs
// dist/ only while it is not older than src/, and the sources through tsx otherwise.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'dist');
const src = path.join(root, 'src');

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // An install without dev dependencies: onepoint runs from the sources (through tsx).
  console.error('onepoint: typescript is not installed; skipping the build (running from sources)');
  process.exit(0);
}

const started = Date.now();
// The stamp gets the time the build started: a source saved during the build counts as newer.
const stampTime = new Date(started);
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--noCheck'], {
  stdio: 'inherit',
});

// Files that are not TypeScript (SQL, JSON, templates) are read at run time next to the code.
for (const entry of fs.readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || entry.name.endsWith('.ts')) continue;
  const from = path.join(entry.parentPath, entry.name);
  const to = path.join(dist, path.relative(src, from));
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
}
const stamp = path.join(dist, 'BUILD');
fs.writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
fs.utimesSync(stamp, stampTime, stampTime);
console.error(`onepoint: compiled src/ to dist/ in ${Date.now() - started} ms`);
