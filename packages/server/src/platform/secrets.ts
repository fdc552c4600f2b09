import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** 256 bits of randomness, URL-safe; `prefix` marks the token kind (e.g. `hl_` for API tokens). */
export function newToken(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/**
 * Tokens are stored as SHA-256 digests: they are long random values, so a fast hash is enough
 * (unlike passwords), and a database leak does not reveal usable tokens.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Encrypts secrets stored in the database (mail passwords, provider keys) with AES-256-GCM.
 * Stored form: `v1:<iv>:<tag>:<ciphertext>`, base64url parts. A wrong key or tampered value
 * fails to decrypt instead of yielding garbage.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error('the secrets key must be 32 bytes');
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join(':');
  }

  decrypt(stored: string): string {
    const [version, iv, tag, data] = stored.split(':');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('not an encrypted secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  /**
   * HMAC-SHA256 of `value` under a key derived (HKDF) from this box's key for `purpose`, so a
   * value signed for one use is no good for another and the encryption key itself signs nothing.
   */
  mac(purpose: string, value: string): Buffer {
    const key = Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `huiliu:${purpose}`, 32));
    return createHmac('sha256', key).update(value).digest();
  }
}

/** `SECRETS_KEY` as 64 hex digits or base64 of 32 bytes. */
export function parseSecretsKey(value: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  const decoded = Buffer.from(value, 'base64');
  return decoded.length === 32 ? decoded : undefined;
}

/**
 * The key from `SECRETS_KEY`; without it (development, `npm start`) a key generated once and
 * kept in `<dataDir>/secrets.key` (mode 0600), with a warning: production should pass the key
 * from its secret store, so a copy of the data directory alone cannot decrypt.
 */
export function loadSecretBox(secretsKey: string | undefined, dataDir: string, warn: (message: string) => void): SecretBox {
  if (secretsKey) {
    const key = parseSecretsKey(secretsKey);
    if (!key) throw new Error('SECRETS_KEY must be 64 hex digits or base64 of 32 bytes');
    return new SecretBox(key);
  }
  const file = path.join(dataDir, 'secrets.key');
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(32).toString('hex'), { flag: 'wx', mode: 0o600 });
    warn(`SECRETS_KEY is not set: generated a key in ${file}; set SECRETS_KEY in production`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    warn(`SECRETS_KEY is not set: using the key in ${file}; set SECRETS_KEY in production`);
  }
  const key = parseSecretsKey(readFileSync(file, 'utf8').trim());
  if (!key) throw new Error(`${file} does not hold a valid key`);
  return new SecretBox(key);
}
