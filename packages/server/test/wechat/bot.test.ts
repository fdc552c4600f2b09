import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WechatDouble } from '../../src/channels/wechat/double/server.js';
import { WechatDriver } from '../../src/channels/wechat/double/driver.js';
import { parseXml } from '../../src/channels/wechat/xml.js';
import { DEMO_FAQS } from '../../src/demo/knowledge.js';
import { queryRows } from '../support/database.js';
import type { WorkspaceFixture } from '../support/fixtures.js';
import type { TestServer } from '../support/server.js';
import { msgId, openId, startWechatInbox, until, type WechatInboxSetup } from '../support/wechat.js';

// The bot on a WeChat Official Account inbox: its first words go back as the passive reply
// within WeChat's 5 seconds, the rest through custom/send, and 转人工 reaches an agent.
const APP_ID = 'wx2c2769f8efd9abc2';
const SECRET = 'bot-app-secret';
const TOKEN = 'spamtest';
const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

/** An answer written in Markdown, as knowledge-base answers are: WeChat must get it as plain text. */
const MARKDOWN_FAQ = {
  category: '门店',
  question: '线下门店在哪里？',
  similar: ['附近有实体店吗', '门店地址'],
  answer: '全国有 **120 家**门店：在 [门店地图](https://shop.example.com/stores) 输入城市查找。',
};

let setup: WechatInboxSetup;
let double: WechatDouble;
let server: TestServer;
let ws: WorkspaceFixture;
let driver: WechatDriver;

const textOf = (record: { body: Record<string, unknown> }) => String((record.body.text as { content?: string } | undefined)?.content ?? '');

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
  setup = await startWechatInbox({
    appId: APP_ID,
    appSecret: SECRET,
    token: TOKEN,
    encodingAESKey: AES_KEY,
    label: 'wechat-bot',
    env: { WECHAT_PASSIVE_WAIT_MS: '3000' },
    inbox: (fixture) => ({ defaultTeamId: fixture.teamId }),
    prepare: async (fixture) => {
      const imported = await fixture.clients.admin.post(`/api/v1/workspaces/${fixture.workspaceId}/knowledge/faqs/import`, {
        format: 'json',
        createCategories: true,
        content: JSON.stringify(
          [...DEMO_FAQS, MARKDOWN_FAQ].map((faq) => ({ 标准问: faq.question, 相似问: faq.similar, 答案: faq.answer, 分类: faq.category })),
        ),
      });
      expect(imported.body.errors).toEqual([]);
    },
  });
  ({ double, server, ws, driver } = setup);
  const bot = await ws.clients.admin.put(setup.api(`/inboxes/${setup.inboxId}/bot`), { enabled: true, greeting: '您好，我是小流。' });
  expect(bot.status).toBe(200);
});

afterAll(async () => {
  await setup?.stop();
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

  it('sends a Markdown answer as plain text, its link kept', async () => {
    const user = openId();
    await driver.post(WechatDriver.event(user, 'subscribe'));
    await driver.post(WechatDriver.text(user, MARKDOWN_FAQ.question, msgId()));
    const answer = await until(
      async () => double.sentOf('custom.send').find((record) => record.body.touser === user && textOf(record).includes('门店')),
      'the answer through custom/send',
    );
    expect(textOf(answer)).toContain('全国有 120 家门店：在 门店地图 (https://shop.example.com/stores) 输入城市查找。');
    expect(textOf(answer)).not.toMatch(/\*\*|\]\(/);
  });
});
