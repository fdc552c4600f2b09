import type { SecretBox } from '../../platform/secrets.js';

/**
 * The one place WeChat credentials are sealed for storage and opened for use: the AppSecret (or
 * kf Secret), the callback Token and the EncodingAESKey are encrypted together with the
 * server's SecretBox (AES-256-GCM, `SECRETS_KEY`), so a copy of the database alone reveals
 * none of them. The API never returns them.
 */
export interface WechatSecrets {
  appSecret: string;
  token: string;
  encodingAESKey: string;
}

/** Stored form: `{ sealed: "v1:…" }` — one ciphertext of the JSON of all three. */
export type SealedSecrets = Record<string, string>;

export function sealSecrets(box: SecretBox, secrets: WechatSecrets): SealedSecrets {
  const { appSecret, token, encodingAESKey } = secrets;
  return { sealed: box.encrypt(JSON.stringify({ appSecret, token, encodingAESKey })) };
}

/** True for rows written before secrets were encrypted (they are sealed at start-up). */
export function isPlaintext(stored: SealedSecrets): boolean {
  return typeof stored.sealed !== 'string';
}

/**
 * The stored secrets, opened. Sealed under another key (SECRETS_KEY changed) they open as empty:
 * callbacks then fail their signature check (401) instead of the server failing (500), and the
 * admin enters them again in the inbox's settings.
 */
export function openSecrets(box: SecretBox, stored: SealedSecrets): WechatSecrets {
  let plain: Partial<WechatSecrets> = {};
  if (isPlaintext(stored)) plain = stored;
  else {
    try {
      plain = JSON.parse(box.decrypt(stored.sealed!)) as Partial<WechatSecrets>;
    } catch {
      plain = {};
    }
  }
  return { appSecret: plain.appSecret ?? '', token: plain.token ?? '', encodingAESKey: plain.encodingAESKey ?? '' };
}
