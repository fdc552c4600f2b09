import { randomBytes } from 'node:crypto';
import { decryptMessage, encryptMessage, msgSignature, signatureMatches, urlSignature } from '../crypto.js';
import { buildXml, field, parseXml, type XmlValue } from '../xml.js';

/**
 * Posts callbacks to a Huiliu callback URL exactly as WeChat's servers do (signature in the
 * query, XML body; in compatible and safe mode the message encrypted, with msg_signature), and
 * opens the replies. Part of the test double: it follows the public protocol and is not WeChat.
 */
export interface DriverAccount {
  callbackUrl: string;
  token: string;
  encodingAESKey: string;
  appId: string;
  mode: 'plain' | 'compatible' | 'safe';
}

export interface DriverResponse {
  status: number;
  body: string;
}

const nonce = () => String(randomBytes(4).readUInt32BE());
const now = () => String(Math.floor(Date.now() / 1000));

export class WechatDriver {
  constructor(readonly account: DriverAccount) {}

  /** A new follower's `subscribe` and friends: the message fields, ready to post. */
  static text(from: string, content: string, msgId: string, createTime = Math.floor(Date.now() / 1000)): Record<string, XmlValue> {
    return { ToUserName: 'gh_double', FromUserName: from, CreateTime: createTime, MsgType: 'text', Content: content, MsgId: msgId };
  }

  static event(
    from: string,
    event: string,
    extra: Record<string, XmlValue> = {},
    createTime = Math.floor(Date.now() / 1000),
  ): Record<string, XmlValue> {
    return { ToUserName: 'gh_double', FromUserName: from, CreateTime: createTime, MsgType: 'event', Event: event, ...extra };
  }

  async verifyUrl(echostr: string, signature?: string): Promise<DriverResponse> {
    const timestamp = now();
    const n = nonce();
    const query = new URLSearchParams({
      signature: signature ?? urlSignature(this.account.token, timestamp, n),
      timestamp,
      nonce: n,
      echostr,
    });
    const response = await fetch(`${this.account.callbackUrl}?${query}`);
    return { status: response.status, body: await response.text() };
  }

  /**
   * Posts one message. `fields` build the XML (or `rawXml` is sent as the message); `tamper`
   * lets tests break one thing (signature, receiver id, ciphertext).
   */
  async post(
    fields: Record<string, XmlValue> | null,
    options: {
      rawXml?: string;
      mode?: DriverAccount['mode'];
      tamper?: 'signature' | 'appId' | 'truncate';
      rawBody?: string;
      /** Unix seconds to sign with (WeChat's retries repeat the first attempt's); default now. */
      timestamp?: number;
      /** The nonce to sign with (a retry, or a replay, repeats one); default a fresh one. */
      nonce?: string;
    } = {},
  ): Promise<DriverResponse> {
    const mode = options.mode ?? this.account.mode;
    const xml = options.rawXml ?? buildXml(fields ?? {});
    const timestamp = options.timestamp === undefined ? now() : String(options.timestamp);
    const n = options.nonce ?? nonce();
    const query = new URLSearchParams({ timestamp, nonce: n, signature: urlSignature(this.account.token, timestamp, n) });
    let body = xml;
    if (mode !== 'plain') {
      let encrypt = encryptMessage(this.account.encodingAESKey, options.tamper === 'appId' ? 'wx_someone_else' : this.account.appId, xml);
      if (options.tamper === 'truncate') encrypt = Buffer.from(encrypt, 'base64').subarray(0, 40).toString('base64');
      query.set('encrypt_type', 'aes');
      query.set('msg_signature', msgSignature(this.account.token, timestamp, n, encrypt));
      body =
        mode === 'safe'
          ? buildXml({ ToUserName: String(fields?.ToUserName ?? 'gh_double'), Encrypt: encrypt })
          : xml.replace('</xml>', `<Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`);
    }
    if (options.tamper === 'signature') {
      query.set('signature', '0'.repeat(40));
      if (query.has('msg_signature')) query.set('msg_signature', '0'.repeat(40));
    }
    if (fields?.FromUserName) query.set('openid', String(fields.FromUserName));
    const response = await fetch(`${this.account.callbackUrl}?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: options.rawBody ?? body,
    });
    return { status: response.status, body: await response.text() };
  }

  /** The reply's message XML: decrypted (and its msg_signature checked) when it is an envelope. */
  openReply(body: string): string {
    if (!body.startsWith('<xml>')) return body;
    const outer = parseXml(body);
    const encrypt = field(outer, 'Encrypt');
    if (!encrypt) return body;
    const expected = msgSignature(this.account.token, field(outer, 'TimeStamp') ?? '', field(outer, 'Nonce') ?? '', encrypt);
    if (!signatureMatches(expected, field(outer, 'MsgSignature'))) throw new Error('reply msg_signature does not match');
    return decryptMessage(this.account.encodingAESKey, this.account.appId, encrypt);
  }

  // ---- WeCom ----

  async wecomVerify(plaintext: string): Promise<DriverResponse> {
    const timestamp = now();
    const n = nonce();
    const echostr = encryptMessage(this.account.encodingAESKey, this.account.appId, plaintext);
    const query = new URLSearchParams({
      msg_signature: msgSignature(this.account.token, timestamp, n, echostr),
      timestamp,
      nonce: n,
      echostr,
    });
    const response = await fetch(`${this.account.callbackUrl}?${query}`);
    return { status: response.status, body: await response.text() };
  }

  /** The kf_msg_or_event notice WeCom posts when messages wait to be pulled. */
  async wecomNotice(openKfid: string, syncToken = `SYNC_${randomBytes(6).toString('hex')}`): Promise<DriverResponse> {
    const inner = buildXml({
      ToUserName: this.account.appId,
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'event',
      Event: 'kf_msg_or_event',
      Token: syncToken,
      OpenKfId: openKfid,
    });
    const encrypt = encryptMessage(this.account.encodingAESKey, this.account.appId, inner);
    const timestamp = now();
    const n = nonce();
    const query = new URLSearchParams({ msg_signature: msgSignature(this.account.token, timestamp, n, encrypt), timestamp, nonce: n });
    const response = await fetch(`${this.account.callbackUrl}?${query}`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: buildXml({ ToUserName: this.account.appId, Encrypt: encrypt, AgentID: '' }),
    });
    return { status: response.status, body: await response.text() };
  }
}
