// The anchor file: chain heads written outside the database, one line each, appended only.
import fs from 'node:fs/promises';
import path from 'node:path';
import { formatAnchorLine, parseAnchorLog, type AnchorLog, type ChainAnchor } from './domain/chain.ts';

/** Appends one anchor line (creating the file and its directory on first use). */
export async function appendAnchor(file: string, head: ChainAnchor, at: Date): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const handle = await fs.open(file, 'a', 0o640);
  try {
    await handle.appendFile(formatAnchorLine(head, at));
    // On disk before we go on: an anchor lost in a crash is a window an attacker could use.
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Every anchor in the file; an absent file is an empty log. */
export async function readAnchorFile(file: string): Promise<AnchorLog & { exists: boolean }> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { anchors: [], malformed: [], exists: false };
    throw err;
  }
  return { ...parseAnchorLog(text), exists: true };
}

/** The newest anchor in the file, reading only its end (the file grows for years). */
export async function lastAnchor(file: string): Promise<ChainAnchor | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, 4096);
    const buf = Buffer.alloc(length);
    await handle.read(buf, 0, length, size - length);
    const lines = buf.toString('utf8').split('\n');
    // The first line may be cut by the window; the last may be cut by a crash: both are skipped.
    const { anchors } = parseAnchorLog(lines.slice(size > length ? 1 : 0).join('\n'));
    const last = anchors.at(-1);
    return last && { chainSeq: last.chainSeq, mac: last.mac };
  } finally {
    await handle.close();
  }
}
