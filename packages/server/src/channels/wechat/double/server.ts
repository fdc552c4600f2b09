import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A test double of the WeChat Official Account and WeCom customer-service HTTP APIs, written
 * from their public documentation. It is NOT WeChat: it implements the endpoints Huiliu calls,
 * with the documented error codes, so tests and demos run with no network. Failures can be
 * injected (`failNext`), and it counts token fetches (and overlapping ones).
 */

export interface KfInbound {
  msgid: string;
  open_kfid: string;
  external_userid?: string;
  send_time: number;
  origin: number;
  msgtype: string;
  [key: string]: unknown;
}

export interface SentRecord {
  operation: string;
  body: Record<string, unknown>;
  token: string;
}

type Operation = 'token' | 'custom.send' | 'media.upload' | 'media.get' | 'kf.sync_msg' | 'kf.send_msg' | 'kf.send_msg_on_event';

/** The documented error codes the double answers with. */
export const ERRORS: Record<number, string> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40007: 'invalid media_id',
  40013: 'invalid appid',
  40014: 'invalid access_token',
  40125: 'invalid appsecret',
  41001: 'access_token missing',
  42001: 'access_token expired',
  44002: 'empty post data',
  45015: 'response out of time limit or subscription is canceled',
  45047: 'out of response count limit',
  95000: 'invalid open_kfid',
  95007: 'invalid msg token',
};

export class WechatDouble {
  private server: Server | undefined;
  url = '';
  /** AppID/CorpID → secret. */
  private readonly apps = new Map<string, string>();
  /** Valid tokens → app. A new fetch invalidates the app's previous token, as WeChat does. */
  private readonly tokens = new Map<string, string>();
  private readonly current = new Map<string, string>();
  /** Tokens no longer valid → the errcode they get: 42001 expired, 40001 replaced by a newer fetch. */
  private readonly retired = new Map<string, number>();
  private readonly failures = new Map<Operation, number[]>();
  private readonly media = new Map<string, { bytes: Buffer; contentType: string }>();
  private readonly kfQueue = new Map<string, KfInbound[]>();
  private readonly kfMsgIds = new Set<string>();
  /** Every accepted send (custom/send, kf/send_msg, send_msg_on_event), in order. */
  readonly sent: SentRecord[] = [];
  tokenFetches = 0;
  private fetching = 0;
  maxConcurrentTokenFetches = 0;
  /** How long a token fetch takes (ms): long enough that overlapping fetches would be seen. */
  tokenDelayMs = 50;
  /** How long a media download takes (ms), as on a slow network. */
  mediaDelayMs = 0;
  syncCalls = 0;

  registerApp(appId: string, secret: string): void {
    this.apps.set(appId, secret);
  }

  /** The next `operation` call answers with `errcode` (queue several for several calls). */
  failNext(operation: Operation, errcode: number): void {
    this.failures.set(operation, [...(this.failures.get(operation) ?? []), errcode]);
  }

  /** Makes a token WeChat issued invalid, as if it expired (the next call with it gets 42001). */
  expireTokens(): void {
    for (const token of this.tokens.keys()) this.retired.set(token, 42001);
    this.tokens.clear();
  }

  putMedia(bytes: Buffer, contentType: string): string {
    const id = `MEDIA_${randomBytes(12).toString('hex')}`;
    this.media.set(id, { bytes, contentType });
    return id;
  }

  /** Messages waiting for kf/sync_msg on a customer-service account. */
  queueKf(openKfid: string, messages: KfInbound[]): void {
    this.kfQueue.set(openKfid, [...(this.kfQueue.get(openKfid) ?? []), ...messages]);
  }

  sentOf(operation: string): SentRecord[] {
    return this.sent.filter((record) => record.operation === operation);
  }

