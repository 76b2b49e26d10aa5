// The directory store on a real file system: written whole or not at all, undone on rollback,
// removed after commit, leftovers of a stopped process cleaned.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Executor, Tx } from './attachments.tables.ts';
import { DirectoryStore, storesFor } from './storage.ts';

const trx = undefined as unknown as Tx;
const db = undefined as unknown as Executor;
const ID = '0191d7b4-0000-7000-8000-0000000000ab';
let root: string;
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

describe('the directory store', () => {
  it('writes under the id through a temporary name, reads it back, undoes and removes', async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-store-'));
    const store = new DirectoryStore(root);
    const bytes = Buffer.from([0, 1, 2, 255, 254]);
    const { undo } = await store.write(trx, ID, bytes);
    expect(fs.readdirSync(path.join(root, 'ab'))).toEqual([ID]);
    expect((await store.read(db, ID))?.equals(bytes)).toBe(true);
    await undo();
    expect(await store.read(db, ID)).toBeUndefined();
    await store.write(trx, ID, bytes);
    const { afterCommit } = await store.remove(trx, ID);
    // Still there until the deletion has committed.
    expect(await store.read(db, ID)).toBeDefined();
    await afterCommit();
    expect(await store.read(db, ID)).toBeUndefined();
  });

  it('refuses an id that is not a uuid (never a path)', async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-store-'));
    await expect(new DirectoryStore(root).write(trx, '../../etc/passwd', Buffer.from('x'))).rejects.toThrow(
      'not a uuid',
    );
  });

  it('removes .part files a stopped process left, older than an hour only', async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-store-'));
    fs.mkdirSync(path.join(root, 'ab'));
    const old = path.join(root, 'ab', `${ID}.1a2b.part`);
    const fresh = path.join(root, 'ab', `${ID}.3c4d.part`);
    fs.writeFileSync(old, 'half');
    fs.writeFileSync(fresh, 'writing');
    const now = Date.now();
    fs.utimesSync(old, new Date(now - 2 * 3600_000), new Date(now - 2 * 3600_000));
    expect(await new DirectoryStore(root).removeStaleParts(now)).toBe(1);
    expect(fs.readdirSync(path.join(root, 'ab'))).toEqual([`${ID}.3c4d.part`]);
  });

  it('is chosen by configuration; the database otherwise', () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'onepoint-store-'));
    expect(storesFor(undefined).current.kind).toBe('database');
    expect(() => storesFor(undefined).byKind('directory')).toThrow('ONEPOINT_ATTACHMENTS_DIR');
    expect(storesFor(root).current.kind).toBe('directory');
    expect(storesFor(root).byKind('database').kind).toBe('database');
  });
});
