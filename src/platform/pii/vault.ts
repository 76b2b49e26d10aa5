import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export interface VaultKey {
  id: string;
  secret: Buffer;
}

interface DerivedKey {
  id: string;
  enc: Buffer;
  mac: Buffer;
}

const derive = (secret: Buffer, info: string) => Buffer.from(hkdfSync('sha256', secret, '', info, 32));

/**
 * Encryption at rest for personal identifiers (AES-256-GCM, authenticated) and a keyed hash (HMAC-
 * SHA-256) to find them without decrypting. Each configured key yields both; the first key is the
 * current one. A ciphertext names its key (`keyId.iv.ciphertext+tag`, base64url) and is bound to
 * its row and purpose (associated data), so it cannot be copied onto another record.
 */
export class PiiVault {
  private readonly keys: DerivedKey[];
  private readonly byId: Map<string, DerivedKey>;

  constructor(keys: readonly VaultKey[]) {
    if (keys.length === 0) throw new Error('PiiVault needs at least one key');
    this.keys = keys.map((k) => ({
      id: k.id,
      enc: derive(k.secret, 'onepoint/pii/aes-256-gcm/v1'),
      mac: derive(k.secret, 'onepoint/pii/hmac-sha256/v1'),
    }));
    this.byId = new Map(this.keys.map((k) => [k.id, k]));
  }

  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  get keyIds(): string[] {
    return this.keys.map((k) => k.id);
  }

  encrypt(plain: string, context: string): string {
    const key = this.keys[0]!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key.enc, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `${key.id}.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  /** The key id a stored ciphertext was made with. */
  static keyIdOf(stored: string): string {
    return stored.slice(0, stored.indexOf('.'));
  }

  decrypt(stored: string, context: string): string {
    const [keyId, ivText, bodyText] = stored.split('.');
    const key = keyId ? this.byId.get(keyId) : undefined;
    if (!key || !ivText || !bodyText)
      throw new Error(`cannot decrypt: key "${keyId ?? ''}" is not configured (ONEPOINT_PII_KEYS)`);
    const body = Buffer.from(bodyText, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', key.enc, Buffer.from(ivText, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - 16));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString(
      'utf8',
    );
  }

  /** Keyed hash of a normalised value under one key (the current key by default). */
  blindIndex(value: string, keyId: string = this.currentKeyId): string {
    const key = this.byId.get(keyId);
    if (!key) throw new Error(`unknown PII key "${keyId}"`);
    return createHmac('sha256', key.mac).update(value, 'utf8').digest('base64url');
  }

  /** The hash under every configured key: rows not yet rotated are still found. */
  blindIndexes(value: string): string[] {
    return this.keys.map((k) => this.blindIndex(value, k.id));
  }
}
