// Builds a fresh, empty PGlite data directory once, in its own process, so that the server never
// pays PGlite's first-start cost (5-8 s, ~800 MB that is never given back). Usage: node this.mjs DIR
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';

// Default: the same place src/platform/db/database.ts looks (run by `npm install` as `prepare`).
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const version = JSON.parse(
  fs.readFileSync(path.join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'),
).version;
const target =
  process.argv[2] ??
  process.env.ONEPOINT_PGLITE_TEMPLATE_DIR ??
  path.join(root, 'node_modules/.cache/onepoint', `pglite-${version}`);
if (fs.existsSync(path.join(target, 'READY'))) process.exit(0);
const work = `${target}.tmp-${process.pid}`;
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const started = Date.now();
const db = new PGlite(path.join(work, 'pgdata'));
await db.query('select 1');
await db.close();
fs.writeFileSync(path.join(work, 'READY'), new Date().toISOString());
fs.rmSync(target, { recursive: true, force: true });
fs.renameSync(work, target);
console.error(`onepoint: embedded database template ready in ${target} (${Date.now() - started} ms)`);
