import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WechatDouble } from '../../src/channels/wechat/double/server.js';
import { WechatDriver } from '../../src/channels/wechat/double/driver.js';
import { parseXml } from '../../src/channels/wechat/xml.js';
import { DEMO_FAQS } from '../../src/demo/knowledge.js';
import { queryRows } from '../support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

// The bot on a WeChat Official Account inbox: its first words go back as the passive reply
// within WeChat's 5 seconds, the rest through custom/send, and 转人工 reaches an agent.
const APP_ID = 'wx2c2769f8efd9abc2';
const SECRET = 'bot-app-secret';
const TOKEN = 'spamtest';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

let double: WechatDouble;
let server: TestServer;
let ws: WorkspaceFixture;
let driver: WechatDriver;

const textOf = (record: { body: Record<string, unknown> }) => String((record.body.text as { content?: string } | undefined)?.content ?? '');

const openId = () => `o${randomBytes(12).toString('base64url')}`;
const msgId = () => String(BigInt(`0x${randomBytes(7).toString('hex')}`));

async function until<T>(read: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const conversationOf = async (open: string) =>
  (
    await queryRows<{ id: string; state: string; assignee_id: string | null }>(
      server.database.url,
      `select c.id, c.state, c.assignee_id from conversations c join customer_identities i on i.customer_id = c.customer_id
       where i.value = $1 order by c.created_at desc limit 1`,
      [open],
    )
  )[0];

beforeAll(async () => {
  double = new WechatDouble();
  await double.start();
  double.registerApp(APP_ID, SECRET);
  server = await startTestServer({ WECHAT_API_BASE: double.url, WECOM_API_BASE: double.url, WECHAT_PASSIVE_WAIT_MS: '3000' });
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'wechat-bot');
  const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
  const imported = await ws.clients.admin.post(api('/knowledge/faqs/import'), {
    format: 'json',
    createCategories: true,
    content: JSON.stringify(DEMO_FAQS.map((faq) => ({ 标准问: faq.question, 相似问: faq.similar, 答案: faq.answer, 分类: faq.category }))),
  });
  expect(imported.body.errors).toEqual([]);
  const created = await ws.clients.admin.post(api('/wechat-inboxes'), {
    kind: 'wechat',
    name: '汇流商城公众号',
    appId: APP_ID,
    appSecret: SECRET,
    token: TOKEN,
    encodingAESKey: AES_KEY,
    mode: 'safe',
    defaultTeamId: ws.teamId,
  });
  expect(created.status).toBe(201);
  const bot = await ws.clients.admin.put(api(`/inboxes/${created.body.inbox.id}/bot`), { enabled: true, greeting: '您好，我是小流。' });
  expect(bot.status).toBe(200);
  driver = new WechatDriver({
    callbackUrl: `${server.url}${new URL(created.body.callbackUrl).pathname}`,
    token: TOKEN,
    encodingAESKey: AES_KEY,
    appId: APP_ID,
    mode: 'safe',
  });
});

afterAll(async () => {
  await server?.stop();
  await double?.stop();
});

describe('the bot on a WeChat Official Account inbox', () => {
  it('answers within the callback as the passive reply, sends the rest by custom/send, and hands 转人工 to an agent', async () => {
    const user = openId();
    // A new follower: with no welcome text of the inbox's own, the bot greets, passively.
    const subscribed = await driver.post(WechatDriver.event(user, 'subscribe'));
    expect(parseXml(driver.openReply(subscribed.body))).toMatchObject({ ToUserName: user, MsgType: 'text', Content: '您好，我是小流。' });
    const faq = DEMO_FAQS.find((item) => item.question === '下单后多久发货？')!;
    const first = await driver.post(WechatDriver.text(user, faq.question, msgId()));
    expect(first.status).toBe(200);
    // The bot's first message (its greeting) is the passive reply, signed and encrypted.
    expect(parseXml(driver.openReply(first.body))).toMatchObject({ ToUserName: user, MsgType: 'text', Content: '您好，我是小流。' });
    // The answer follows through the customer-service API, once.
    const answer = await until(
      async () =>
        double.sentOf('custom.send').find((record) => record.body.touser === user && textOf(record).includes(faq.answer.slice(0, 8))),
      'the answer through custom/send',
    );
    expect(answer.body.msgtype).toBe('text');
    expect(double.sentOf('custom.send').filter((record) => record.body.touser === user && textOf(record) === '您好，我是小流。')).toEqual(
      [],
    );

    // The customer asks for a person; an online agent gets the conversation.
    await ws.clients.agent.put(`/api/v1/workspaces/${ws.workspaceId}/presence/me`, { status: 'online' });
    const second = await driver.post(WechatDriver.text(user, '转人工', msgId()));
    expect(second.status).toBe(200);
    const assigned = await until(async () => {
      const row = await conversationOf(user);
      return row?.state === 'assigned' ? row : undefined;
    }, 'assignment');
    expect(assigned.assignee_id).toBe(ws.users.agent.id);
  });
});
