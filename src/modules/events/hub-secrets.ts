/**
 * The signing secrets of hub listeners (`event_hubs.secret`): TMF listeners' (POST /hub) and
 * webhooks' alike are stored encrypted with the platform vault, marked `enc:` and bound to the
 * row. A secret without the mark was stored in clear before that (TMF listeners registered
 * earlier): it is read as it is, and `onepoint rotate-keys` encrypts it.
 */
import type { KeyRotation, RotatedSecrets } from '../../platform/module.ts';
import { reencryptSecrets } from '../../platform/pii/reencrypt.ts';
import type { PiiVault } from '../../platform/pii/vault.ts';
import { appendAudit, systemActor } from '../audit/index.ts';
import type { Db } from './events.tables.ts';

const ENCRYPTED = 'enc:';

type Kind = 'hub' | 'webhook';

// Webhooks' context as it has always been; TMF listeners' their own.
const secretContext = (kind: Kind, id: string) =>
  kind === 'webhook' ? `webhook:${id}:secret` : `event-hub:${id}:secret`;

/** A new listener's secret as stored. */
export const sealSecret = (vault: PiiVault, kind: Kind, id: string, secret: string): string =>
  ENCRYPTED + vault.encrypt(secret, secretContext(kind, id));

/** The signing key of a stored secret (encrypted, or in clear from before). */
export function secretReader(vault: PiiVault) {
  return (stored: string, hubId: string, kind: Kind) =>
    stored.startsWith(ENCRYPTED)
      ? vault.decrypt(stored.slice(ENCRYPTED.length), secretContext(kind, hubId))
      : stored;
}

const WHAT = 'webhook and TMF listener secrets';

/**
 * The events module's part of `onepoint rotate-keys`: every listener's secret re-encrypted under
 * the current key, and those still in clear encrypted. A removed listener's encrypted secret is
 * never read again and is left alone.
 */
export async function rotateEventSecrets(db: Db, rotation: KeyRotation): Promise<RotatedSecrets[]> {
  const rows = await db
    .selectFrom('event_hubs')
    .select(['id', 'api', 'kind', 'secret'])
    .where((eb) => eb.or([eb('deleted_at', 'is', null), eb('secret', 'not like', `${ENCRYPTED}%`)]))
    .orderBy('id')
    .execute();
  // The row as read (with its mark): a write happens only while it is still stored so.
  const asRead = new Map(rows.map((h) => [h.id, h.secret]));
  const r = await reencryptSecrets(
    rows.map((h) => {
      const clear = !h.secret.startsWith(ENCRYPTED);
      return {
        id: h.id,
        stored: clear ? h.secret : h.secret.slice(ENCRYPTED.length),
        clear,
        context: secretContext(h.kind, h.id),
        name:
          h.kind === 'webhook' ? `the secret of webhook ${h.id}` : `the secret of ${h.api} listener ${h.id}`,
      };
    }),
    rotation.vault,
    (batch) =>
      db.transaction().execute(async (trx) => {
        let n = 0;
        for (const b of batch) {
          const u = await trx
            .updateTable('event_hubs')
            .set({ secret: ENCRYPTED + b.next })
            .where('id', '=', b.id)
            .where('secret', '=', asRead.get(b.id)!)
            .executeTakeFirst();
          n += Number(u.numUpdatedRows);
        }
        return n;
      }),
    { batchSize: rotation.batchSize, onProgress: (done, total) => rotation.onProgress(WHAT, done, total) },
  );
  await db.transaction().execute((trx) =>
    appendAudit(trx, systemActor(), {
      action: 'event_hub.keys_rotated',
      entityType: 'system',
      details: { keyId: rotation.vault.currentKeyId, secrets: r.rotated, unreadable: r.unreadable.length },
    }),
  );
  return [{ what: WHAT, ...r }];
}
