// Measures how fast `npm start` (= node bin/onepoint.js serve --demo) is ready on the embedded
// engine, on a fresh and on an existing data directory: the time from spawning the process to
// the first answer of GET /healthz, and the server process's resident memory (from /proc).
// Usage: node scripts/measure-startup.mjs [--runs 5] [--via-npm] [--out bench/results/startup.json]
//        [--root <another checkout, to compare>] [--label <name for this series>]
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { distState } from './dist-state.mjs';

const { values: args } = parseArgs({
  options: {
    root: { type: 'string', default: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..') },
    label: { type: 'string' },
    runs: { type: 'string', default: '5' },
    'via-npm': { type: 'boolean', default: false },
    out: { type: 'string' },
    'settle-ms': { type: 'string', default: '3000' },
  },
});
const root = path.resolve(args.root);
const outFile = args.out ?? path.join(root, 'bench/results/startup.json');
const runs = Number(args.runs);
const settleMs = Number(args['settle-ms']);
const CLK_TCK = 100; // Linux USER_HZ

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function procStatus(pid) {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  return { rssMB: Math.round(kb('VmRSS') / 1024), peakRssMB: Math.round(kb('VmHWM') / 1024) };
}
function cpuMs(pid) {
  // Fields after the command name: utime and stime are the 12th and 13th (clock ticks).
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Math.round(((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK);
}
/** The node process running the server (under npm there are npm and sh above it). */
function serverPid(topPid) {
  const children = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone
    }
  }
  const queue = [topPid];
  while (queue.length) {
    const pid = queue.shift();
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (path.basename(argv[0]) === 'node' && argv.some((a) => a.endsWith('bin/onepoint.js'))) return pid;
    } catch {
      // gone
    }
    queue.push(...(children.get(pid) ?? []));
  }
  return topPid;
}

async function startOnce(dataDir, kind) {
  const port = await freePort();
  const env = { ...process.env, PORT: String(port), ONEPOINT_DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  const [cmd, argv] = args['via-npm']
    ? ['npm', ['start', '--silent']]
    : [process.execPath, ['bin/onepoint.js', 'serve', '--demo']];
  const t0 = performance.now();
  const child = spawn(cmd, argv, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  // Whatever goes wrong below, leave no server behind.
  const cleanUp = () => {
    for (const p of new Set([serverPid(child.pid), child.pid])) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  try {
    return await measure(child, port, t0, kind, () => out, exited);
  } catch (err) {
    cleanUp();
    throw err;
  }
}

async function measure(child, port, t0, kind, output, exited) {
  let readyMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output()}`);
    if (performance.now() - t0 > 120_000) throw new Error(`not ready after 120 s:\n${output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) {
        readyMs = Math.round(performance.now() - t0);
        break;
      }
    } catch {
      // not listening yet
    }
    await sleep(10);
  }
  const pid = serverPid(child.pid);
  const atReady = { ...procStatus(pid), cpuMs: cpuMs(pid) };
  await sleep(settleMs);
  const settled = procStatus(pid);
  const out = output();
  const phases = /"startup":(\{[^}]*\})/.exec(out)?.[1];
  const t1 = performance.now();
  process.kill(pid, 'SIGTERM');
  const code = await Promise.race([exited, sleep(30_000).then(() => 'timeout')]);
  const record = {
    kind,
    readyMs,
    cpuMsAtReady: atReady.cpuMs,
    rssMBAtReady: atReady.rssMB,
    rssMBAfterSettle: settled.rssMB,
    peakRssMB: settled.peakRssMB,
    serverReadyMs: Number(/"readyMs":(\d+)/.exec(out)?.[1]),
    phases: phases ? JSON.parse(phases) : undefined,
    shutdownMs: Math.round(performance.now() - t1),
    exitCode: code,
  };
  console.error(
    `${kind.padEnd(8)} ready ${String(readyMs).padStart(5)} ms  cpu ${String(atReady.cpuMs).padStart(5)} ms  ` +
      `rss ${atReady.rssMB} MB → ${settled.rssMB} MB (peak ${settled.peakRssMB})  exit ${code}`,
  );
  return record;
}

const summary = (records, key) => {
  const v = records.map((r) => r[key]).sort((a, b) => a - b);
  const median =
    v.length % 2 ? v[(v.length - 1) / 2] : Math.round((v[v.length / 2 - 1] + v[v.length / 2]) / 2);
  return { median, min: v[0], max: v.at(-1) };
};

const state = distState(root);
if (state !== 'fresh')
  console.error(`note: dist/ is ${state}; the server runs from the sources (npm run build first)`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-startup-'));
const loadBefore = os.loadavg();
const records = [];
try {
  for (let i = 0; i < runs; i++) records.push(await startOnce(path.join(tmp, `fresh-${i}`), 'fresh'));
  // The first fresh directory, now migrated and seeded, is the existing one.
  for (let i = 0; i < runs; i++) records.push(await startOnce(path.join(tmp, 'fresh-0'), 'existing'));
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
let commit;
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'ignore'],
  })
    .toString()
    .trim();
} catch {
  commit = undefined;
}
const result = {
  label: args.label,
  what: args['via-npm'] ? 'npm start' : 'node bin/onepoint.js serve --demo',
  method:
    'spawn → first 200 from GET /healthz (polled every 10 ms); RSS/VmHWM from /proc/<pid>/status at ready and ' +
    `after ${settleMs} ms; CPU = utime+stime at ready; fresh = new empty data directory, existing = the first one again`,
  date: new Date().toISOString(),
  commit,
  build: state === 'fresh' ? 'dist (compiled)' : 'sources through tsx',
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.type()} ${os.release()}`,
    loadAverageBefore: loadBefore.map((x) => Math.round(x * 100) / 100),
    loadAverageAfter: os.loadavg().map((x) => Math.round(x * 100) / 100),
  },
  summary: Object.fromEntries(
    ['fresh', 'existing'].map((kind) => {
      const rs = records.filter((r) => r.kind === kind);
      return [
        kind,
        {
          readyMs: summary(rs, 'readyMs'),
          cpuMsAtReady: summary(rs, 'cpuMsAtReady'),
          rssMBAtReady: summary(rs, 'rssMBAtReady'),
          rssMBAfterSettle: summary(rs, 'rssMBAfterSettle'),
          peakRssMB: summary(rs, 'peakRssMB'),
        },
      ];
    }),
  ),
  runs: records,
};
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result.summary, null, 2));
console.error(`written to ${outFile}`);
