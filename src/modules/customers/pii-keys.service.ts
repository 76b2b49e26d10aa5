/** The PII vault per configuration, and re-encryption under a new key. */
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { KeyRotation, RotatedSecrets } from '../../platform/module.ts';
import type { Db } from './customers.tables.ts';
import { appendAudit } from '../audit/index.ts';
import { idNumberContext, protectIdNumber } from './customers.bulk.ts';
import { PiiVault } from '../../platform/pii/vault.ts';
import { mediaToRotate, rotateMediaBatch } from './tmf/tmf629.store.ts';

const vaults = new WeakMap<Config, PiiVault>();
/** One vault per configuration (keys are derived once). */
export function vaultFor(config: Config): PiiVault {
  let v = vaults.get(config);
  if (!v) vaults.set(config, (v = new PiiVault(config.piiKeys)));
  return v;
}
// ---- Key rotation ----

/**
 * Re-encrypts every ID number and TMF629 contact medium not under the current key (and
 * re-computes its keyed hash), in batches, each batch its own transaction: safe to interrupt and
 * run again.
 */
export async function rotatePiiKeys(
  db: Db,
  vault: PiiVault,
  onProgress: (done: number, total: number) => void = () => {},
  batchSize = 1000,
): Promise<{ rotated: number; total: number; keyId: string }> {
  const current = vault.currentKeyId;
  const pending = () =>
    db.selectFrom('customers').where('pii_key_id', 'is not', null).where('pii_key_id', '<>', current);
  const { n } = await pending()
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  const total = Number(n) + (await mediaToRotate(db, vault));
  let done = 0;
  onProgress(0, total);
  for (;;) {
    const rows = await pending().select(['id', 'id_number_enc']).orderBy('id').limit(batchSize).execute();
    if (rows.length === 0) break;
    const updates = rows.map((r) => {
      const plain = vault.decrypt(r.id_number_enc!, idNumberContext(r.id));
      return { id: r.id, ...protectIdNumber(vault, r.id, plain) };
    });
    await db.transaction().execute(async (trx) => {
      await sql`
        update customers c set id_number_enc = u.id_number_enc, id_number_hash = u.id_number_hash,
          pii_key_id = u.pii_key_id
        from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb)
          as u(id uuid, id_number_enc text, id_number_hash text, pii_key_id text)
        where c.id = u.id`.execute(trx);
    });
    done += rows.length;
    onProgress(done, total);
  }
  for (;;) {
    const rotated = await db.transaction().execute((trx) => rotateMediaBatch(trx, vault, batchSize));
    if (rotated === 0) break;
    done += rotated;
    onProgress(done, total);
  }
  await db.transaction().execute(async (trx) => {
    await appendAudit(
      trx,
      { actorId: null, actorLogin: 'system', actorKind: 'system', ip: null, requestId: null },
      {
        action: 'customer.pii_keys_rotated',
        entityType: 'system',
        details: { keyId: current, rows: done },
      },
    );
  });
  return { rotated: done, total, keyId: current };
}

/** The module's `rotateKeys` hook (`onepoint rotate-keys`). */
export async function rotateCustomerKeys(db: Db, rotation: KeyRotation): Promise<RotatedSecrets[]> {
  const what = 'ID numbers and contact media';
  const r = await rotatePiiKeys(
    db,
    rotation.vault,
    (done, total) => rotation.onProgress(what, done, total),
    rotation.batchSize,
  );
  return [{ what, rotated: r.rotated, unreadable: [] }];
}
