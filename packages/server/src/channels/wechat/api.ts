import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/pool.js';
import type { WechatAccount } from './accounts.js';
import { logCall } from './log.js';
import { wechatTokens } from './schema.js';

/** errcodes that mean "this access_token is no longer good": refresh once and retry. */
export const TOKEN_ERRORS = new Set([40001, 40014, 42001]);
export const OUTSIDE_WINDOW = 45015;
export const OVER_QUOTA = 45047;

export class WechatApiError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    readonly operation: string,
  ) {
    super(`${operation}: errcode ${errcode} ${errmsg}`);
    this.name = 'WechatApiError';
  }
}

export interface WechatApiOptions {
  /** Official Account API, e.g. https://api.weixin.qq.com (or the test double). */
  wechatBase: string;
  /** WeCom API, e.g. https://qyapi.weixin.qq.com (or the test double). */
  wecomBase: string;
  timeoutMs?: number;
}

type ApiResult = { errcode?: number; errmsg?: string } & Record<string, unknown>;

/** A token is refreshed this long before WeChat says it expires. */
const EARLY_REFRESH_MS = 5 * 60_000;

/**
 * Calls the WeChat and WeCom APIs for an account. The access_token has one holder for the whole
 * cluster: a row in `wechat_tokens`, locked (SELECT … FOR UPDATE) while a node fetches a new one,
 * so two nodes never fetch at once (a fetch invalidates the previous token at WeChat).
 */
export class WechatApi {
  constructor(
    private readonly db: Database,
    private readonly options: WechatApiOptions,
  ) {}

  private base(account: WechatAccount): string {
    return (account.row.kind === 'wecom' ? this.options.wecomBase : this.options.wechatBase).replace(/\/$/, '');
  }

  /** A valid access_token; `stale` is one WeChat just refused, so a different one is needed. */
  async token(account: WechatAccount, stale?: string): Promise<string> {
    const inboxId = account.inbox.id;
    if (!stale) {
      const [cached] = await this.db.select().from(wechatTokens).where(eq(wechatTokens.inboxId, inboxId));
      if (cached?.accessToken && cached.expiresAt && cached.expiresAt.getTime() > Date.now()) return cached.accessToken;
    }
    return this.db.transaction(async (tx) => {
      await tx.insert(wechatTokens).values({ inboxId, workspaceId: account.inbox.workspaceId }).onConflictDoNothing();
      const [row] = await tx.select().from(wechatTokens).where(eq(wechatTokens.inboxId, inboxId)).for('update');
      // Another node (or request) may have refreshed while we waited for the lock.
      if (row?.accessToken && row.expiresAt && row.expiresAt.getTime() > Date.now() && row.accessToken !== stale) return row.accessToken;
      const fetched = await this.fetchToken(account);
      const lifetimeMs = Math.max(60_000, fetched.expiresIn * 1000 - Math.min(EARLY_REFRESH_MS, fetched.expiresIn * 200));
      await tx
        .update(wechatTokens)
        .set({
          accessToken: fetched.token,
          expiresAt: new Date(Date.now() + lifetimeMs),
          fetchedAt: sql`now()`,
          fetches: sql`${wechatTokens.fetches} + 1`,
        })
        .where(eq(wechatTokens.inboxId, inboxId));
      return fetched.token;
    });
  }

  private async fetchToken(account: WechatAccount): Promise<{ token: string; expiresIn: number }> {
    const query =
      account.row.kind === 'wecom'
        ? new URLSearchParams({ corpid: account.row.appId, corpsecret: account.secrets.appSecret })
        : new URLSearchParams({ grant_type: 'client_credential', appid: account.row.appId, secret: account.secrets.appSecret });
    const path = account.row.kind === 'wecom' ? '/cgi-bin/gettoken' : '/cgi-bin/token';
    const result = await this.send(account, 'token', `${path}?${query}`, { method: 'GET' });
    if (typeof result.access_token !== 'string' || (result.errcode && result.errcode !== 0)) {
      throw new WechatApiError(result.errcode ?? -1, result.errmsg ?? 'no access_token in the answer', 'token');
    }
    return { token: result.access_token, expiresIn: Number(result.expires_in ?? 7200) };
  }

