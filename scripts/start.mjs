// `npm start`: rebuild the web console if its sources changed, then serve with demo data — in this
// one process. package.json runs it with `exec`, so npm's shell is replaced by this process and the
// SIGTERM/SIGINT npm forwards (from Docker, systemd, Ctrl-C) reaches the server itself, which
// drains, releases the data directory and exits; npm then exits with its code.
// (`sh -c "build && node … serve"` left the server orphaned: the shell dies and does not pass it on.)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const build = spawnSync(process.execPath, [path.join(root, 'scripts/build-web.mjs'), '--if-stale'], {
  stdio: 'inherit',
});
if (build.signal) process.kill(process.pid, build.signal);
if (build.status !== 0) process.exit(build.status ?? 1);

process.argv = [
  process.argv[0],
  path.join(root, 'bin/onepoint.js'),
  'serve',
  '--demo',
  ...process.argv.slice(2),
];
await import('../bin/onepoint.js');
