import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FAQS } from '../src/demo/knowledge.js';
import { resolveIdleBotConversations } from '../src/modules/bot/idle.js';
import { knowledgeIndexes } from '../src/modules/knowledge/live-index.js';
import { plainTextOf } from '../src/modules/conversations/views.js';
import { connectAgent, emitAck, startVisitor } from './support/chat.js';
import { queryRows } from './support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
let inboxKey: string;
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
const opened: { close(): void }[] = [];

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'bot');
  const imported = await ws.clients.admin.post(api('/knowledge/faqs/import'), {
    format: 'json',
    content: JSON.stringify(DEMO_FAQS.map((faq) => ({ 标准问: faq.question, 相似问: faq.similar, 答案: faq.answer, 分类: faq.category }))),
  });
  expect(imported.body.errors).toEqual([]);
  const settings = await ws.clients.admin.put(api(`/inboxes/${ws.ids.inbox}/bot`), {
    enabled: true,
    greeting: '您好，我是小流。',
    menu: ['怎么查看物流信息？'],
    keywordRules: [
      { match: 'contains', pattern: '发票', reply: '发票问题请看：https://shop.example/invoice' },
      { match: 'regex', pattern: '^投诉', reply: '很抱歉给您带来不好的体验，马上为您转接。', handoff: true },
    ],
  });
  expect(settings.status).toBe(200);
  inboxKey = (await ws.clients.admin.get(api(`/inboxes/${ws.ids.inbox}`))).body.publicKey;
});
afterAll(async () => {
  for (const socket of opened) socket.close();
  await server?.stop();
});

/** A new widget visitor who writes to the bot and reads its replies. */
async function visitor() {
  const started = await startVisitor(server.url, inboxKey);
  opened.push(started.socket);
  const botMessages = () => started.inbox.of('message', (p) => p.message.senderType === 'bot').map((p) => p.message);
  return {
    ...started,
    botMessages,
    async send(text: string) {
      const before = botMessages().length;
      const ack = await emitAck(started.socket, 'message:send', { clientMessageId: randomUUID(), text });
      expect(ack.ok, JSON.stringify(ack.error)).toBe(true);
      return { ack, before };
    },
    /** Waits for the bot's reply to the last message: `count` new bot messages. */
    async replies(before: number, count: number) {
      await started.inbox.waitFor('message', () => botMessages().length >= before + count);
      return botMessages().slice(before);
    },
    conversationId: () => started.inbox.of('message')[0]?.conversationId as string,
  };
}

async function conversation(id: string) {
  return (await ws.clients.agent.get(api(`/conversations/${id}`))).body;
}