  /** One HTTP call, logged (without secrets). Network failures are logged and rethrown. */
  private async send(account: WechatAccount, operation: string, pathAndQuery: string, init: RequestInit): Promise<ApiResult> {
    const started = Date.now();
    try {
      const response = await fetch(`${this.base(account)}${pathAndQuery}`, {
        ...init,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
      const result = (await response.json()) as ApiResult;
      const errcode = typeof result.errcode === 'number' ? result.errcode : 0;
      await logCall(this.db, account.inbox.workspaceId, account.inbox.id, {
        direction: 'out',
        operation,
        ok: errcode === 0 && response.ok,
        errcode,
        detail: `${init.method ?? 'GET'} ${pathAndQuery.split('?')[0]} → ${response.status} ${result.errmsg ?? ''} (${Date.now() - started} ms)`,
      });
      return result;
    } catch (error) {
      await logCall(this.db, account.inbox.workspaceId, account.inbox.id, {
        direction: 'out',
        operation,
        ok: false,
        detail: `${pathAndQuery.split('?')[0]}: ${(error as Error).message}`,
      });
      throw error;
    }
  }

  /**
   * Calls an API with the access_token; when WeChat says the token is bad (40001/40014/42001),
   * refreshes it once and retries once. Other errcodes are returned for the caller to judge.
   */
  async call(
    account: WechatAccount,
    operation: string,
    path: string,
    body?: unknown,
    query: Record<string, string> = {},
  ): Promise<ApiResult> {
    let token = await this.token(account);
    for (let attempt = 0; ; attempt++) {
      const qs = new URLSearchParams({ access_token: token, ...query });
      const result = await this.send(
        account,
        operation,
        `${path}?${qs}`,
        body === undefined
          ? { method: 'GET' }
          : body instanceof FormData
            ? { method: 'POST', body }
            : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
      );
      if (attempt === 0 && typeof result.errcode === 'number' && TOKEN_ERRORS.has(result.errcode)) {
        token = await this.token(account, token);
        continue;
      }
      return result;
    }
  }

  /** Downloads media by id (bytes and content type); a JSON answer is an error. */
  async download(account: WechatAccount, path: string, query: Record<string, string>): Promise<{ bytes: Buffer; contentType: string }> {
    let token = await this.token(account);
    for (let attempt = 0; ; attempt++) {
      const qs = new URLSearchParams({ access_token: token, ...query });
      const response = await fetch(`${this.base(account)}${path}?${qs}`, { signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000) });
      const contentType = (response.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim();
      const bytes = Buffer.from(await response.arrayBuffer());
      if (contentType === 'application/json' || contentType === 'text/plain') {
        const result = JSON.parse(bytes.toString('utf8')) as ApiResult;
        await logCall(this.db, account.inbox.workspaceId, account.inbox.id, {
          direction: 'out',
          operation: 'media.get',
          ok: false,
          errcode: result.errcode ?? -1,
          detail: `${path} ${result.errmsg ?? ''}`,
        });
        if (attempt === 0 && TOKEN_ERRORS.has(result.errcode ?? 0)) {
          token = await this.token(account, token);
          continue;
        }
        throw new WechatApiError(result.errcode ?? -1, result.errmsg ?? 'media download failed', 'media.get');
      }
      await logCall(this.db, account.inbox.workspaceId, account.inbox.id, {
        direction: 'out',
        operation: 'media.get',
        ok: true,
        errcode: 0,
        detail: `${path} ${bytes.length} bytes ${contentType}`,
      });
      return { bytes, contentType };
    }
  }
}
