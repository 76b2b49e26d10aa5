import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: { pid: number; host: string; command: string; since: string },
  ) {
    super(
      `The data directory ${dataDir} is in use by another onepoint process ` +
        `(pid ${holder.pid} on ${holder.host}, "${holder.command}", since ${holder.since}). ` +
        `Stop that process first, or run this command through the running server's API. ` +
        `Two processes on one embedded database would corrupt it.`,
    );
    this.name = 'DataDirLockedError';
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

/**
 * An exclusive lock on an embedded data directory, held for the life of the process.
 * PGlite's own lock file does not stop a second opener, so we take ours first.
 * A lock left by a dead process on this host is taken over.
 */
export function lockDataDir(dataDir: string, command: string): () => void {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'onepoint.lock');
  const me = { pid: process.pid, host: os.hostname(), command, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(lockPath, JSON.stringify(me), { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.removeListener('exit', release);
        try {
          const current = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as { pid: number };
          if (current.pid === process.pid) fs.unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: typeof me;
      try {
        holder = JSON.parse(fs.readFileSync(lockPath, 'utf8')) as typeof me;
      } catch {
        // Half-written by a process that died mid-write: treat as stale.
        fs.rmSync(lockPath, { force: true });
        continue;
      }
      if (holder.host === me.host && !isAlive(holder.pid)) {
        fs.rmSync(lockPath, { force: true });
        continue;
      }
      throw new DataDirLockedError(dataDir, holder);
    }
  }
  throw new Error(`Could not lock ${dataDir}`);
}
