import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  WechatCryptoError,
  aesKeyOf,
  assertSignature,
  decryptMessage,
  encryptMessage,
  msgSignature,
  signatureMatches,
  urlSignature,
} from '../../src/channels/wechat/crypto.js';

// Public test vectors published with WeChat's own sample code (see issue 8).
const KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const COMPAT_ENCRYPT =
  'hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=';
const PAD30_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';
const PAD30_ENCRYPT =
  'RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof WechatCryptoError) return error.code;
    throw error;
  }
  return undefined;
}

describe('WeChat signatures', () => {
  it('reproduces the URL-check vector and rejects a one-character change', () => {
    expect(urlSignature('test', '1410685589', 'test')).toBe('f21891de399b4e33a1a93c9a7b8a8fffb5a443ff');
    expect(signatureMatches(urlSignature('test', '1410685589', 'test'), 'f21891de399b4e33a1a93c9a7b8a8fffb5a443ff')).toBe(true);
    expect(signatureMatches(urlSignature('test', '1410685589', 'test'), 'f21891de399b4e33a1a93c9a7b8a8fffb5a443fe')).toBe(false);
    expect(signatureMatches(urlSignature('test', '1410685589', 'test'), 'f21891de')).toBe(false);
    expect(signatureMatches(urlSignature('test', '1410685589', 'test'), undefined)).toBe(false);
    expect(codeOf(() => assertSignature('f21891de399b4e33a1a93c9a7b8a8fffb5a443fe', 'test', '1410685589', 'test'))).toBe('bad_signature');
  });

  it('reproduces the msg_signature vectors', () => {
    expect(msgSignature('spamtest', '1409735669', '1320562132', COMPAT_ENCRYPT)).toBe('5d197aaffba7e9b25a30732f161a50dee96bd5fa');
    expect(msgSignature('QDG6eK', '1409659813', '1372623149', PAD30_ENCRYPT)).toBe('477715d11cdb4164915debcba66cb864d751f3e6');
  });
});

