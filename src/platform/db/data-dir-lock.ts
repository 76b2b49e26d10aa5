import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * An exclusive lock on an embedded data directory (`<dataDir>/onepoint.lock`), held for the life
 * of the process. PGlite's own lock file does not stop a second opener, so we take ours first.
 *
 * The lock file records the holder: pid, host name, boot id and the holder's start time (Linux:
 * `/proc/sys/kernel/random/boot_id` and field 22 of `/proc/<pid>/stat`), command and date. The
 * holder refreshes the file's modification time every 5 s. A lock is **stale** (taken over) when:
 * - it names this process's pid but this process does not hold it (a previous process that had
 *   the same pid: a restarted container, where pids start again from 1);
 * - it was written on this host since the last boot and its pid is not running, or runs a process
 *   started at another time than the holder (the pid was reused);
 * - it was written on this host before the last boot (another boot id);
 * - it was written on another host (a re-created container gets a new host name, and the old
 *   one's processes cannot be checked from here) and has not been refreshed for 20 s: we wait for
 *   that, and refuse if the holder refreshes it meanwhile.
 * Otherwise the start is refused (DataDirLockedError, exit 2), naming the holder, the lock file
 * and how to clear it safely.
 *
 * Creation is atomic (the full record is written to a temporary file, then hard-linked to the lock
 * name, which fails if it exists). Taking over a stale lock happens under a take-over mutex (an
 * exclusive `mkdir`): the lock is read again under it and replaced by `rename` only if it is still
 * the one judged stale — so of two processes starting at once, one wins and the other sees the
 * winner's live lock.
 */

export const HEARTBEAT_MS = 5_000;
export const STALE_MS = 20_000;
/** A take-over takes milliseconds; a mutex this old was left by a process that died in one. */
const MUTEX_STALE_MS = 10_000;

export interface LockHolder {
  pid: number;
  host: string;
  command: string;
  since: string;
  bootId?: string;
  startTicks?: number;
}

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
    readonly lockPath: string,
  ) {
    super(
      `The data directory ${dataDir} is in use by another onepoint process ` +
        `(pid ${holder.pid} on ${holder.host}, "${holder.command}", since ${holder.since}). ` +
        `Stop that process first, or run this command through the running server's API. ` +
        `Two processes on one embedded database would corrupt it. ` +
        `Its lock file is ${lockPath}: if that process is gone (check with \`ps -p ${holder.pid}\` ` +
        `on ${holder.host}, and that no container or machine still runs onepoint on this directory), ` +
        `remove the lock file and start again.`,
    );
    this.name = 'DataDirLockedError';
  }
}

