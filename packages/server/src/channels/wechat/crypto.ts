import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The WeChat callback protocol's signatures and message encryption, shared by the Official
 * Account (公众号) and WeCom (企业微信) connectors. Written from the public protocol description:
 *
 * - signature: SHA-1 (hex) of the given strings sorted and concatenated — `token, timestamp,
 *   nonce` for the plain-mode URL check, plus the `Encrypt` value for `msg_signature`;
 * - encryption: AES-256-CBC, key = base64-decoded EncodingAESKey + "=", IV = the key's first 16
 *   bytes; plaintext = 16 random bytes ‖ 4-byte big-endian XML length ‖ XML ‖ receiver id
 *   (AppID or CorpID), padded PKCS#7-style to a multiple of 32 bytes (not AES's 16).
 */

export type WechatCryptoErrorCode = 'bad_signature' | 'bad_aes_key' | 'bad_ciphertext' | 'bad_padding' | 'bad_length' | 'wrong_receiver';

export class WechatCryptoError extends Error {
  constructor(
    readonly code: WechatCryptoErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'WechatCryptoError';
  }
}

const PAD_BLOCK = 32;

/** SHA-1 hex of the strings sorted (by code unit, as WeChat sorts its ASCII values) and joined. */
export function sha1Signature(...parts: string[]): string {
  return createHash('sha1')
    .update([...parts].sort().join(''))
    .digest('hex');
}

/** The plain-mode signature of a callback: token, timestamp and nonce. */
export function urlSignature(token: string, timestamp: string, nonce: string): string {
  return sha1Signature(token, timestamp, nonce);
}

/** The signature of an encrypted callback or reply: token, timestamp, nonce and the Encrypt value. */
export function msgSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return sha1Signature(token, timestamp, nonce, encrypt);
}

/** Compares a received signature with the expected one in constant time (case-insensitive hex). */
export function signatureMatches(expected: string, received: string | undefined | null): boolean {
  if (typeof received !== 'string') return false;
  const left = Buffer.from(expected.toLowerCase());
  const right = Buffer.from(received.toLowerCase());
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Throws unless `received` is the signature of `parts`. */
export function assertSignature(received: string | undefined | null, ...parts: string[]): void {
  if (!signatureMatches(sha1Signature(...parts), received)) throw new WechatCryptoError('bad_signature', 'signature does not match');
}

/** The 32-byte AES key an EncodingAESKey (43 base64 characters) stands for. */
export function aesKeyOf(encodingAESKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAESKey)) {
    throw new WechatCryptoError('bad_aes_key', 'EncodingAESKey must be 43 characters of base64');
  }
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  if (key.length !== 32) throw new WechatCryptoError('bad_aes_key', 'EncodingAESKey does not decode to 32 bytes');
  return key;
}

function pad(data: Buffer): Buffer {
  const count = PAD_BLOCK - (data.length % PAD_BLOCK);
  return Buffer.concat([data, Buffer.alloc(count, count)]);
}

function unpad(data: Buffer): Buffer {
  const count = data[data.length - 1]!;
  if (count < 1 || count > PAD_BLOCK || count > data.length) throw new WechatCryptoError('bad_padding', 'bad padding');
  for (let index = data.length - count; index < data.length; index++) {
    if (data[index] !== count) throw new WechatCryptoError('bad_padding', 'bad padding');
  }
  return data.subarray(0, data.length - count);
}

/**
 * Encrypts `xml` for `receiverId` (AppID or CorpID) and returns the base64 `Encrypt` value.
 * `random` (16 bytes) is fresh unless given — tests pass one to reproduce known vectors.
 */
export function encryptMessage(encodingAESKey: string, receiverId: string, xml: string, random: Buffer = randomBytes(16)): string {
  if (random.length !== 16) throw new RangeError('random prefix must be 16 bytes');
  const key = aesKeyOf(encodingAESKey);
  const body = Buffer.from(xml, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = pad(Buffer.concat([random, length, body, Buffer.from(receiverId, 'utf8')]));
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

/** Decrypts an `Encrypt` value, checks padding, length and that it was meant for `receiverId`; returns the XML. */
export function decryptMessage(encodingAESKey: string, receiverId: string, encrypted: string): string {
  const key = aesKeyOf(encodingAESKey);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypted)) throw new WechatCryptoError('bad_ciphertext', 'Encrypt is not base64');
  const data = Buffer.from(encrypted, 'base64');
  if (data.length === 0 || data.length % PAD_BLOCK !== 0) {
    throw new WechatCryptoError('bad_ciphertext', `ciphertext length ${data.length} is not a multiple of ${PAD_BLOCK}`);
  }
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = unpad(Buffer.concat([decipher.update(data), decipher.final()]));
  if (plain.length < 20) throw new WechatCryptoError('bad_length', 'plaintext too short');
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) throw new WechatCryptoError('bad_length', 'declared length exceeds the plaintext');
  const receiver = plain.subarray(20 + length);
  const expected = Buffer.from(receiverId, 'utf8');
  if (receiver.length !== expected.length || !timingSafeEqual(receiver, expected)) {
    throw new WechatCryptoError('wrong_receiver', 'message was encrypted for another AppID/CorpID');
  }
  return plain.subarray(20, 20 + length).toString('utf8');
}
