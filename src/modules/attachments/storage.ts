/**
 * Where attachments' bytes live, behind one interface: in the database (bytea; the default, and
 * what the embedded trial uses) or in a directory (ONEPOINT_ATTACHMENTS_DIR). Each row records
 * which, so changing the setting moves only new uploads; old ones are still read from where they
 * are. A file is written under a temporary name, flushed and renamed: a stop mid-write leaves no
 * half-written attachment, only a `.part` file that the next start removes.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Executor, StorageKind, Tx } from './attachments.tables.ts';

export interface AttachmentStore {
  readonly kind: StorageKind;
  /** Keeps the bytes; `undo` removes them if the transaction then rolls back. */
  write(trx: Tx, id: string, bytes: Buffer): Promise<{ undo(): Promise<void> }>;
  /** The bytes, or undefined when they are gone. */
  read(db: Executor, id: string): Promise<Buffer | undefined>;
  /** Removes the bytes: in the transaction, or (a file) once it has committed. */
  remove(trx: Tx, id: string): Promise<{ afterCommit(): Promise<void> }>;
}

const nothing = async () => {};

export const databaseStore: AttachmentStore = {
  kind: 'database',
  async write(trx, id, bytes) {
    await trx.insertInto('attachment_contents').values({ attachment_id: id, bytes }).execute();
    // Rolled back with the transaction.
    return { undo: nothing };
  },
  async read(db, id) {
    const row = await db
      .selectFrom('attachment_contents')
      .select('bytes')
      .where('attachment_id', '=', id)
      .executeTakeFirst();
    return row ? Buffer.from(row.bytes.buffer, row.bytes.byteOffset, row.bytes.byteLength) : undefined;
  },
  async remove(trx, id) {
    await trx.deleteFrom('attachment_contents').where('attachment_id', '=', id).execute();
    return { afterCommit: nothing };
  },
};

const PART = '.part';
/** A `.part` file older than this is a leftover of a stopped process, not a write in progress. */
const STALE_PART_MS = 3_600_000;

export class DirectoryStore implements AttachmentStore {
  readonly kind = 'directory' as const;
  constructor(readonly root: string) {}

  /** `<root>/<last two hex digits>/<id>`: ids are uuids (checked by the routes), never a path. */
  private fileOf(id: string): string {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error('attachment id is not a uuid');
    return path.join(this.root, id.slice(-2), id);
  }

  async write(_trx: Tx, id: string, bytes: Buffer) {
    const file = this.fileOf(id);
    await fs.mkdir(path.dirname(file), { recursive: true });
    const temp = `${file}.${randomBytes(6).toString('hex')}${PART}`;
    const handle = await fs.open(temp, 'wx', 0o640);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(temp, file);
    } catch (err) {
      await fs.rm(temp, { force: true });
      throw err;
    }
    // The rename itself survives a power cut only once the directory is flushed too.
    const dirHandle = await fs.open(path.dirname(file), 'r');
    try {
      await dirHandle.sync();
    } finally {
      await dirHandle.close();
    }
    return { undo: () => fs.rm(file, { force: true }) };
  }

  async read(_db: Executor, id: string) {
    try {
      return await fs.readFile(this.fileOf(id));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async remove(_trx: Tx, id: string) {
    // Removed only once the deletion is committed: a rollback must not lose the file.
    return { afterCommit: () => fs.rm(this.fileOf(id), { force: true }) };
  }

  /** Removes `.part` files left by a process that stopped while writing (older than an hour). */
  async removeStaleParts(now: number, logger?: Logger): Promise<number> {
    let removed = 0;
    const dirs = await fs.readdir(this.root, { withFileTypes: true }).catch(() => []);
    for (const d of dirs) {
      if (!d.isDirectory()) continue;
      const sub = path.join(this.root, d.name);
      for (const name of await fs.readdir(sub)) {
        if (!name.endsWith(PART)) continue;
        const file = path.join(sub, name);
        const stat = await fs.stat(file).catch(() => undefined);
        if (stat && now - stat.mtimeMs > STALE_PART_MS) {
          await fs.rm(file, { force: true });
          removed++;
        }
      }
    }
    if (removed > 0) logger?.info({ removed }, 'removed half-written attachment files');
    return removed;
  }
}

/** The stores by kind, and the one new uploads go to. */
export interface Stores {
  current: AttachmentStore;
  byKind(kind: StorageKind): AttachmentStore;
}

export function storesFor(dir: string | undefined): Stores {
  const directory = dir ? new DirectoryStore(dir) : undefined;
  return {
    current: directory ?? databaseStore,
    byKind(kind) {
      if (kind === 'database') return databaseStore;
      if (!directory)
        throw new AppError(
          'SERVICE_UNAVAILABLE',
          'This attachment is kept in a directory, and ONEPOINT_ATTACHMENTS_DIR is not set on this server',
        );
      return directory;
    },
  };
}
