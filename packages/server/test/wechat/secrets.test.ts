import { describe, expect, it } from 'vitest';
import { isPlaintext, openSecrets, sealSecrets } from '../../src/channels/wechat/secrets.js';
import { SecretBox } from '../../src/platform/secrets.js';

const secrets = { appSecret: 'app-secret-12345', token: 'tokenABC', encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' };

describe('WeChat secrets at rest', () => {
  it('seals all three into one ciphertext that only the same key opens', () => {
    const box = new SecretBox(Buffer.alloc(32, 1));
    const sealed = sealSecrets(box, secrets);
    expect(Object.keys(sealed)).toEqual(['sealed']);
    for (const value of Object.values(secrets)) expect(JSON.stringify(sealed)).not.toContain(value);
    expect(isPlaintext(sealed)).toBe(false);
    expect(openSecrets(box, sealed)).toEqual(secrets);
    // Sealed again: a fresh IV, a different ciphertext.
    expect(sealSecrets(box, secrets).sealed).not.toBe(sealed.sealed);
  });

  it('opens a row from before encryption as it is, and one sealed under another key as empty (never a crash)', () => {
    const box = new SecretBox(Buffer.alloc(32, 1));
    expect(isPlaintext({ ...secrets })).toBe(true);
    expect(openSecrets(box, { ...secrets })).toEqual(secrets);
    const other = sealSecrets(new SecretBox(Buffer.alloc(32, 2)), secrets);
    expect(openSecrets(box, other)).toEqual({ appSecret: '', token: '', encodingAESKey: '' });
  });
});
