/**
 * The channels module's part of `onepoint rotate-keys`: the secrets it keeps encrypted with the
 * platform vault — the saved SMTP password and SMS gateway key (settings.ts) and the IMAP sources'
 * passwords (imap-in.ts) — re-encrypted under the current key, so the old key can be removed.
 * Re-encrypting changes no setting: the settings' versions stay (no console form goes stale).
 */
import type { KeyRotation, RotatedSecrets } from '../../platform/module.ts';
import { reencryptSecrets, type SecretWrite } from '../../platform/pii/reencrypt.ts';
import { appendAudit, systemActor } from '../audit/index.ts';
import type { Db } from './channels.tables.ts';
import { passwordContext } from './imap-in.ts';
import { MAIL_PASSWORD_CONTEXT, SMS_KEY_CONTEXT } from './settings.ts';

const GATEWAYS = 'gateway settings secrets (SMTP password, SMS gateway key)';
const IMAP = 'IMAP source passwords';

export async function rotateChannelSecrets(db: Db, rotation: KeyRotation): Promise<RotatedSecrets[]> {
  const { vault, batchSize } = rotation;
  const [mail, sms, imap] = await Promise.all([
    db.selectFrom('channel_mail_settings').select('password_enc').executeTakeFirst(),
    db.selectFrom('channel_sms_settings').select('key_enc').executeTakeFirst(),
    db
      .selectFrom('channel_imap_sources')
      .select(['mailbox', 'password_enc'])
      .where('password_enc', 'is not', null)
      .orderBy('mailbox')
      .execute(),
  ]);
  const gateways = [
    ...(mail?.password_enc
      ? [{ id: 'mail', stored: mail.password_enc, context: MAIL_PASSWORD_CONTEXT, name: 'the SMTP password' }]
      : []),
    ...(sms?.key_enc
      ? [{ id: 'sms', stored: sms.key_enc, context: SMS_KEY_CONTEXT, name: 'the SMS gateway key' }]
      : []),
  ];
  const g = await reencryptSecrets(
    gateways,
    vault,
    (batch) =>
      db.transaction().execute(async (trx) => {
        let n = 0;
        for (const b of batch) {
          const r =
            b.id === 'mail'
              ? await trx
                  .updateTable('channel_mail_settings')
                  .set({ password_enc: b.next })
                  .where('password_enc', '=', b.stored)
                  .executeTakeFirst()
              : await trx
                  .updateTable('channel_sms_settings')
                  .set({ key_enc: b.next })
                  .where('key_enc', '=', b.stored)
                  .executeTakeFirst();
          n += Number(r.numUpdatedRows);
        }
        return n;
      }),
    { batchSize, onProgress: (done, total) => rotation.onProgress(GATEWAYS, done, total) },
  );
  const i = await reencryptSecrets(
    imap.map((s) => ({
      id: s.mailbox,
      stored: s.password_enc!,
      context: passwordContext(s.mailbox),
      name: `the IMAP password of ${s.mailbox}`,
    })),
    vault,
    (batch: SecretWrite[]) =>
      db.transaction().execute(async (trx) => {
        let n = 0;
        for (const b of batch) {
          const r = await trx
            .updateTable('channel_imap_sources')
            .set({ password_enc: b.next })
            .where('mailbox', '=', b.id)
            .where('password_enc', '=', b.stored)
            .executeTakeFirst();
          n += Number(r.numUpdatedRows);
        }
        return n;
      }),
    { batchSize, onProgress: (done, total) => rotation.onProgress(IMAP, done, total) },
  );
  await db.transaction().execute((trx) =>
    appendAudit(trx, systemActor(), {
      action: 'channel_settings.keys_rotated',
      entityType: 'system',
      details: {
        keyId: vault.currentKeyId,
        gatewaySecrets: g.rotated,
        imapPasswords: i.rotated,
        unreadable: g.unreadable.length + i.unreadable.length,
      },
    }),
  );
  return [
    { what: GATEWAYS, ...g },
    { what: IMAP, ...i },
  ];
}
