#!/usr/bin/env node
// Runs the compiled build (dist/, made by `npm install` or `npm run build`) when it is there and
// not older than the sources; otherwise the TypeScript sources through tsx, so that a checkout
// works without a build. ONEPOINT_FROM_SOURCE=1 forces the sources.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { distState } from '../scripts/dist-state.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const state = process.env.ONEPOINT_FROM_SOURCE === '1' ? 'off' : distState(root);
let main;
if (state === 'fresh') {
  ({ main } = await import('../dist/cli.js'));
} else {
  if (state === 'stale')
    process.stderr.write(
      'onepoint: dist/ is older than src/, running the sources (slower start; `npm run build` to refresh)\n',
    );
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli.ts'));
}
await main(process.argv);