  async start(port = 0): Promise<string> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }

  private injected(operation: Operation): number | undefined {
    const queue = this.failures.get(operation);
    return queue?.length ? queue.shift() : undefined;
  }

  private json(response: ServerResponse, body: Record<string, unknown>): void {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  }

  private error(response: ServerResponse, errcode: number): void {
    this.json(response, { errcode, errmsg: ERRORS[errcode] ?? 'error' });
  }

  private async readBody(request: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://double');
    const q = url.searchParams;
    const body = await this.readBody(request);
    switch (url.pathname) {
      case '/cgi-bin/token':
      case '/cgi-bin/gettoken':
        return this.issueToken(
          response,
          url.pathname === '/cgi-bin/token' ? q.get('appid') : q.get('corpid'),
          q.get('secret') ?? q.get('corpsecret'),
        );
    }
    const operation = (
      {
        '/cgi-bin/message/custom/send': 'custom.send',
        '/cgi-bin/media/upload': 'media.upload',
        '/cgi-bin/media/get': 'media.get',
        '/cgi-bin/kf/sync_msg': 'kf.sync_msg',
        '/cgi-bin/kf/send_msg': 'kf.send_msg',
        '/cgi-bin/kf/send_msg_on_event': 'kf.send_msg_on_event',
      } as Record<string, Operation>
    )[url.pathname];
    if (!operation) return void response.writeHead(404).end('not found');
    const token = q.get('access_token');
    if (!token) return this.error(response, 41001);
    const injected = this.injected(operation);
    if (injected !== undefined) return this.error(response, injected);
    if (!this.tokens.has(token)) return this.error(response, this.retired.get(token) ?? 40014);

    if (operation === 'media.upload') {
      const form = await new Request('http://double/', {
        method: 'POST',
        headers: { 'content-type': request.headers['content-type'] ?? '' },
        body,
      }).formData();
      const file = form.get('media');
      if (!(file instanceof Blob)) return this.error(response, 44002);
      const id = this.putMedia(Buffer.from(await file.arrayBuffer()), file.type || 'application/octet-stream');
      return this.json(response, { type: q.get('type') ?? 'image', media_id: id, created_at: Math.floor(Date.now() / 1000) });
    }
    if (operation === 'media.get') {
      if (this.mediaDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.mediaDelayMs));
      const media = this.media.get(q.get('media_id') ?? '');
      if (!media) return this.error(response, 40007);
      response.writeHead(200, { 'content-type': media.contentType, 'content-length': media.bytes.length }).end(media.bytes);
      return;
    }
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(body.toString('utf8') || 'null') as Record<string, unknown>;
    } catch {
      return this.error(response, 44002);
    }
    if (!parsed) return this.error(response, 44002);
    if (operation === 'kf.sync_msg') return this.sync(response, parsed);
    if (operation === 'kf.send_msg') {
      const msgid = String(parsed.msgid ?? randomBytes(8).toString('hex'));
      // WeCom treats msgid as an idempotency key: a repeat is not sent twice.
      if (!this.kfMsgIds.has(msgid)) {
        this.kfMsgIds.add(msgid);
        this.sent.push({ operation, body: parsed, token });
      }
      return this.json(response, { errcode: 0, errmsg: 'ok', msgid });
    }
    this.sent.push({ operation, body: parsed, token });
    return this.json(response, {
      errcode: 0,
      errmsg: 'ok',
      ...(operation === 'kf.send_msg_on_event' ? { msgid: parsed.msgid ?? 'x' } : {}),
    });
  }

  private async issueToken(response: ServerResponse, appId: string | null, secret: string | null): Promise<void> {
    this.tokenFetches += 1;
    this.fetching += 1;
    this.maxConcurrentTokenFetches = Math.max(this.maxConcurrentTokenFetches, this.fetching);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.tokenDelayMs));
      const injected = this.injected('token');
      if (injected !== undefined) return this.error(response, injected);
      if (!appId || !this.apps.has(appId)) return this.error(response, 40013);
      if (this.apps.get(appId) !== secret) return this.error(response, 40125);
      const previous = this.current.get(appId);
      if (previous && this.tokens.delete(previous)) this.retired.set(previous, 40001);
      const token = `TOKEN_${randomBytes(16).toString('hex')}`;
      this.tokens.set(token, appId);
      this.current.set(appId, token);
      this.json(response, { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 });
    } finally {
      this.fetching -= 1;
    }
  }

  private sync(response: ServerResponse, body: Record<string, unknown>): void {
    this.syncCalls += 1;
    const openKfid = String(body.open_kfid ?? '');
    if (!this.kfQueue.has(openKfid)) return this.error(response, 95000);
    const queue = this.kfQueue.get(openKfid)!;
    const start = body.cursor ? Number.parseInt(String(body.cursor).replace(/^C/, ''), 10) : 0;
    if (!Number.isFinite(start) || start < 0) return this.error(response, 95007);
    const limit = Math.min(1000, Math.max(1, Number(body.limit ?? 1000)));
    const page = queue.slice(start, start + limit);
    const next = start + page.length;
    this.json(response, { errcode: 0, errmsg: 'ok', next_cursor: `C${next}`, has_more: next < queue.length ? 1 : 0, msg_list: page });
  }
}
