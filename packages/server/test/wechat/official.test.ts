import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WechatDouble } from '../../src/channels/wechat/double/server.js';
import { WechatDriver } from '../../src/channels/wechat/double/driver.js';
import { sealPlaintextSecrets } from '../../src/channels/wechat/accounts.js';
import { wechatAccounts } from '../../src/channels/wechat/schema.js';
import { parseXml } from '../../src/channels/wechat/xml.js';
import { messages, conversations } from '../../src/modules/conversations/schema.js';
import { customerIdentities } from '../../src/modules/customers/schema.js';
import type { WorkspaceFixture } from '../support/fixtures.js';
import type { TestServer } from '../support/server.js';
import { msgId, openId, startWechatInbox, until, type WechatInboxSetup } from '../support/wechat.js';

const APP_ID = 'wx5823bf96d3bd56c7';
const SECRET = 'app-secret-for-tests';
const TOKEN = 'QDG6eK';
const AES_KEY = 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C';

let setup: WechatInboxSetup;
let double: WechatDouble;
let server: TestServer;
let ws: WorkspaceFixture;
let driver: WechatDriver;
let inboxId: string;

async function inboundOf(open: string) {
  const db = server.ctx.db;
  const [identity] = await db.select().from(customerIdentities).where(eq(customerIdentities.value, open));
  if (!identity) return [];
  return db
    .select({ message: messages })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(conversations.customerId, identity.customerId), eq(messages.kind, 'in')));
}

async function conversationOf(open: string) {
  const rows = await inboundOf(open);
  return rows[0]?.message.conversationId;
}

async function reply(conversationId: string, text: string) {
  const response = await ws.clients.admin.post(`/api/v1/workspaces/${ws.workspaceId}/conversations/${conversationId}/messages`, { text });
  expect(response.status).toBe(201);
  return response.body.id as string;
}

async function messageRow(id: string) {
  const [row] = await server.ctx.db.select().from(messages).where(eq(messages.id, id));
  return row!;
}

beforeAll(async () => {
  setup = await startWechatInbox({
    appId: APP_ID,
    appSecret: SECRET,
    token: TOKEN,
    encodingAESKey: AES_KEY,
    inbox: { welcomeText: '欢迎关注汇流商城！回复“转人工”联系客服。', menuTopics: { MENU_AFTER_SALES: '售后' } },
  });
  ({ double, server, ws, driver, inboxId } = setup);
});

afterAll(async () => {
  await setup?.stop();
});