describe('WeChat message encryption', () => {
  it('reproduces the encryption vector', () => {
    expect(encryptMessage(KEY, 'wxb11529c136998cb6', '我是中文abcd123', Buffer.from('aaaabbbbccccdddd'))).toBe(
      'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==',
    );
  });

  it('decrypts the compatible-mode sample, newlines kept', () => {
    const xml = decryptMessage(KEY, 'wx2c2769f8efd9abc2', COMPAT_ENCRYPT);
    expect(xml).toContain('<ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n');
    expect(xml).toContain('<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>');
    expect(xml).toContain('<Content><![CDATA[abcdteT]]></Content>');
    expect(xml).toContain('<MsgId>6054768590064713728</MsgId>');
  });

  it('decrypts the sample padded with 30 bytes', () => {
    const xml = decryptMessage(PAD30_KEY, 'wx5823bf96d3bd56c7', PAD30_ENCRYPT);
    expect(xml).toContain('<Content><![CDATA[hello]]></Content>');
    expect(xml).toContain('<MsgId>4561255354251345929</MsgId>');
    expect(xml).toContain('<AgentID>218</AgentID>');
  });

  it('round-trips random keys and messages of every length modulo 32', () => {
    for (let length = 0; length < 96; length++) {
      const key = randomBytes(32).toString('base64').slice(0, 43);
      const receiver = `wx${randomBytes(8).toString('hex')}`;
      const message = randomBytes(length).toString('base64').slice(0, length);
      const encrypted = encryptMessage(key, receiver, message);
      expect(Buffer.from(encrypted, 'base64').length % 32).toBe(0);
      expect(decryptMessage(key, receiver, encrypted)).toBe(message);
    }
    // Multi-byte text: the length prefix counts bytes, not characters.
    const key = aesKeyOf(KEY) && KEY;
    for (let length = 0; length < 40; length++) {
      const message = '汇'.repeat(length) + 'x'.repeat(length % 3);
      expect(decryptMessage(key, 'wx1', encryptMessage(key, 'wx1', message))).toBe(message);
    }
  });

  it('refuses tampered input with typed errors', () => {
    const encrypted = encryptMessage(KEY, 'wxright', '<xml><Content>hi</Content></xml>');
    expect(codeOf(() => decryptMessage(KEY, 'wxwrong', encrypted))).toBe('wrong_receiver');
    expect(codeOf(() => decryptMessage(KEY, 'wx2c2769f8efd9abc3', COMPAT_ENCRYPT))).toBe('wrong_receiver');
    const bytes = Buffer.from(encrypted, 'base64');
    expect(codeOf(() => decryptMessage(KEY, 'wxright', bytes.subarray(0, bytes.length - 16).toString('base64')))).toBe('bad_ciphertext');
    expect(codeOf(() => decryptMessage(KEY, 'wxright', bytes.subarray(0, bytes.length - 1).toString('base64')))).toBe('bad_ciphertext');
    expect(codeOf(() => decryptMessage(KEY, 'wxright', ''))).toBe('bad_ciphertext');
    expect(codeOf(() => decryptMessage(KEY, 'wxright', 'not base64!'))).toBe('bad_ciphertext');
    // Dropping the last 32-byte block leaves a plaintext whose final byte is not valid padding.
    const cut = bytes.subarray(0, bytes.length - 32);
    expect(['bad_padding', 'bad_length', 'bad_ciphertext']).toContain(codeOf(() => decryptMessage(KEY, 'wxright', cut.toString('base64'))));
    // Another key decrypts to noise: its padding is wrong (or, rarely, the rest is).
    const otherKey = 'B'.repeat(43);
    expect(codeOf(() => decryptMessage(otherKey, 'wxright', encrypted))).toMatch(/bad_padding|bad_length|wrong_receiver/);
    expect(codeOf(() => decryptMessage('short', 'wxright', encrypted))).toBe('bad_aes_key');
  });

  it('refuses bad padding bytes explicitly', async () => {
    const { createCipheriv } = await import('node:crypto');
    const key = aesKeyOf(KEY);
    const encryptRaw = (plain: Buffer) => {
      const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
      cipher.setAutoPadding(false);
      return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
    };
    const body = Buffer.concat([Buffer.alloc(16, 1), Buffer.from([0, 0, 0, 2]), Buffer.from('hi'), Buffer.from('wxa')]);
    const padCount = 32 - (body.length % 32);
    expect(decryptMessage(KEY, 'wxa', encryptRaw(Buffer.concat([body, Buffer.alloc(padCount, padCount)])))).toBe('hi');
    // Last byte claims more padding than a block.
    expect(
      codeOf(() => decryptMessage(KEY, 'wxa', encryptRaw(Buffer.concat([body, Buffer.alloc(padCount - 1, padCount), Buffer.from([33])])))),
    ).toBe('bad_padding');
    // Zero padding byte.
    expect(codeOf(() => decryptMessage(KEY, 'wxa', encryptRaw(Buffer.concat([body, Buffer.alloc(padCount, 0)]))))).toBe('bad_padding');
    // Inconsistent padding bytes.
    const mixed = Buffer.alloc(padCount, padCount);
    mixed[0] = padCount - 1;
    expect(codeOf(() => decryptMessage(KEY, 'wxa', encryptRaw(Buffer.concat([body, mixed]))))).toBe('bad_padding');
    // A length prefix pointing past the end.
    const lying = Buffer.concat([Buffer.alloc(16, 1), Buffer.from([0, 0, 1, 0]), Buffer.from('hi'), Buffer.from('wxa')]);
    expect(codeOf(() => decryptMessage(KEY, 'wxa', encryptRaw(Buffer.concat([lying, Buffer.alloc(padCount, padCount)]))))).toBe(
      'bad_length',
    );
  });
});
