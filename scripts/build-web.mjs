// Builds the web console into web/dist with Vite, then prints its sizes (raw and gzip).
//   node scripts/build-web.mjs              always build
//   node scripts/build-web.mjs --if-stale   build only if web/dist is missing or older than web/ sources,
//                                           the modules' words (domain/words.ts) or the lock file
// Without Vite (a production install without devDependencies) it says so and leaves web/dist alone.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const web = path.join(root, 'web');
const dist = path.join(web, 'dist');
const index = path.join(dist, 'index.html');

function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** The modules' words (src/modules/<module>/domain/words.ts): the console's locale files import them. */
function newestWords() {
  const modules = path.join(root, 'src', 'modules');
  let newest = 0;
  for (const name of fs.readdirSync(modules)) {
    const file = path.join(modules, name, 'domain', 'words.ts');
    if (fs.existsSync(file)) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  }
  return newest;
}

if (process.argv.includes('--if-stale') && fs.existsSync(index)) {
  const lock = path.join(root, 'package-lock.json');
  const sources = Math.max(
    newestSource(web),
    newestWords(),
    fs.existsSync(lock) ? fs.statSync(lock).mtimeMs : 0,
  );
  if (fs.statSync(index).mtimeMs >= sources) process.exit(0);
  console.error('onepoint: web console sources changed since the last build; rebuilding…');
}

let vite;
try {
  vite = await import('vite');
} catch {
  console.error('onepoint: Vite is not installed (devDependencies omitted?); the web console was not built.');
  process.exit(0);
}

const started = Date.now();
await vite.build({ root: web, configFile: path.join(web, 'vite.config.ts'), logLevel: 'warn' });
console.error(`onepoint: web console built in ${Date.now() - started} ms`);
printSizes();

/**
 * Sizes of what a browser downloads: the login page's scripts (entry + preloads), the named chunks
 * and the rest; also written to web/dist/sizes.json (a browser test keeps the chart chunk in budget).
 */
export function printSizes() {
  /** Chunks the README's size table names (file name prefix → what it is). */
  const NAMED = [
    ['StaffLayout-', 'staff layout (menu, header)'],
    ['screens-', 'customer screens (search, 360, edit forms, import)'],
    ['SupervisorDashboard-', 'supervisor dashboard (ECharts is in charts-)'],
    ['charts-', 'charts (ECharts: bars on a grid, canvas)'],
  ];
  const html = fs.readFileSync(index, 'utf8');
  const initial = new Set([...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]));
  const rows = [];
  for (const file of fs.readdirSync(path.join(dist, 'assets'))) {
    if (!/\.(js|css)$/.test(file)) continue;
    const raw = fs.readFileSync(path.join(dist, 'assets', file));
    rows.push({ file: `assets/${file}`, raw: raw.length, gzip: zlib.gzipSync(raw, { level: 9 }).length });
  }
  rows.sort((a, b) => b.gzip - a.gzip);
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  const sum = (list) => list.reduce((s, r) => s + r.gzip, 0);
  const js = rows.filter((r) => r.file.endsWith('.js'));
  const first = js.filter((r) => initial.has(r.file));
  const named = NAMED.map(([prefix, what]) => {
    const row = js.find((r) => r.file.startsWith(`assets/${prefix}`));
    return { what, file: row?.file ?? null, gzip: row?.gzip ?? null };
  });
  console.error(
    `  JavaScript before the login page is usable: ${kb(sum(first))} gzip (${first.length} files)`,
  );
  for (const n of named) if (n.gzip !== null) console.error(`  ${n.what}: ${kb(n.gzip)} gzip`);
  console.error(`  All JavaScript: ${kb(sum(js))} gzip in ${js.length} files; largest:`);
  for (const r of rows.slice(0, 8))
    console.error(`    ${r.file.padEnd(48)} ${kb(r.raw).padStart(10)} ${kb(r.gzip).padStart(10)} gzip`);
  fs.writeFileSync(
    path.join(dist, 'sizes.json'),
    `${JSON.stringify({ initialJsGzip: sum(first), allJsGzip: sum(js), named, files: rows }, null, 2)}\n`,
  );
}
