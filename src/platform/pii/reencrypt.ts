/**
 * Re-encryption of stored secrets under the vault's current key, for the modules' key rotation
 * hooks: the module reads its rows and writes them back; this decides which need it, decrypts and
 * encrypts, and counts. A write is a compare-and-set on the value read, so a secret saved anew
 * meanwhile is left as saved (and, already under the current key, is not needed again).
 */
import { PiiVault } from './vault.ts';

export interface StoredSecret {
  /** The row's key, as the module's write needs it. */
  id: string;
  /** The vault's ciphertext, or with `clear` the secret itself (kept in clear so far). */
  stored: string;
  /** The associated data the ciphertext is bound to. */
  context: string;
  /** Which secret it is, for people (when it cannot be decrypted). */
  name: string;
  clear?: boolean;
}

export interface SecretWrite {
  id: string;
  /** The value read: the write happens only while it is still stored. */
  stored: string;
  /** The ciphertext under the current key. */
  next: string;
}

/** Whether a secret is to be (re-)encrypted: kept in clear, or under another key than the current one. */
export const needsRotation = (s: Pick<StoredSecret, 'stored' | 'clear'>, vault: PiiVault): boolean =>
  Boolean(s.clear) || PiiVault.keyIdOf(s.stored) !== vault.currentKeyId;

/**
 * Encrypts under the current key each secret that needs it, `batchSize` at a time through `write`
 * (one transaction per batch; it returns how many rows it changed). Secrets no configured key
 * decrypts are left as they are and named in `unreadable`.
 */
export async function reencryptSecrets(
  secrets: readonly StoredSecret[],
  vault: PiiVault,
  write: (batch: SecretWrite[]) => Promise<number>,
  opts: { batchSize: number; onProgress: (done: number, total: number) => void },
): Promise<{ rotated: number; unreadable: string[] }> {
  const todo = secrets.filter((s) => needsRotation(s, vault));
  const unreadable: string[] = [];
  let rotated = 0;
  opts.onProgress(0, todo.length);
  for (let i = 0; i < todo.length; i += opts.batchSize) {
    const batch: SecretWrite[] = [];
    for (const s of todo.slice(i, i + opts.batchSize)) {
      let plain: string;
      try {
        plain = s.clear ? s.stored : vault.decrypt(s.stored, s.context);
      } catch {
        unreadable.push(`${s.name} (key "${PiiVault.keyIdOf(s.stored)}")`);
        continue;
      }
      batch.push({ id: s.id, stored: s.stored, next: vault.encrypt(plain, s.context) });
    }
    if (batch.length) rotated += await write(batch);
    opts.onProgress(Math.min(i + opts.batchSize, todo.length), todo.length);
  }
  return { rotated, unreadable };
}
