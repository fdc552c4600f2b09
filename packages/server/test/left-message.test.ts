import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveIdleBotConversations } from '../src/modules/bot/idle.js';
import { eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { conversations as conversationsTable, messages as messagesTable } from '../src/modules/conversations/schema.js';
import { emitAck, startVisitor } from './support/chat.js';
import { queryRows } from './support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';
import { startSmtpCapture } from './support/smtp.js';

let server: TestServer;
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
let ws: WorkspaceFixture;
let inboxKey: string;
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
const opened: { close(): void }[] = [];

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached in time`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startTestServer({ QUEUE_ABANDON_SECONDS: '1', SMTP_URL: smtp.url, SMTP_FROM: 'Huiliu <no-reply@huiliu.test>' });
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'leftmsg');
  // The bot is on: before the fix it answered left messages and closed them as its own.
  expect((await ws.clients.admin.put(api(`/inboxes/${ws.ids.inbox}/bot`), { enabled: true })).status).toBe(200);
  inboxKey = (await ws.clients.admin.get(api(`/inboxes/${ws.ids.inbox}`))).body.publicKey;
});
afterAll(async () => {
  for (const socket of opened) socket.close();
  await server?.stop();
  await smtp?.close();
});

async function leaveMessage(text: string, email: string) {
  const visitor = await startVisitor(server.url, inboxKey);
  opened.push(visitor.socket);
  const ack = await emitAck(visitor.socket, 'offline:submit', { clientMessageId: randomUUID(), name: '周敏', email, text });
  expect(ack.ok, JSON.stringify(ack.error)).toBe(true);
  return { visitor, conversationId: ack.data.conversationId as string };
}

const conversation = async (id: string) => (await ws.clients.agent.get(api(`/conversations/${id}`))).body;
const messagesOf = async (id: string) => {
  const body = (await ws.clients.agent.get(api(`/conversations/${id}/messages`))).body;
  return (body.items ?? body) as { senderType: string; kind: string; text: string; event: { type?: string } | null }[];
};
const goQuiet = (id: string) =>
  queryRows(
    server.database.url,
    `UPDATE conversations SET last_message_at = now() - interval '3 hours', queued_at = now() - interval '3 hours' WHERE id = $1`,
    [id],
  );

describe('a message left on the widget form', () => {
  it('waits in the human queue, marked left-message; the bot does not answer it and neither sweep closes it', async () => {
    const { visitor, conversationId } = await leaveMessage('我下周三前要收到发票，能帮忙加急吗？', 'zhoumin@example.com');
    const left = await conversation(conversationId);
    expect(left.state).toBe('queued');
    expect(left.context.leftMessage).toMatchObject({ email: 'zhoumin@example.com', name: '周敏' });
    expect((await messagesOf(conversationId)).filter((m) => m.senderType === 'bot')).toEqual([]);

    // Another visitor asks the bot for a person and leaves without a message: that one the sweep may end.
    const other = await startVisitor(server.url, inboxKey);
    const sent = await emitAck(other.socket, 'message:send', { clientMessageId: randomUUID(), text: '转人工' });
    expect(sent.ok).toBe(true);
    const otherId = sent.data.conversation.id as string;
    await until(async () => (await conversation(otherId)).state === 'queued', 'the other conversation handed off');
    other.socket.close();
    visitor.socket.close();
    await goQuiet(conversationId);
    await goQuiet(otherId);
    await queryRows(server.database.url, `UPDATE widget_visitors SET last_seen_at = now() - interval '3 hours' WHERE workspace_id = $1`, [
      ws.workspaceId,
    ]);
    await until(async () => {
      await server.ctx.routing.abandon(ws.workspaceId);
      return (await conversation(otherId)).state === 'resolved';
    }, 'the abandon sweep ending the conversation without a left message');
    expect((await resolveIdleBotConversations(server.ctx)).map((appended) => appended.conversation.id)).not.toContain(conversationId);
    expect((await conversation(conversationId)).state).toBe('queued');
    expect((await messagesOf(conversationId)).some((m) => m.event?.type === 'resolved')).toBe(false);
  });

  it('becomes a ticket the customer is told the number of; a second message joins the same ticket', async () => {
    const { visitor, conversationId } = await leaveMessage('退货的快递单号填错了，请帮我改一下', 'wanghai@example.com');
    const linked = await ws.clients.admin.get(api(`/tickets?conversationId=${conversationId}`));
    expect(linked.status).toBe(200);
    expect(linked.body.items).toHaveLength(1);
    const ticket = linked.body.items[0];
    expect(ticket).toMatchObject({ subject: '退货的快递单号填错了，请帮我改一下', sourceChannel: 'widget' });
    const notice = (await messagesOf(conversationId)).find((m) => m.text.includes(`#${ticket.number}`));
    expect(notice?.kind).toBe('out');
    const again = await emitAck(visitor.socket, 'offline:submit', {
      clientMessageId: randomUUID(),
      name: '王海',
      email: 'wanghai@example.com',
      text: '正确的单号是 SF1234567890',
    });
    expect(again.ok).toBe(true);
    const after = await ws.clients.admin.get(api(`/tickets?conversationId=${conversationId}`));
    expect(after.body.items.map((item: { id: string }) => item.id)).toEqual([ticket.id]);
  });

  it('started with the bot, it is handed to people with the reason left_message', async () => {
    const visitor = await startVisitor(server.url, inboxKey);
    opened.push(visitor.socket);
    const first = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '你好' });
    const id = first.data.conversation.id as string;
    expect((await conversation(id)).state).toBe('bot');
    const ack = await emitAck(visitor.socket, 'offline:submit', { clientMessageId: randomUUID(), email: 'li@example.com', text: '请回电' });
    expect(ack.ok, JSON.stringify(ack.error)).toBe(true);
    expect(ack.data.conversationId).toBe(id);
    const handed = await conversation(id);
    expect(handed.state).toBe('queued');
    expect(handed.context).toMatchObject({ bot: { handoffReason: 'left_message' }, leftMessage: { email: 'li@example.com' } });
    // Nothing from the bot after the left message.
    const items = await messagesOf(id);
    const leftAt = items.findIndex((m) => m.text === '请回电');
    expect(items.slice(leftAt + 1).filter((m) => m.senderType === 'bot' && m.kind === 'out')).toEqual([]);
  });

  it('an agent’s reply reaches the customer by email while they are away — once, and only to the address on the form', async () => {
    const { visitor, conversationId } = await leaveMessage('收到的手环表带断了，怎么换？', 'wangfang@example.com');
    visitor.socket.close();
    const reply = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), {
      text: '您好，我们已为您补发新表带，单号 SF1234。',
    });
    expect(reply.status).toBe(201);
    await until(async () => smtp.mails.some((mail) => mail.to.includes('wangfang@example.com')), 'the email reply');
    const mail = await simpleParser(smtp.mails.find((item) => item.to.includes('wangfang@example.com'))!.raw);
    const number = (await conversation(conversationId)).number;
    expect(mail.subject).toContain(`#${number}`);
    expect(mail.text).toContain('您好，我们已为您补发新表带，单号 SF1234。');
    expect(smtp.mails.filter((item) => item.to.includes('wangfang@example.com'))).toHaveLength(1);
    const rows = await queryRows(
      server.database.url,
      `SELECT message_id, to_address, via FROM widget_email_replies WHERE conversation_id = $1`,
      [conversationId],
    );
    expect(rows).toEqual([{ message_id: reply.body.id, to_address: 'wangfang@example.com', via: 'mailer' }]);

    // The outbox delivers at least once: a second delivery of the same message sends nothing.
    const [c] = await server.ctx.db.select().from(conversationsTable).where(eq(conversationsTable.id, conversationId));
    const [m] = await server.ctx.db.select().from(messagesTable).where(eq(messagesTable.id, reply.body.id));
    const before = smtp.mails.length;
    await server.ctx.connectors.get('widget')!.deliver(c!, m!);
    expect(smtp.mails.length).toBe(before);
  });

  it('a customer still on the widget gets the reply there, not by email', async () => {
    const { visitor, conversationId } = await leaveMessage('还在线等', 'online@example.com');
    const reply = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), { text: '看到了，马上处理。' });
    expect(reply.status).toBe(201);
    await visitor.inbox.waitFor('message', (p) => p.message.id === reply.body.id);
    await until(async () => {
      const [row] = await queryRows<{ delivery: string }>(server.database.url, `SELECT delivery FROM messages WHERE id = $1`, [
        reply.body.id,
      ]);
      return row?.delivery === 'delivered';
    }, 'delivery on the widget');
    expect(smtp.mails.filter((mail) => mail.to.includes('online@example.com'))).toEqual([]);
    expect(await queryRows(server.database.url, `SELECT 1 FROM widget_email_replies WHERE conversation_id = $1`, [conversationId])).toEqual(
      [],
    );
  });
});
