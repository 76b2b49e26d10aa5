import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { needsRotation, reencryptSecrets, type SecretWrite } from './reencrypt.ts';
import { PiiVault } from './vault.ts';

const OLD = { id: 'old', secret: randomBytes(32) };
const NEW = { id: 'new', secret: randomBytes(32) };
const GONE = { id: 'gone', secret: randomBytes(32) };

describe('reencryptSecrets', () => {
  const old = new PiiVault([OLD]);
  const rotating = new PiiVault([NEW, OLD]);
  const secrets = [
    { id: 'a', stored: old.encrypt('alpha', 'ctx:a'), context: 'ctx:a', name: 'secret a' },
    { id: 'b', stored: rotating.encrypt('beta', 'ctx:b'), context: 'ctx:b', name: 'secret b' },
    { id: 'c', stored: 'gamma-in-clear', clear: true, context: 'ctx:c', name: 'secret c' },
    { id: 'd', stored: new PiiVault([GONE]).encrypt('delta', 'ctx:d'), context: 'ctx:d', name: 'secret d' },
    { id: 'e', stored: old.encrypt('epsilon', 'ctx:e'), context: 'ctx:e', name: 'secret e' },
  ];

  it('encrypts under the current key what is under another or in clear, in batches, naming what no key decrypts', async () => {
    const batches: SecretWrite[][] = [];
    const progress: Array<[number, number]> = [];
    const r = await reencryptSecrets(
      secrets,
      rotating,
      async (batch) => {
        batches.push(batch);
        return batch.length;
      },
      { batchSize: 2, onProgress: (d, t) => progress.push([d, t]) },
    );
    expect(r).toEqual({ rotated: 3, unreadable: ['secret d (key "gone")'] });
    // b is under the current key already: not touched.
    expect(batches.map((b) => b.map((w) => w.id))).toEqual([['a', 'c'], ['e']]);
    expect(progress).toEqual([
      [0, 4],
      [2, 4],
      [4, 4],
    ]);
    const onlyNew = new PiiVault([NEW]);
    const plain = Object.fromEntries(
      batches.flat().map((w) => [w.id, onlyNew.decrypt(w.next, `ctx:${w.id}`)]),
    );
    expect(plain).toEqual({ a: 'alpha', c: 'gamma-in-clear', e: 'epsilon' });
    // Each write carries the value read, for the module's compare-and-set.
    expect(batches[0]![0]!.stored).toBe(secrets[0]!.stored);
  });

  it('counts only what the writes changed (a secret saved anew meanwhile is left as saved)', async () => {
    const r = await reencryptSecrets(secrets, rotating, async () => 0, {
      batchSize: 10,
      onProgress: () => {},
    });
    expect(r.rotated).toBe(0);
  });

  it('needs nothing of secrets under the current key', () => {
    expect(needsRotation(secrets[1]!, rotating)).toBe(false);
    expect(needsRotation(secrets[0]!, rotating)).toBe(true);
    expect(needsRotation(secrets[2]!, rotating)).toBe(true);
  });
});
