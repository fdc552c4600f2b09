import { randomBytes } from 'node:crypto';
import { and, eq, like } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WechatDouble, KfInbound } from '../../src/channels/wechat/double/server.js';
import { WechatDriver } from '../../src/channels/wechat/double/driver.js';
import { wechatAccounts } from '../../src/channels/wechat/schema.js';
import { messages } from '../../src/modules/conversations/schema.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import type { WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startWechatInbox } from '../support/wechat.js';

const CORP_ID = 'ww1234567890abcdef';
const SECRET = 'kf-secret-for-tests';
const TOKEN = 'kfToken42';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
const KFID = 'wkAJ2GCAAAZSfhHCt7IFSvLKtMPxyJTw';

let double: WechatDouble;
let database: TestDatabase;
let server: TestServer;
let ws: WorkspaceFixture;
let driver: WechatDriver;
let inboxId: string;
let callbackPath: string;

async function until<T>(read: () => Promise<T | undefined | false>, what: string, timeoutMs = 450_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let env: Record<string, string>;
let sequence = 0;
const textFrom = (user: string, content: string): KfInbound => ({
  msgid: `MSG${++sequence}_${randomBytes(4).toString('hex')}`,
  open_kfid: KFID,
  external_userid: user,
  send_time: Math.floor(Date.now() / 1000),
  origin: 3,
  msgtype: 'text',
  text: { content },
});

async function storedWecom(db = server.ctx.db) {
  return db
    .select({ text: messages.text, key: messages.idempotencyKey })
    .from(messages)
    .where(like(messages.idempotencyKey, `wecom:${inboxId}:%`));
}

beforeAll(async () => {
  database = await createTestDatabase();
  const setup = await startWechatInbox({
    kind: 'wecom',
    appId: CORP_ID,
    appSecret: SECRET,
    token: TOKEN,
    encodingAESKey: AES_KEY,
    database,
    env: { WECHAT_PASSIVE_WAIT_MS: '1000' },
    inbox: { openKfid: KFID, welcomeText: '您好，这里是汇流商城客服，请问有什么可以帮您？' },
  });
  ({ double, server, ws, driver, inboxId, callbackPath } = setup);
  env = setup.env;
  double.queueKf(KFID, []);
});

afterAll(async () => {
  await server?.stop();
  await database?.drop();
  await double?.stop();
});

describe('WeCom customer service inbox', () => {
  it('answers the encrypted URL check with the plaintext, and refuses a bad signature', async () => {
    expect(await driver.wecomVerify('1616140317555161061')).toEqual({ status: 200, body: '1616140317555161061' });
    const bad = new WechatDriver({ ...driver.account, token: 'wrongToken' });
    expect((await bad.wecomVerify('x')).status).toBe(401);
  });

  it('welcomes a customer entering the session through send_msg_on_event', async () => {
    double.queueKf(KFID, [
      {
        msgid: 'EVT_enter_1',
        open_kfid: KFID,
        send_time: Math.floor(Date.now() / 1000),
        origin: 4,
        msgtype: 'event',
        event: { event_type: 'enter_session', open_kfid: KFID, external_userid: 'wmUserA', welcome_code: 'WELCOME_CODE_1' },
      },
    ]);
    expect(await driver.wecomNotice(KFID)).toEqual({ status: 200, body: 'success' });
    const welcome = await until(async () => double.sentOf('kf.send_msg_on_event')[0], 'welcome');
    expect(welcome.body).toMatchObject({
      code: 'WELCOME_CODE_1',
      msgtype: 'text',
      text: { content: '您好，这里是汇流商城客服，请问有什么可以帮您？' },
    });
  });

  it('replies with kf/send_msg using the Huiliu message id as msgid', async () => {
    double.queueKf(KFID, [textFrom('wmUserA', '我想退货')]);
    await driver.wecomNotice(KFID);
    const [stored] = await until(async () => {
      const rows = await server.ctx.db
        .select()
        .from(messages)
        .where(and(like(messages.idempotencyKey, `wecom:${inboxId}:%`), eq(messages.text, '我想退货')));
      return rows.length ? rows : undefined;
    }, 'inbound');
    const response = await ws.clients.agent.post(`/api/v1/workspaces/${ws.workspaceId}/conversations/${stored!.conversationId}/messages`, {
      text: '好的，请提供订单号。',
    });
    expect(response.status).toBe(201);
    const sent = await until(async () => double.sentOf('kf.send_msg')[0], 'kf/send_msg');
    expect(sent.body).toEqual({
      touser: 'wmUserA',
      open_kfid: KFID,
      msgid: (response.body.id as string).replaceAll('-', ''),
      msgtype: 'text',
      text: { content: '好的，请提供订单号。' },
    });
  });

  it('stores a pulled message with a NUL in it (without the NUL), and the pull goes on', async () => {
    double.queueKf(KFID, [textFrom('wmUserNul', '订单\u0000号 123'), textFrom('wmUserNul', '后面这条')]);
    await driver.wecomNotice(KFID);
    const stored = await until(async () => {
      const rows = await server.ctx.db
        .select({ text: messages.text })
        .from(messages)
        .where(and(like(messages.idempotencyKey, `wecom:${inboxId}:%`), eq(messages.text, '后面这条')));
      return rows.length ? rows : undefined;
    }, 'the message after the one with a NUL');
    expect(stored).toHaveLength(1);
    const cleaned = await server.ctx.db.select({ text: messages.text }).from(messages).where(eq(messages.text, '订单号 123'));
    expect(cleaned).toHaveLength(1);
  });

  it('handles msg_send_fail, recalls and session changes from the pull', async () => {
    double.queueKf(KFID, [textFrom('wmUserB', '这条我要撤回')]);
    await driver.wecomNotice(KFID);
    const recalled = await until(async () => {
      const rows = await server.ctx.db.select().from(messages).where(eq(messages.text, '这条我要撤回'));
      return rows[0];
    }, 'inbound');
    const reply = await ws.clients.agent.post(`/api/v1/workspaces/${ws.workspaceId}/conversations/${recalled.conversationId}/messages`, {
      text: '稍等',
    });
    await until(async () => double.sentOf('kf.send_msg').find((record) => record.body.touser === 'wmUserB'), 'sent');
    const recallMsgId = recalled.idempotencyKey!.split(':').pop()!;
    const event = (msgid: string, body: Record<string, unknown>) => ({
      msgid,
      open_kfid: KFID,
      send_time: Math.floor(Date.now() / 1000),
      origin: 4,
      msgtype: 'event',
      event: { open_kfid: KFID, external_userid: 'wmUserB', ...body },
    });
    double.queueKf(KFID, [
      event('EVT_fail_1', { event_type: 'msg_send_fail', fail_msgid: (reply.body.id as string).replaceAll('-', ''), fail_type: 10 }),
      event('EVT_recall_1', { event_type: 'recall_msg', recall_msgid: recallMsgId }),
      event('EVT_status_1', { event_type: 'session_status_change', change_type: 3 }),
    ]);
    await driver.wecomNotice(KFID);
    const failed = await until(async () => {
      const [row] = await server.ctx.db.select().from(messages).where(eq(messages.id, reply.body.id));
      return row!.delivery === 'failed' ? row : undefined;
    }, 'failed');
    expect(failed!.failureReason).toContain('fail_type 10');
    const events = await until(async () => {
      const rows = await server.ctx.db
        .select()
        .from(messages)
        .where(and(eq(messages.conversationId, recalled.conversationId), eq(messages.kind, 'event')));
      const found = rows.filter((row) => row.event?.type === 'recalled');
      return found.length ? found : undefined;
    }, 'recall event');
    expect(events[0]!.event).toEqual({ type: 'recalled', messageId: recalled.id });
    const log = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/wechat-inboxes/${inboxId}/log?limit=200`);
    expect(log.body.items.map((item: { operation: string }) => item.operation)).toEqual(
      expect.arrayContaining(['kf.event.session_status_change', 'kf.notice', 'kf.sync_msg', 'kf.send_msg', 'token']),
    );
  });

  it('refuses a notice with a bad signature or for another CorpID, and stores nothing', async () => {
    const syncs = double.syncCalls;
    const wrongToken = new WechatDriver({ ...driver.account, token: 'otherToken' });
    expect((await wrongToken.wecomNotice(KFID)).status).toBe(401);
    const otherCorp = new WechatDriver({ ...driver.account, appId: 'wwSomeoneElse00' });
    expect((await otherCorp.wecomNotice(KFID)).status).toBe(400);
    const timestamp = Math.floor(Date.now() / 1000);
    const malformed = await fetch(`${server.url}${callbackPath}?msg_signature=x&timestamp=${timestamp}&nonce=2`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<xml><Encrypt>',
    });
    expect(malformed.status).toBe(400);
    expect(double.syncCalls).toBe(syncs);
  });

  it('pulls a burst of 2,500 messages across pages, and a restart mid-pull loses and doubles nothing', async () => {
    const before = (await storedWecom()).length;
    const burst = Array.from({ length: 2500 }, (_, index) => textFrom(`wmBurst${index % 50}`, `消息 ${index}`));
    double.queueKf(KFID, burst);
    const syncsBefore = double.syncCalls;
    await driver.wecomNotice(KFID);
    // Let it get part-way into the pull, then restart the server.
    await until(async () => (await storedWecom()).length >= before + 300 || undefined, 'part of the burst');
    await server.stop();
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const midway = await client.query<{ count: number; pending: boolean }>(
      `select (select count(*)::int from messages where idempotency_key like $1) as count,
              (select pull_requested_at is not null from wechat_accounts where inbox_id = $2) as pending`,
      [`wecom:${inboxId}:%`, inboxId],
    );
    await client.end();
    // Stopped part-way: some stored, the pull still marked as wanted.
    expect(midway.rows[0]!.count).toBeLessThan(before + 2500);
    expect(midway.rows[0]!.pending).toBe(true);

    server = await startTestServer(env, database);
    // The unfinished pull resumes on start; the cursor saved after each page is where it goes on from.
    await until(async () => {
      const [account] = await server.ctx.db.select().from(wechatAccounts).where(eq(wechatAccounts.inboxId, inboxId));
      return account!.pullRequestedAt === null && (await storedWecom()).length === before + 2500 ? true : undefined;
    }, 'the whole burst');
    const stored = await storedWecom();
    const texts = stored.map((row) => row.text).filter((text) => text.startsWith('消息 '));
    expect(texts).toHaveLength(2500);
    expect(new Set(texts).size).toBe(2500);
    expect(double.syncCalls - syncsBefore).toBeGreaterThanOrEqual(3);
    const [account] = await server.ctx.db.select().from(wechatAccounts).where(eq(wechatAccounts.inboxId, inboxId));
    const queued = 1 + 1 + 2 + 1 + 3 + 2500;
    expect(account!.syncCursor).toBe(`C${queued}`);
  }, 600_000);
});
