// Is the compiled build in dist/ usable? Shared by bin/onepoint.js and the CLI tests.
import fs from 'node:fs';
import path from 'node:path';

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** 'fresh' when dist/ was built after the last change to src/; 'stale' or 'missing' otherwise. */
export function distState(root) {
  let built;
  try {
    built = fs.statSync(path.join(root, 'dist/BUILD')).mtimeMs;
  } catch {
    return 'missing';
  }
  return built >= newestSource(path.join(root, 'src')) ? 'fresh' : 'stale';
}
