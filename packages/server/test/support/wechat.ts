import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { SecretBox } from '../../src/platform/secrets.js';
import { WechatDouble } from '../../src/channels/wechat/double/server.js';
import { WechatDriver } from '../../src/channels/wechat/double/driver.js';
import type { TestDatabase } from './database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './fixtures.js';
import { startTestServer, type TestServer } from './server.js';

export interface WechatInboxOptions {
  kind?: 'wechat' | 'wecom';
  appId: string;
  appSecret: string;
  token: string;
  encodingAESKey: string;
  mode?: 'plain' | 'compatible' | 'safe';
  /** Further fields of the create request (welcomeText, menuTopics, openKfid, defaultTeamId…). */
  inbox?: Record<string, unknown> | ((ws: WorkspaceFixture) => Record<string, unknown>);
  /** Server configuration on top of the double's API bases. */
  env?: Record<string, string>;
  /** A database the caller owns (to restart the server on it). */
  database?: TestDatabase;
  label?: string;
  /** Runs after the workspace exists and before the inbox is created (e.g. import FAQs). */
  prepare?: (ws: WorkspaceFixture, server: TestServer) => Promise<void>;
}

export interface WechatInboxSetup {
  double: WechatDouble;
  server: TestServer;
  ws: WorkspaceFixture;
  driver: WechatDriver;
  inboxId: string;
  /** The callback URL's path (`/api/v1/channels/<kind>/<key>`), for a server restarted on another port. */
  callbackPath: string;
  /** `/api/v1/workspaces/<id><path>` */
  api: (path: string) => string;
  /** The server configuration used, to start it again. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * The set-up every WeChat test shares: the WeChat API test double with the app registered, a
 * Huiliu server pointed at it, a workspace fixture, the inbox created over the API (checking
 * that the answer holds no secret) and a driver posting callbacks to it as WeChat does.
 */
export async function startWechatInbox(options: WechatInboxOptions): Promise<WechatInboxSetup> {
  const kind = options.kind ?? 'wechat';
  const mode = options.mode ?? 'safe';
  const double = new WechatDouble();
  await double.start();
  double.registerApp(options.appId, options.appSecret);
  const env = { WECHAT_API_BASE: double.url, WECOM_API_BASE: double.url, WECHAT_PASSIVE_WAIT_MS: '1500', ...options.env };
  const server = await startTestServer(env, options.database);
  const ws = await createWorkspaceFixture(server.ctx.db, server.url, options.label);
  const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
  await options.prepare?.(ws, server);
  const created = await ws.clients.admin.post(api('/wechat-inboxes'), {
    kind,
    name: kind === 'wecom' ? '微信客服' : '汇流商城公众号',
    appId: options.appId,
    appSecret: options.appSecret,
    token: options.token,
    encodingAESKey: options.encodingAESKey,
    ...(kind === 'wechat' ? { mode } : {}),
    ...(typeof options.inbox === 'function' ? options.inbox(ws) : options.inbox),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  for (const secret of [options.appSecret, options.encodingAESKey]) expect(JSON.stringify(created.body)).not.toContain(secret);
  // The URL an admin pastes into WeChat is this server's real address (PORT=0 here: a port the system chose).
  expect(new URL(created.body.callbackUrl as string).origin).toBe(new URL(server.url).origin);
  const driver = new WechatDriver({
    callbackUrl: created.body.callbackUrl as string,
    token: options.token,
    encodingAESKey: options.encodingAESKey,
    appId: options.appId,
    mode: kind === 'wecom' ? 'safe' : mode,
  });
  return {
    double,
    server,
    ws,
    driver,
    inboxId: created.body.inbox.id as string,
    callbackPath: new URL(created.body.callbackUrl as string).pathname,
    api,
    env,
    async stop() {
      await server.stop();
      await double.stop();
    },
  };
}

export const openId = () => `o${randomBytes(12).toString('base64url')}`;
export const msgId = () => String(BigInt(`0x${randomBytes(7).toString('hex')}`));

/** Polls `read` until it gives something (not undefined, null or false). */
export async function until<T>(read: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** For tests that create an inbox straight in the database for server processes they spawn: both use this key. */
export const TEST_SECRETS_KEY = '5e'.repeat(32);
export const testSecretBox = () => new SecretBox(Buffer.from(TEST_SECRETS_KEY, 'hex'));