function readBootId(): string | undefined {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** When a process started, in clock ticks since boot (Linux), or undefined if unknown. */
export function startTicksOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is field 3.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Lock files this process holds now (so that its own pid in a lock file is told apart). */
const heldHere = new Set<string>();

export type Verdict = 'held' | 'stale' | 'remote';

/** Whether the holder recorded in a lock file still holds it (see the rule above). */
export function judge(holder: LockHolder, lockPath: string): Verdict {
  const host = os.hostname();
  if (holder.host !== host) return 'remote';
  if (holder.pid === process.pid) return heldHere.has(lockPath) ? 'held' : 'stale';
  const bootId = readBootId();
  if (holder.bootId && bootId && holder.bootId !== bootId) return 'stale';
  if (!isAlive(holder.pid)) return 'stale';
  const ticks = startTicksOf(holder.pid);
  if (holder.startTicks !== undefined && ticks !== undefined && ticks !== holder.startTicks) return 'stale';
  return 'held';
}

function readLock(lockPath: string): { raw: string; holder: LockHolder | undefined } | undefined {
  let raw: string;
  try {
    raw = fs.readFileSync(lockPath, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const holder = JSON.parse(raw) as LockHolder;
    return { raw, holder: typeof holder?.pid === 'number' ? holder : undefined };
  } catch {
    // Written by an older version that died mid-write: nobody holds it.
    return { raw, holder: undefined };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Replaces the lock file by ours (`tmp`) if it still holds exactly `judged`; false if it changed
 * meanwhile (another process took it over first). `beforeSwap` lets a test change it in between.
 */
export function takeOver(lockPath: string, judged: string, tmp: string, beforeSwap?: () => void): boolean {
  const mutex = `${lockPath}.takeover`;
  for (;;) {
    try {
      fs.mkdirSync(mutex);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - fs.statSync(mutex).mtimeMs > MUTEX_STALE_MS) fs.rmSync(mutex, { recursive: true });
      } catch {
        // released meanwhile
      }
      // Another process is taking over right now: whatever it does, judge its result afresh.
      return false;
    }
  }
  try {
    beforeSwap?.();
    const now = readLock(lockPath);
    if (now !== undefined && now.raw !== judged) return false;
    if (now === undefined) {
      try {
        fs.linkSync(tmp, lockPath);
        return true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
        throw err;
      }
    }
    // The copy keeps `tmp` for the caller to remove; rename replaces the lock in one step.
    const swap = `${tmp}.swap`;
    fs.linkSync(tmp, swap);
    fs.renameSync(swap, lockPath);
    return true;
  } finally {
    fs.rmSync(mutex, { recursive: true, force: true });
  }
}

/**
 * Takes the lock of `dataDir` for this process (see the rule above) and returns its release.
 * `onWait` hears about a wait for a lock from another host to go stale.
 */
export async function lockDataDir(
  dataDir: string,
  command: string,
  opts: { onWait?: (msg: string) => void; staleMs?: number } = {},
): Promise<() => void> {
  const staleMs = opts.staleMs ?? STALE_MS;
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'onepoint.lock');
  const me: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    command,
    since: new Date().toISOString(),
    bootId: readBootId(),
    startTicks: startTicksOf(process.pid),
  };
  const tmp = `${lockPath}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(tmp, JSON.stringify(me));
  try {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        fs.linkSync(tmp, lockPath);
        return hold(lockPath);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const found = readLock(lockPath);
      if (!found) continue;
      let verdict: Verdict = found.holder ? judge(found.holder, lockPath) : 'stale';
      if (verdict === 'remote') verdict = await waitRemote(lockPath, found.holder!, staleMs, opts.onWait);
      if (verdict === 'held') throw new DataDirLockedError(dataDir, found.holder!, lockPath);
      if (takeOver(lockPath, found.raw, tmp)) return hold(lockPath);
      await sleep(100);
    }
    throw new Error(`Could not lock ${dataDir} (its lock file ${lockPath} keeps changing)`);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** A lock from another host: held while it is refreshed, stale once it has not been for `staleMs`. */
async function waitRemote(
  lockPath: string,
  holder: LockHolder,
  staleMs: number,
  onWait?: (msg: string) => void,
): Promise<Verdict> {
  let first: number;
  try {
    first = fs.statSync(lockPath).mtimeMs;
  } catch {
    return 'stale';
  }
  let told = false;
  for (;;) {
    let mtime: number;
    try {
      mtime = fs.statSync(lockPath).mtimeMs;
    } catch {
      return 'stale';
    }
    if (mtime !== first) return 'held';
    const age = Date.now() - mtime;
    if (age >= staleMs) return 'stale';
    if (!told) {
      told = true;
      onWait?.(
        `the data directory lock ${lockPath} was written on another host (${holder.host}, pid ` +
          `${holder.pid}) ${Math.round(age / 1000)} s ago; waiting up to ` +
          `${Math.ceil((staleMs - age) / 1000)} s to see whether it is still refreshed`,
      );
    }
    await sleep(Math.min(500, staleMs - age + 10));
  }
}

function hold(lockPath: string): () => void {
  heldHere.add(lockPath);
  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      fs.utimesSync(lockPath, now, now);
    } catch {
      // removed by hand: nothing to refresh
    }
  }, HEARTBEAT_MS).unref();
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    heldHere.delete(lockPath);
    process.removeListener('exit', release);
    try {
      const current = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockHolder;
      if (current.pid === process.pid) fs.unlinkSync(lockPath);
    } catch {
      // already gone
    }
  };
  process.once('exit', release);
  return release;
}