describe('the bot on the widget', () => {
  it('greets with a menu, answers a clear question with a vote, and records a 👍 that resolves the conversation', async () => {
    const v = await visitor();
    const { ack, before } = await v.send('我的快递到哪了');
    const [greeting, answer, vote] = await v.replies(before, 3);
    expect(greeting).toMatchObject({ text: '您好，我是小流。', payload: { type: 'menu', options: [{ label: '怎么查看物流信息？' }] } });
    expect(answer.text).toContain('查看物流');
    expect(answer.senderName).toBe('小流');
    expect(vote.payload).toMatchObject({ type: 'vote', options: [{ value: 'up' }, { value: 'down' }] });
    const conversationId = ack.data.conversation.id;
    expect((await conversation(conversationId)).state).toBe('bot');
    // Other channels get the buttons as numbered text.
    expect(plainTextOf(vote)).toBe('这个回答解决您的问题了吗？\n1. 👍 解决了\n2. 👎 没解决');

    const clicked = await v.send('👍 解决了');
    await v.replies(clicked.before, 1);
    await v.inbox.waitFor('conversation', (p) => p.conversation.state === 'resolved');
    expect((await conversation(conversationId)).state).toBe('resolved');
    const metrics = await ws.clients.supervisor.get(api('/bot/metrics'));
    expect(metrics.body.votes.up).toBeGreaterThanOrEqual(1);
    expect(metrics.body.contained).toBeGreaterThanOrEqual(1);
  });

  it('asks "did you mean" with up to 3 choices, and answers the one picked (by number too)', async () => {
    const v = await visitor();
    const { before } = await v.send('退货退款');
    const replies = await v.replies(before, 2);
    const choices = replies.at(-1);
    expect(choices.text).toBe('您是不是想问：');
    expect(choices.payload.type).toBe('choices');
    const labels = choices.payload.options.map((option: { label: string }) => option.label);
    expect(labels.length).toBeLessThanOrEqual(4);
    expect(labels.at(-1)).toBe('都不是');
    expect(labels).toContain('退款多久能到账？');
    const pick = await v.send(String(labels.indexOf('退款多久能到账？') + 1));
    const [answer] = await v.replies(pick.before, 2);
    expect(answer.text).toContain('退款');
  });

  it('hands off on request: the agent receives the conversation with the bot transcript', async () => {
    await ws.clients.agent.put(api('/presence/me'), { status: 'online' });
    const agent = await connectAgent(server.url, ws.clients.agent);
    opened.push(agent.socket);
    const v = await visitor();
    const first = await v.send('快递到哪里了');
    await v.replies(first.before, 3);
    const { before } = await v.send('转人工');
    const [transfer] = await v.replies(before, 1);
    expect(transfer.text).toContain('转接人工');
    const conversationId = v.conversationId();
    const assigned = await agent.inbox.waitFor(
      'conversation',
      (p) => p.conversation.id === conversationId && p.conversation.state === 'assigned',
    );
    expect(assigned.conversation.assigneeId).toBe(ws.users.agent.id);
    expect(assigned.conversation.context.bot.handoffReason).toBe('requested');
    const history = await ws.clients.agent.get(api(`/conversations/${conversationId}/messages`));
    const transcript = history.body.items ?? history.body;
    const senders = transcript
      .filter((m: { kind: string }) => m.kind !== 'event')
      .map((m: { senderType: string; text: string }) => m.senderType);
    expect(senders.slice(0, 6)).toEqual(['customer', 'bot', 'bot', 'bot', 'customer', 'bot']);
    expect(transcript.some((m: { event: { type?: string } | null }) => m.event?.type === 'handed_off')).toBe(true);
    await ws.clients.agent.put(api('/presence/me'), { status: 'offline' });
  });

  it('answers greetings, thanks and acknowledgements as small talk, and never hands them to a person', async () => {
    const v = await visitor();
    const { ack, before } = await v.send('你好');
    // The first 你好 is answered by the greeting alone (with its menu), not greeted twice.
    const [greeting] = await v.replies(before, 1);
    expect(greeting.text).toBe('您好，我是小流。');
    const id = ack.data.conversation.id;
    for (const [text, reply] of [
      ['在吗', '您好！请直接告诉我您的问题'],
      ['hello', '您好！请直接告诉我您的问题'],
      ['谢谢', '不客气'],
      ['好的', '好的。还有其他需要帮忙的吗？'],
    ] as const) {
      const sent = await v.send(text);
      const [answer] = await v.replies(sent.before, 1);
      expect(answer.text, text).toContain(reply);
    }
    const state = await conversation(id);
    expect(state.state).toBe('bot');
    expect(state.context.bot).toBeUndefined();
    const events = await queryRows<{ type: string; reason: string }>(
      server.database.url,
      `SELECT type, reason FROM bot_events WHERE conversation_id = $1 ORDER BY id`,
      [id],
    );
    expect(events.map((event) => event.type)).not.toContain('handoff');
    expect(events.filter((event) => event.type === 'small_talk').map((event) => event.reason)).toEqual([
      'greeting',
      'greeting',
      'greeting',
      'thanks',
      'ack',
    ]);
    // A question after the small talk is still answered from the knowledge base.
    const asked = await v.send('退款多久能到账');
    const [answer] = await v.replies(asked.before, 2);
    expect(answer.text).toContain('仓库收到退货并验收后');
  });

  it('with no agent online, a hand-off says so and offers the leave-a-message form', async () => {
    const v = await visitor();
    const first = await v.send('快递到哪里了');
    await v.replies(first.before, 3);
    const { before } = await v.send('转人工');
    const [nobody] = await v.replies(before, 1);
    expect(nobody.text).toContain('人工客服暂时都不在线');
    expect(nobody.payload).toEqual({ type: 'leave_message', options: [] });
    expect((await conversation(v.conversationId())).state).toBe('queued');
  });

  it('hands off on low confidence, with the question collected for the learning loop', async () => {
    const v = await visitor();
    const { ack, before } = await v.send('你们老板叫什么名字');
    const replies = await v.replies(before, 2);
    expect(replies.at(-1).text).toContain('人工客服暂时都不在线'); // nobody is online here: the customer is offered the form;
    const state = await conversation(ack.data.conversation.id);
    expect(state.state).toBe('queued');
    expect(state.context.bot.handoffReason).toMatch(/low_confidence|unanswered/);
    // Waiting for people from now on: the wallboard counts it offered (a `queued` routing event).
    const events = await queryRows(
      server.database.url,
      `select type, details from routing_events where conversation_id = $1 and type = 'queued'`,
      [ack.data.conversation.id],
    );
    expect(events).toEqual([{ type: 'queued', details: { handoff: state.context.bot.handoffReason } }]);
    const open = await ws.clients.supervisor.get(api('/knowledge/unanswered'));
    expect(open.body.map((q: { text: string }) => q.text)).toContain('你们老板叫什么名字');
  });

  it('hands off after two failures in a row (👎 twice)', async () => {
    const v = await visitor();
    const asked = await v.send('怎么取消订单');
    await v.replies(asked.before, 3);
    const down = await v.send('👎 没解决');
    const [sorry] = await v.replies(down.before, 1);
    expect(sorry.text).toContain('抱歉');
    const again = await v.send('订单拍错了怎么取消');
    await v.replies(again.before, 2);
    const downAgain = await v.send('2');
    const [transfer] = await v.replies(downAgain.before, 1);
    expect(transfer.text).toContain('人工客服暂时都不在线'); // nobody is online here: the customer is offered the form;
    const state = await conversation(v.conversationId());
    expect(state.state).toBe('queued');
    expect(state.context.bot).toMatchObject({ handoffReason: 'repeated_failure', intent: { category: '订单' } });
    const questions = await ws.clients.supervisor.get(api('/knowledge/unanswered'));
    const downvoted = questions.body.find((q: { text: string }) => q.text === '订单拍错了怎么取消');
    expect(downvoted.reasons.downvoted).toBe(1);
    const metrics = await ws.clients.supervisor.get(api('/bot/metrics'));
    expect(metrics.body.handoffsByReason.repeated_failure).toBeGreaterThanOrEqual(1);
    expect(metrics.body.votes.down).toBeGreaterThanOrEqual(2);
  });

  it('applies keyword rules before the knowledge base', async () => {
    const v = await visitor();
    // "怎么开发票" is an FAQ, but the contains-rule on 发票 wins.
    const { before } = await v.send('怎么开发票');
    const replies = await v.replies(before, 2);
    expect(replies.at(-1).text).toBe('发票问题请看：https://shop.example/invoice');
    const complaint = await v.send('投诉快递员态度差');
    const [apology, transfer] = await v.replies(complaint.before, 2);
    expect(apology.text).toContain('很抱歉');
    expect(transfer.text).toContain('人工客服暂时都不在线'); // nobody is online here: the customer is offered the form;
    expect((await conversation(v.conversationId())).context.bot.handoffReason).toBe('keyword');
  });

  it('a routing rule matches on the intent the bot detected', async () => {
    const team = await ws.clients.admin.post(api('/teams'), { name: '订单组' });
    const rule = await ws.clients.admin.post(api('/routing-rules'), {
      name: '订单问题给订单组',
      position: 0,
      conditions: { intents: ['订单'] },
      teamId: team.body.id,
    });
    expect(rule.status).toBe(201);
    const v = await visitor();
    const asked = await v.send('已付款的订单可以取消吗');
    await v.replies(asked.before, 3);
    const human = await v.send('人工客服');
    await v.replies(human.before, 1);
    const state = await conversation(v.conversationId());
    expect(state.state).toBe('queued');
    expect(state.teamId).toBe(team.body.id);
    await ws.clients.admin.delete(api(`/routing-rules/${rule.body.id}`));
  });

  it('outside business hours answers what it can and offers to leave a message', async () => {
    await ws.clients.admin.patch(api(`/teams/${ws.teamId}`), { businessHours: { timezone: 'Asia/Shanghai', weekly: {} } });
    const v = await visitor();
    const asked = await v.send('支持花呗分期吗');
    const replies = await v.replies(asked.before, 3);
    expect(replies[1].text).toContain('花呗');
    const human = await v.send('转人工');
    const [leave] = await v.replies(human.before, 1);
    expect(leave.text).toContain('留言');
    expect((await conversation(v.conversationId())).state).toBe('queued');
    // The closed-hours auto reply is the bot's, not a second one from routing.
    const history = await ws.clients.agent.get(api(`/conversations/${v.conversationId()}/messages`));
    const items = history.body.items ?? history.body;
    expect(items.filter((m: { senderType: string; kind: string }) => m.senderType === 'system' && m.kind === 'out')).toEqual([]);
    await ws.clients.admin.patch(api(`/teams/${ws.teamId}`), { businessHours: null });
  });

  it('resolves a conversation left with the bot after the inbox’s quiet minutes, counted as contained; 0 means never', async () => {
    const idleIds = async () => (await resolveIdleBotConversations(server.ctx)).map((appended) => appended.conversation.id);
    const goQuiet = (id: string, minutes: number) =>
      queryRows(server.database.url, `UPDATE conversations SET last_message_at = now() - make_interval(mins => $2) WHERE id = $1`, [
        id,
        minutes,
      ]);
    const containedBefore = (await ws.clients.supervisor.get(api('/bot/metrics'))).body.contained;
    const v = await visitor();
    const { ack, before } = await v.send('我的快递到哪了');
    await v.replies(before, 3);
    const id = ack.data.conversation.id;
    await goQuiet(id, 29);
    expect(await idleIds()).not.toContain(id);
    await goQuiet(id, 31);
    expect(await idleIds()).toContain(id);
    expect((await conversation(id)).state).toBe('resolved');
    // The customer's widget hears of it at once.
    await v.inbox.waitFor('conversation', (p) => p.conversation.id === id && p.conversation.state === 'resolved');
    const [event] = await queryRows<{ event: { endedBy: string; reason: string } }>(
      server.database.url,
      `SELECT event FROM messages WHERE conversation_id = $1 AND kind = 'event' ORDER BY seq DESC LIMIT 1`,
      [id],
    );
    expect(event!.event).toMatchObject({ type: 'resolved', endedBy: 'bot', reason: 'idle' });
    expect((await ws.clients.supervisor.get(api('/bot/metrics'))).body.contained).toBe(containedBefore + 1);
    expect(await idleIds()).not.toContain(id); // once

    const settings = (await ws.clients.admin.get(api(`/inboxes/${ws.ids.inbox}/bot`))).body;
    expect(settings.idleResolveMinutes).toBe(30);
    expect((await ws.clients.admin.put(api(`/inboxes/${ws.ids.inbox}/bot`), { ...settings, idleResolveMinutes: 0 })).status).toBe(200);
    const w = await visitor();
    const sent = await w.send('我的快递到哪了');
    await w.replies(sent.before, 3);
    await goQuiet(sent.ack.data.conversation.id, 3 * 24 * 60);
    expect(await idleIds()).not.toContain(sent.ack.data.conversation.id);
    expect((await ws.clients.admin.put(api(`/inboxes/${ws.ids.inbox}/bot`), { ...settings, idleResolveMinutes: -1 })).status).toBe(400);
    await ws.clients.admin.put(api(`/inboxes/${ws.ids.inbox}/bot`), settings);
  });

  it('a node that has not built the index yet builds it outside the message’s transaction, even with a pool of three', async () => {
    // Two of the three connections LISTEN for good (outbox, knowledge edits): the message's
    // transaction takes the last. Built inside it, the index's own query would wait forever.
    const node = await startTestServer({ DATABASE_POOL_SIZE: '3' }, server.database);
    try {
      expect(knowledgeIndexes(node.ctx).isLoaded(ws.workspaceId)).toBe(false);
      const started = await startVisitor(node.url, inboxKey);
      opened.push(started.socket);
      const ack = await emitAck(started.socket, 'message:send', { clientMessageId: randomUUID(), text: '我的快递到哪了' });
      expect(ack.ok, JSON.stringify(ack.error)).toBe(true);
      // Answered in the message's transaction (read back: without Redis, the other node may be the one to publish it).
      const id = ack.data.conversation.id;
      const history = (await ws.clients.agent.get(api(`/conversations/${id}/messages`))).body.items as {
        senderType: string;
        text: string;
      }[];
      expect(history.some((m) => m.senderType === 'bot' && m.text.includes('查看物流'))).toBe(true);
      expect(knowledgeIndexes(node.ctx).isLoaded(ws.workspaceId)).toBe(true);
    } finally {
      await node.stop();
    }
  });

  it('stays out of inboxes where it is off', async () => {
    await ws.clients.admin.put(api(`/inboxes/${ws.ids.inbox}/bot`), { enabled: false });
    const v = await visitor();
    const { ack } = await v.send('我的快递到哪了');
    expect((await conversation(ack.data.conversation.id)).state).toBe('queued');
    const history = await ws.clients.agent.get(api(`/conversations/${ack.data.conversation.id}/messages`));
    expect((history.body.items ?? history.body).filter((m: { senderType: string }) => m.senderType === 'bot')).toEqual([]);
    await ws.clients.admin.put(api(`/inboxes/${ws.ids.inbox}/bot`), { enabled: true });
  });
});