describe('WeChat Official Account inbox', () => {
  it('answers the URL check only when the signature is right', async () => {
    const good = await driver.verifyUrl('echo-123');
    expect(good).toEqual({ status: 200, body: 'echo-123' });
    const bad = await driver.verifyUrl('echo-123', 'f21891de399b4e33a1a93c9a7b8a8fffb5a443fe');
    expect(bad.status).toBe(401);
    expect(bad.body).not.toContain('echo-123');
  });

  it('greets a new follower with a passive reply in its own signed, encrypted envelope', async () => {
    const user = openId();
    const response = await driver.post(WechatDriver.event(user, 'subscribe', { EventKey: 'qrscene_42' }));
    expect(response.status).toBe(200);
    expect(response.body).toContain('<MsgSignature>');
    const xml = parseXml(driver.openReply(response.body));
    expect(xml).toMatchObject({ ToUserName: user, MsgType: 'text', Content: '欢迎关注汇流商城！回复“转人工”联系客服。' });
    const window = await server.ctx.db.select().from(customerIdentities).where(eq(customerIdentities.value, user));
    expect(window).toHaveLength(1);
  });

  it('stores a message once however often WeChat retries it, and answers success without a reply', async () => {
    const user = openId();
    const fields = WechatDriver.text(user, '请问什么时候发货？', msgId());
    const answers = [];
    for (let attempt = 0; attempt < 3; attempt++) answers.push(await driver.post(fields));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(answers.map((answer) => answer.body)).toEqual(['success', 'success', 'success']);
    const stored = await inboundOf(user);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.message.text).toBe('请问什么时候发货？');
  });

  it('sends a reply that comes within the wait as the passive reply, and never again through the API', async () => {
    const user = openId();
    const posting = driver.post(WechatDriver.text(user, '转人工', msgId()));
    const conversationId = await until(() => conversationOf(user), 'the inbound message');
    const replyId = await reply(conversationId, '您好，我是客服小汇，请问有什么可以帮您？');
    const response = await posting;
    expect(parseXml(driver.openReply(response.body))).toMatchObject({
      ToUserName: user,
      Content: '您好，我是客服小汇，请问有什么可以帮您？',
    });
    await until(async () => (await messageRow(replyId)).delivery === 'delivered', 'delivered');
    // Give the outbox its retries: it must not send the passively answered message again.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(double.sentOf('custom.send').filter((sent) => (sent.body.touser as string) === user)).toEqual([]);
  });

  it('sends an agent reply after the callback through custom/send', async () => {
    const user = openId();
    expect((await driver.post(WechatDriver.text(user, '我的订单还没到', msgId()))).body).toBe('success');
    const conversationId = (await conversationOf(user))!;
    const replyId = await reply(conversationId, '已为您催促快递，请耐心等待。');
    const sent = await until(async () => double.sentOf('custom.send').find((record) => record.body.touser === user), 'custom/send');
    expect(sent.body).toEqual({ touser: user, msgtype: 'text', text: { content: '已为您催促快递，请耐心等待。' } });
    await until(async () => (await messageRow(replyId)).delivery === 'delivered', 'delivered');
    const window = await ws.clients.agent.get(`/api/v1/workspaces/${ws.workspaceId}/conversations/${conversationId}/wechat-window`);
    expect(window.status).toBe(200);
    expect(window.body).toMatchObject({ subscribed: true, windowOpen: true, quota: 5, remaining: 4 });
  });

  it('marks a reply failed with the reason when WeChat answers 45015, without retrying', async () => {
    const user = openId();
    await driver.post(WechatDriver.text(user, '在吗', msgId()));
    const conversationId = (await conversationOf(user))!;
    const before = double.sentOf('custom.send').length;
    double.failNext('custom.send', 45015);
    const replyId = await reply(conversationId, '在的');
    const failed = await until(async () => {
      const row = await messageRow(replyId);
      return row.delivery === 'failed' ? row : undefined;
    }, 'failed');
    expect(failed.failureReason).toContain('45015');
    expect(failed.failureReason).toContain('48');
    expect(double.sentOf('custom.send').length).toBe(before);
  });

  it('refreshes the token once on 42001 and then succeeds', async () => {
    const user = openId();
    await driver.post(WechatDriver.text(user, '发票怎么开', msgId()));
    const conversationId = (await conversationOf(user))!;
    await reply(conversationId, '先来一条，确保已有 token');
    await until(async () => double.sentOf('custom.send').find((record) => record.body.touser === user), 'first send');
    const fetches = double.tokenFetches;
    double.failNext('custom.send', 42001);
    const replyId = await reply(conversationId, '请在订单页申请电子发票。');
    await until(async () => (await messageRow(replyId)).delivery === 'delivered', 'delivered');
    expect(double.tokenFetches).toBe(fetches + 1);
    expect(double.sentOf('custom.send').filter((record) => record.body.touser === user)).toHaveLength(2);
  });

  it('stops outbound after unsubscribe', async () => {
    const user = openId();
    await driver.post(WechatDriver.text(user, '你好', msgId()));
    const conversationId = (await conversationOf(user))!;
    expect((await driver.post(WechatDriver.event(user, 'unsubscribe'))).body).toBe('success');
    const replyId = await reply(conversationId, '还在吗？');
    const failed = await until(async () => {
      const row = await messageRow(replyId);
      return row.delivery === 'failed' ? row : undefined;
    }, 'failed');
    expect(failed.failureReason).toContain('取消关注');
  });

  it('puts a mapped menu click topic on the conversation', async () => {
    const user = openId();
    await driver.post(WechatDriver.event(user, 'CLICK', { EventKey: 'MENU_AFTER_SALES' }));
    const conversationId = (await conversationOf(user))!;
    const [row] = await server.ctx.db.select().from(conversations).where(eq(conversations.id, conversationId));
    expect(row!.preChat).toEqual({ topic: '售后' });
  });

  it('fetches an inbound image into an attachment', async () => {
    const user = openId();
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64)]);
    const mediaId = double.putMedia(png, 'image/png');
    await driver.post({
      ToUserName: 'gh_double',
      FromUserName: user,
      CreateTime: 1,
      MsgType: 'image',
      PicUrl: 'http://x/1.png',
      MediaId: mediaId,
      MsgId: msgId(),
    });
    const [stored] = await inboundOf(user);
    expect(stored!.message.attachments).toHaveLength(1);
    const download = await fetch(`${server.url}${stored!.message.attachments[0]!.url}`);
    expect(Buffer.from(await download.arrayBuffer()).equals(png)).toBe(true);
  });

  it('stores a photo still downloading before the text the follower sent just after it', async () => {
    const user = openId();
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(64)]);
    const mediaId = double.putMedia(png, 'image/png');
    double.mediaDelayMs = 500;
    try {
      const photo = driver.post({
        ToUserName: 'gh_double',
        FromUserName: user,
        CreateTime: 1,
        MsgType: 'image',
        PicUrl: 'http://x/2.png',
        MediaId: mediaId,
        MsgId: msgId(),
      });
      await new Promise((resolve) => setTimeout(resolve, 100));
      const text = driver.post(WechatDriver.text(user, '就是这张图里的破损', msgId()));
      await Promise.all([photo, text]);
    } finally {
      double.mediaDelayMs = 0;
    }
    const stored = (await inboundOf(user)).map((row) => row.message).sort((a, b) => a.seq - b.seq);
    expect(stored.map((message) => (message.attachments.length > 0 ? 'photo' : message.text))).toEqual(['photo', '就是这张图里的破损']);
  });

  it('uploads an agent image as temporary media and sends it by media_id', async () => {
    const user = openId();
    await driver.post(WechatDriver.text(user, '看看图', msgId()));
    const conversationId = (await conversationOf(user))!;
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(100)]);
    const form = new FormData();
    form.append('file', new Blob([png], { type: 'image/png' }), '示意图.png');
    const uploaded = await fetch(`${server.url}/api/v1/workspaces/${ws.workspaceId}/files`, {
      method: 'POST',
      headers: { cookie: ws.clients.admin.cookie! },
      body: form,
    });
    expect(uploaded.status).toBe(201);
    const attachment = (await uploaded.json()) as { id: string };
    const response = await ws.clients.admin.post(`/api/v1/workspaces/${ws.workspaceId}/conversations/${conversationId}/messages`, {
      text: '请看图片',
      attachmentIds: [attachment.id],
    });
    expect(response.status).toBe(201);
    await until(async () => (await messageRow(response.body.id)).delivery === 'delivered', 'delivered');
    const sent = double.sentOf('custom.send').filter((record) => record.body.touser === user);
    expect(sent.map((record) => record.body.msgtype)).toEqual(['text', 'image']);
    const mediaId = (sent[1]!.body.image as { media_id: string }).media_id;
    expect(mediaId).toMatch(/^MEDIA_/);
  });

  it('marks a reply failed on 45047 (quota) and enforces the quota itself before asking WeChat', async () => {
    const user = openId();
    await driver.post(WechatDriver.text(user, '多问几句', msgId()));
    const conversationId = (await conversationOf(user))!;
    double.failNext('custom.send', 45047);
    const first = await reply(conversationId, '第一条');
    const failed = await until(async () => {
      const row = await messageRow(first);
      return row.delivery === 'failed' ? row : undefined;
    }, 'failed');
    expect(failed.failureReason).toContain('45047');
    // Five more go out (the quota), the sixth is refused without calling WeChat.
    const ids: string[] = [];
    for (let index = 0; index < 6; index++) ids.push(await reply(conversationId, `回复 ${index}`));
    const rows = await until(async () => {
      const all = await Promise.all(ids.map(messageRow));
      return all.every((row) => row.delivery !== 'sent') ? all : undefined;
    }, 'all settled');
    expect(rows.map((row) => row.delivery)).toEqual(['delivered', 'delivered', 'delivered', 'delivered', 'delivered', 'failed']);
    expect(rows[5]!.failureReason).toContain('45047');
    expect(double.sentOf('custom.send').filter((record) => record.body.touser === user)).toHaveLength(5);
    const window = await ws.clients.agent.get(`/api/v1/workspaces/${ws.workspaceId}/conversations/${conversationId}/wechat-window`);
    expect(window.body).toMatchObject({ windowOpen: true, remaining: 0 });
    // The customer writes again: the quota starts over.
    await driver.post(WechatDriver.text(user, '还有一个问题', msgId()));
    const again = await ws.clients.agent.get(`/api/v1/workspaces/${ws.workspaceId}/conversations/${conversationId}/wechat-window`);
    expect(again.body).toMatchObject({ windowOpen: true, remaining: 5 });
  });

  it('works in compatible and plain mode too', async () => {
    const patch = async (mode: string) =>
      expect((await ws.clients.admin.patch(`/api/v1/workspaces/${ws.workspaceId}/wechat-inboxes/${inboxId}`, { mode })).status).toBe(200);
    try {
      await patch('compatible');
      const compatible = new WechatDriver({ ...driver.account, mode: 'compatible' });
      const user = openId();
      const encrypted = await compatible.post(WechatDriver.event(user, 'subscribe'));
      expect(encrypted.body).toContain('<Encrypt>');
      expect(parseXml(compatible.openReply(encrypted.body))).toMatchObject({ ToUserName: user, MsgType: 'text' });
      const plainInCompatible = await compatible.post(WechatDriver.text(user, '明文也可以', msgId()), { mode: 'plain' });
      expect(plainInCompatible).toEqual({ status: 200, body: 'success' });
      await patch('plain');
      const plain = new WechatDriver({ ...driver.account, mode: 'plain' });
      const greeting = await plain.post(WechatDriver.event(openId(), 'subscribe'));
      expect(greeting.body).not.toContain('<Encrypt>');
      expect(parseXml(greeting.body)).toMatchObject({ MsgType: 'text', Content: '欢迎关注汇流商城！回复“转人工”联系客服。' });
      expect((await plain.post(WechatDriver.text(openId(), 'x', msgId()), { tamper: 'signature' })).status).toBe(401);
    } finally {
      await patch('safe');
    }
    const secret = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/wechat-inboxes/${inboxId}`);
    expect(JSON.stringify(secret.body)).not.toContain(SECRET);
  });

  it('refuses bad callbacks with a 4xx, stores nothing and logs them', async () => {
    const count = async () => (await server.ctx.db.select({ id: messages.id }).from(messages)).length;
    const before = await count();
    const user = openId();
    const fields = WechatDriver.text(user, 'bad', msgId());
    expect((await driver.post(fields, { tamper: 'signature' })).status).toBe(401);
    expect((await driver.post(fields, { tamper: 'appId' })).status).toBe(400);
    expect((await driver.post(fields, { tamper: 'truncate' })).status).toBe(400);
    expect((await driver.post(null, { rawXml: '<xml><ToUserName>oops' })).status).toBe(400);
    expect((await driver.post(null, { rawBody: '<xml><ToUserName>oops' })).status).toBe(400);
    expect((await driver.post(fields, { mode: 'plain' })).status).toBe(400);
    expect((await driver.post(fields, { rawBody: `<xml><Encrypt>${'A'.repeat(70_000)}</Encrypt></xml>` })).status).toBe(413);
    const missing = await fetch(`${server.url}/api/v1/channels/wechat/nope`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: '<xml/>',
    });
    expect(missing.status).toBe(404);
    expect(await count()).toBe(before);
    const log = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/wechat-inboxes/${inboxId}/log?limit=20`);
    expect(log.status).toBe(200);
    expect(log.body.items.filter((item: { ok: boolean }) => !item.ok).length).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(log.body)).not.toMatch(/TOKEN_[0-9a-f]{32}|app-secret-for-tests/);
    const health = await ws.clients.agent.get(`/api/v1/workspaces/${ws.workspaceId}/wechat-inboxes/${inboxId}/health`);
    expect(health.status).toBe(200);
    expect(health.body.token.state).toBe('valid');
    expect(health.body.lastError).toBeTruthy();
    expect(health.body.lastInboundAt).toBeTruthy();
  });

  it('keeps the secrets encrypted at rest and never returns them', async () => {
    const [row] = await server.ctx.db.select().from(wechatAccounts).where(eq(wechatAccounts.inboxId, inboxId));
    const stored = JSON.stringify(row!.secrets);
    for (const secret of [SECRET, TOKEN, AES_KEY]) expect(stored).not.toContain(secret);
    expect(row!.secrets.sealed).toMatch(/^v1:/);
    // A new secret through the API is sealed too, and the inbox still works with it.
    const patched = await ws.clients.admin.patch(setup.api(`/wechat-inboxes/${inboxId}`), { appSecret: 'rotated-secret-42' });
    expect(patched.status).toBe(200);
    const [after] = await server.ctx.db.select().from(wechatAccounts).where(eq(wechatAccounts.inboxId, inboxId));
    expect(JSON.stringify(after!.secrets)).not.toContain('rotated-secret-42');
    expect(after!.secrets.sealed).not.toBe(row!.secrets.sealed);
    const answers = [
      patched,
      await ws.clients.admin.get(setup.api(`/wechat-inboxes/${inboxId}`)),
      await ws.clients.admin.get(setup.api(`/inboxes/${inboxId}`)),
      await ws.clients.admin.get(setup.api('/inboxes')),
      await ws.clients.admin.get(setup.api(`/wechat-inboxes/${inboxId}/log?limit=200`)),
      await ws.clients.admin.get(setup.api(`/wechat-inboxes/${inboxId}/health`)),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      for (const secret of [SECRET, 'rotated-secret-42', TOKEN, AES_KEY]) expect(JSON.stringify(answer.body)).not.toContain(secret);
    }
    await ws.clients.admin.patch(setup.api(`/wechat-inboxes/${inboxId}`), { appSecret: SECRET });
    expect((await driver.verifyUrl('still-works')).body).toBe('still-works');

    // A row stored before encryption at rest is sealed at start-up and keeps working.
    const legacy = { appSecret: SECRET, token: TOKEN, encodingAESKey: AES_KEY };
    await server.ctx.db.update(wechatAccounts).set({ secrets: legacy }).where(eq(wechatAccounts.inboxId, inboxId));
    expect((await driver.verifyUrl('legacy-row')).body).toBe('legacy-row');
    expect(await sealPlaintextSecrets(server.ctx.db, server.ctx.secrets)).toBeGreaterThanOrEqual(1);
    const [sealed] = await server.ctx.db.select().from(wechatAccounts).where(eq(wechatAccounts.inboxId, inboxId));
    expect(Object.keys(sealed!.secrets)).toEqual(['sealed']);
    expect(await sealPlaintextSecrets(server.ctx.db, server.ctx.secrets)).toBe(0);
    expect((await driver.verifyUrl('sealed-row')).body).toBe('sealed-row');
  });

  it('refuses a callback signed too long ago or in the future (a replay), but dedupes WeChat retries within the window', async () => {
    const count = async () => (await server.ctx.db.select({ id: messages.id }).from(messages)).length;
    const before = await count();
    const user = openId();
    const now = Math.floor(Date.now() / 1000);
    const fields = WechatDriver.text(user, '一条被截获的消息', msgId());
    const old = await driver.post(fields, { timestamp: now - 600 });
    expect(old.status).toBe(401);
    expect(old.body).toContain('stale_callback');
    expect((await driver.post(fields, { timestamp: now + 600 })).status).toBe(401);
    expect(await count()).toBe(before);
    const log = await ws.clients.admin.get(setup.api(`/wechat-inboxes/${inboxId}/log?limit=5`));
    expect(log.body.items[0]).toMatchObject({ direction: 'in', ok: false });
    expect(log.body.items[0].detail).toMatch(/timestamp/);

    // WeChat's own three retries repeat the first attempt's timestamp, seconds later: one message.
    const retried = WechatDriver.text(user, '重试三次的消息', msgId());
    const answers = [];
    for (const age of [20, 15, 10]) answers.push(await driver.post(retried, { timestamp: now - age }));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect((await inboundOf(user)).map((row) => row.message.text)).toEqual(['重试三次的消息']);
  });
});
