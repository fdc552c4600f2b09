import { randomUUID } from 'node:crypto';
import { queryRows } from './support/database.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIdentity } from '../src/channels/widget/identity.js';
import { connectAgent, connectSocket, emitAck, startVisitor } from './support/chat.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
let inboxKey: string;
let inboxId: string;
let agent: Awaited<ReturnType<typeof connectAgent>>;

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url);
  const inbox = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/inboxes/${ws.ids.inbox}`);
  inboxKey = inbox.body.publicKey;
  inboxId = inbox.body.id;
  agent = await connectAgent(server.url, ws.clients.agent);
  // The fixture has 已解答; a resolve below uses 已发货 too.
  await ws.clients.admin.post(`/api/v1/workspaces/${ws.workspaceId}/disposition-codes`, { code: '已发货', label: '已发货' });
});
afterAll(async () => {
  agent?.socket.close();
  await server?.stop();
});

const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;

const count = async (sql: string, values: unknown[] = []) =>
  Number((await queryRows<{ count: string }>(server.database.url, sql, values))[0]!.count);

describe('visitor ⇄ agent in real time', () => {
  it('visitor sends, the agent receives; the agent replies, the visitor receives and it is marked delivered', async () => {
    const visitor = await startVisitor(server.url, inboxKey);
    const clientMessageId = randomUUID();
    const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId, text: '你好，我想问一下手环的续航' });
    expect(sent.ok).toBe(true);
    const conversationId = sent.data.conversation.id;
    expect(sent.data.message).toMatchObject({ kind: 'in', seq: 1, text: '你好，我想问一下手环的续航', clientMessageId });

    const received = await agent.inbox.waitFor('message', (event) => event.conversationId === conversationId);
    expect(received).toMatchObject({ seq: 1, message: { kind: 'in', senderType: 'customer' } });
    const conversation = await ws.clients.agent.get(api(`/conversations/${conversationId}`));
    expect(conversation.body).toMatchObject({ state: 'queued', channel: 'widget', teamId: ws.teamId, inboxId });
    expect(conversation.body.context.pageUrl).toBe('https://shop.example/item/9');

    const reply = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), { text: '您好！手环续航约 14 天。' });
    expect(reply.status).toBe(201);
    const atVisitor = await visitor.inbox.waitFor('message', (event) => event.message.id === reply.body.id);
    expect(atVisitor).toMatchObject({ seq: 2, message: { kind: 'out', text: '您好！手环续航约 14 天。', senderName: expect.any(String) } });
    await agent.inbox.waitFor('message:status', (event) => event.messageId === reply.body.id && event.delivery === 'delivered');

    // The visitor reads it; the agent sees "read".
    expect((await emitAck(visitor.socket, 'read', { conversationId, upToSeq: 2 })).ok).toBe(true);
    await agent.inbox.waitFor('message:status', (event) => event.messageId === reply.body.id && event.delivery === 'read');
    const after = await ws.clients.agent.get(api(`/conversations/${conversationId}`));
    expect(after.body.firstResponseAt).not.toBeNull();

    // A private note, then another reply: the visitor's live stream never carries the note.
    await ws.clients.agent.post(api(`/conversations/${conversationId}/notes`), { text: '内部：这位客户是老用户' });
    const second = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), { text: '还有其他问题吗？' });
    await visitor.inbox.waitFor('message', (event) => event.message.id === second.body.id);
    await agent.inbox.waitFor('message', (event) => event.message.kind === 'note' && event.conversationId === conversationId);
    expect(visitor.inbox.of('message').map((event) => event.message.kind)).toEqual(['in', 'out', 'out']);
    expect(JSON.stringify(visitor.inbox.events)).not.toContain('老用户');
    visitor.socket.close();
  });

  it('typing indicators go both ways', async () => {
    const visitor = await startVisitor(server.url, inboxKey);
    const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '在吗' });
    const conversationId = sent.data.conversation.id;
    visitor.socket.emit('typing', { typing: true });
    await agent.inbox.waitFor('typing', (event) => event.conversationId === conversationId && event.typing && event.from === 'customer');
    agent.socket.emit('typing', { conversationId, typing: true });
    await visitor.inbox.waitFor('typing', (event) => event.conversationId === conversationId && event.typing);
    visitor.socket.close();
  });

  it('a resend with the same client message id stores one message and returns the original', async () => {
    const visitor = await startVisitor(server.url, inboxKey);
    const clientMessageId = randomUUID();
    const results = await Promise.all(
      [1, 2, 3].map(() => emitAck(visitor.socket, 'message:send', { clientMessageId, text: '重复发送测试' })),
    );
    const again = await emitAck(visitor.socket, 'message:send', { clientMessageId, text: '重复发送测试' });
    const ids = new Set([...results, again].map((result) => result.data.message.id));
    expect(ids.size).toBe(1);
    expect(await count(`SELECT count(*) FROM messages WHERE client_message_id = $1`, [clientMessageId])).toBe(1);
    visitor.socket.close();
  });

  it('messages sent without waiting for each other are stored in the order they were sent', async () => {
    const visitor = await startVisitor(server.url, inboxKey);
    const form = new FormData();
    form.append(
      'file',
      new Blob([Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)])], { type: 'image/png' }),
      'a.png',
    );
    const uploaded = await fetch(`${server.url}/api/v1/widget/attachments`, {
      method: 'POST',
      headers: { 'x-visitor-token': visitor.session.visitorToken },
      body: form,
    });
    const attachment = (await uploaded.json()) as { id: string };
    // The first carries an attachment (one more query before it is stored): the rest would overtake it.
    const sent = await Promise.all([
      emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '第 1 条', attachmentIds: [attachment.id] }),
      ...[2, 3, 4, 5].map((n) => emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: `第 ${n} 条` })),
    ]);
    expect(sent.every((result) => result.ok)).toBe(true);
    const rows = await queryRows<{ text: string }>(
      server.database.url,
      `SELECT text FROM messages WHERE conversation_id = $1 AND kind = 'in' ORDER BY seq`,
      [sent[0]!.data.conversation.id],
    );
    expect(rows.map((row) => row.text)).toEqual(['第 1 条', '第 2 条', '第 3 条', '第 4 条', '第 5 条']);
    visitor.socket.close();
  });

  it('a reconnecting visitor gets what it missed, in order, with no gaps or duplicates — and never internal notes', async () => {
    const visitor = await startVisitor(server.url, inboxKey);
    const first = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '我的订单到哪了？' });
    const conversationId = first.data.conversation.id;
    const seenSeq = first.data.message.seq;
    visitor.socket.close();

    await ws.clients.agent.post(api(`/conversations/${conversationId}/notes`), { text: '内部备注：客户上周投诉过' });
    const replies: string[] = [];
    for (const text of ['正在为您查询', '已经发货了', '预计明天送达']) {
      const response = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), { text });
      replies.push(response.body.id);
    }
    await ws.clients.agent.post(api(`/conversations/${conversationId}/tags`), { tags: ['物流'] });

    const again = await connectSocket(`${server.url}/widget`, { auth: { visitorToken: visitor.session.visitorToken } });
    const missed = await emitAck(again, 'sync', { conversationId, afterSeq: seenSeq });
    expect(missed.ok).toBe(true);
    const messages = missed.data.messages as { id: string; seq: number; kind: string; text: string }[];
    expect(messages.map((message) => message.id)).toEqual(replies);
    expect(messages.map((message) => message.text)).toEqual(['正在为您查询', '已经发货了', '预计明天送达']);
    const seqs = messages.map((message) => message.seq);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(messages.some((message) => message.kind === 'note')).toBe(false);

    const history = await emitAck(again, 'history');
    expect(history.data.messages.map((message: { kind: string }) => message.kind)).toEqual(['in', 'out', 'out', 'out']);
    // The agent sees everything, in seq order with no gaps.
    const full = await ws.clients.agent.get(api(`/conversations/${conversationId}/messages?afterSeq=0`));
    expect(full.body.items.map((message: { seq: number }) => message.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(full.body.items[1]).toMatchObject({ kind: 'note' });
    again.close();
  });

  it('a visitor keeps their history across reloads (same token), and resolved conversations offer CSAT', async () => {
    const visitor = await startVisitor(server.url, inboxKey);
    const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '发票怎么开？' });
    const conversationId = sent.data.conversation.id;
    visitor.socket.close();

    const reloaded = await startVisitor(server.url, inboxKey, { visitorToken: visitor.session.visitorToken });
    expect(reloaded.session.customerId).toBe(visitor.session.customerId);
    expect(reloaded.session.conversationId).toBe(conversationId);
    const history = await emitAck(reloaded.socket, 'history');
    expect(history.data.messages[0].text).toBe('发票怎么开？');

    expect((await emitAck(reloaded.socket, 'csat:submit', { conversationId, rating: 5 })).error?.code).toBe('not_resolved');
    const resolved = await ws.clients.agent.post(api(`/conversations/${conversationId}/resolve`), {
      disposition: '已解答',
      summary: '告知开票流程',
    });
    expect(resolved.body.state).toBe('resolved');
    await reloaded.inbox.waitFor(
      'conversation',
      (event) => event.conversation.id === conversationId && event.conversation.state === 'resolved',
    );
    const rated = await emitAck(reloaded.socket, 'csat:submit', { conversationId, rating: 4, comment: '很快' });
    expect(rated.ok).toBe(true);
    const after = await ws.clients.agent.get(api(`/conversations/${conversationId}`));
    expect(after.body.csat).toEqual({ rating: 4, comment: '很快' });
    // The agent reads the comment in the timeline, not only the stars.
    const timeline = (await ws.clients.agent.get(api(`/conversations/${conversationId}/messages`))).body;
    const csatEvent = (timeline.items ?? timeline).find((m: { event: { type?: string } | null }) => m.event?.type === 'csat');
    expect(csatEvent.event).toMatchObject({ type: 'csat', rating: 4, comment: '很快' });
    expect((await emitAck(reloaded.socket, 'csat:submit', { conversationId, rating: 1 })).ok).toBe(false);

    // A new message after resolution starts a new conversation.
    const next = await emitAck(reloaded.socket, 'message:send', { clientMessageId: randomUUID(), text: '还有一个问题' });
    expect(next.data.conversation.id).not.toBe(conversationId);
    reloaded.socket.close();
  });
});

describe('offline', () => {
  it('the widget config says whether an agent is online; offline messages become conversations for the team', async () => {
    const config = async () => (await (await fetch(`${server.url}/api/v1/widget/config?inboxKey=${inboxKey}`)).json()) as any;
    expect((await config()).online).toBe(true);
    agent.socket.disconnect();
    try {
      const offline = await config();
      expect(offline.online).toBe(false);
      expect(offline.offlineMessage['zh-CN']).toMatch(/留言/);
      // No bot on this inbox: nothing answers after hours, so the widget shows the form.
      expect(offline.bot).toEqual({ enabled: false, name: '小流' });
      const visitor = await startVisitor(server.url, inboxKey);
      const left = await emitAck(visitor.socket, 'offline:submit', {
        clientMessageId: randomUUID(),
        name: '王女士',
        email: 'wang@example.test',
        text: '晚上九点后能送货吗？',
      });
      expect(left.ok).toBe(true);
      const conversation = await ws.clients.agent.get(api(`/conversations/${left.data.conversationId}`));
      expect(conversation.body).toMatchObject({ state: 'queued', teamId: ws.teamId, customerName: '王女士' });
      const customer = await ws.clients.agent.get(api(`/customers/${conversation.body.customerId}`));
      expect(customer.body.identities).toEqual(
        expect.arrayContaining([expect.objectContaining({ kind: 'email', value: 'wang@example.test' })]),
      );
      expect(
        (await emitAck(visitor.socket, 'offline:submit', { clientMessageId: randomUUID(), email: 'not an email', text: 'x' })).error?.code,
      ).toBe('validation_failed');
      visitor.socket.close();
    } finally {
      agent = await connectAgent(server.url, ws.clients.agent);
    }
    expect((await config()).online).toBe(true);
  });

  it('an unknown or disabled inbox key is a clear 404', async () => {
    const response = await fetch(`${server.url}/api/v1/widget/config?inboxKey=nonexistent-key`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as any).error.message).toMatch(/data-inbox-key/);
  });
});

describe('identity verification', () => {
  const sign = async (userId: string, timestamp: number) => {
    const secret = (await ws.clients.admin.get(api(`/inboxes/${inboxId}/secret`))).body.secret as string;
    return signIdentity(secret, userId, timestamp);
  };
  const now = () => Math.floor(Date.now() / 1000);
  const session = (body: unknown) =>
    fetch(`${server.url}/api/v1/widget/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('accepts a good signature and binds the visitor to that customer', async () => {
    const timestamp = now();
    const visitor = await startVisitor(server.url, inboxKey, {
      identity: {
        userId: 'member-1001',
        timestamp,
        signature: await sign('member-1001', timestamp),
        name: '李雷',
        email: 'lilei@example.test',
      },
    });
    expect(visitor.session.verified).toBe(true);
    const customer = await ws.clients.agent.get(api(`/customers/${visitor.session.customerId}`));
    expect(customer.body.name).toBe('李雷');
    expect(customer.body.identities).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'external', value: 'member-1001', verified: true })]),
    );
    // The same member on another device is the same customer.
    const other = await startVisitor(server.url, inboxKey, {
      identity: { userId: 'member-1001', timestamp, signature: await sign('member-1001', timestamp) },
    });
    expect(other.session.customerId).toBe(visitor.session.customerId);
    visitor.socket.close();
    other.socket.close();
  });

  it('refuses wrong, stale and future signatures, and a missing one when required', async () => {
    const timestamp = now();
    const wrong = await session({
      inboxKey,
      identity: { userId: 'member-1001', timestamp, signature: await sign('member-2002', timestamp) },
    });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as any).error.code).toBe('identity_invalid');
    const stale = await session({
      inboxKey,
      identity: { userId: 'member-1001', timestamp: timestamp - 3600, signature: await sign('member-1001', timestamp - 3600) },
    });
    expect(stale.status).toBe(401);
    expect(((await stale.json()) as any).error.code).toBe('identity_expired');
    const future = await session({
      inboxKey,
      identity: { userId: 'member-1001', timestamp: timestamp + 3600, signature: await sign('member-1001', timestamp + 3600) },
    });
    expect(future.status).toBe(401);

    await ws.clients.admin.patch(api(`/inboxes/${inboxId}`), { settings: { requireIdentity: true } });
    try {
      const missing = await session({ inboxKey });
      expect(missing.status).toBe(401);
      expect(((await missing.json()) as any).error.code).toBe('identity_required');
    } finally {
      await ws.clients.admin.patch(api(`/inboxes/${inboxId}`), { settings: { requireIdentity: false } });
    }
  });

  it('an anonymous visitor who logs in brings their chat along', async () => {
    const anonymous = await startVisitor(server.url, inboxKey);
    const sent = await emitAck(anonymous.socket, 'message:send', { clientMessageId: randomUUID(), text: '登录前的问题' });
    anonymous.socket.close();
    const timestamp = now();
    const identified = await startVisitor(server.url, inboxKey, {
      visitorToken: anonymous.session.visitorToken,
      identity: { userId: 'member-3003', timestamp, signature: await sign('member-3003', timestamp) },
    });
    expect(identified.session.customerId).not.toBe(anonymous.session.customerId);
    const conversation = await ws.clients.agent.get(api(`/conversations/${sent.data.conversation.id}`));
    expect(conversation.body.customerId).toBe(identified.session.customerId);
    identified.socket.close();
  });

  it("a visitor cannot read another visitor's conversation by guessing ids or tokens", async () => {
    const alice = await startVisitor(server.url, inboxKey);
    const bob = await startVisitor(server.url, inboxKey);
    const sent = await emitAck(alice.socket, 'message:send', { clientMessageId: randomUUID(), text: '我的地址是北京市海淀区' });
    const conversationId = sent.data.conversation.id;
    for (const event of ['sync', 'read', 'csat:submit']) {
      const response = await emitAck(bob.socket, event, { conversationId, afterSeq: 0, upToSeq: 1, rating: 5 });
      expect(response.ok, event).toBe(false);
      expect(response.error?.code).toBe('not_found');
    }
    expect(JSON.stringify(bob.inbox.events)).not.toContain('海淀区');
    await expect(connectSocket(`${server.url}/widget`, { auth: { visitorToken: `hv_${randomUUID()}` } })).rejects.toThrow(
      /unknown visitor token/,
    );
    alice.socket.close();
    bob.socket.close();
  });
});

describe('bad input from visitors', () => {
  it('refuses oversize text, malformed events and empty messages with clear errors', async () => {
    const visitor = await startVisitor(server.url, inboxKey);
    const tooLong = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '长'.repeat(10_001) });
    expect(tooLong.error?.code).toBe('message_too_long');
    for (const payload of [
      'just a string',
      42,
      null,
      { text: 'no client id' },
      { clientMessageId: '', text: 'x' },
      { clientMessageId: 'x', text: 5 },
    ]) {
      const response = await emitAck(visitor.socket, 'message:send', payload);
      expect(response.ok, JSON.stringify(payload)).toBe(false);
      expect(response.error?.code).toBe('validation_failed');
    }
    expect((await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '   ' })).error?.code).toBe(
      'empty_message',
    );
    expect((await emitAck(visitor.socket, 'sync', { conversationId: 'not-a-uuid', afterSeq: -1 })).error?.code).toBe('validation_failed');
    expect(
      (await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), attachmentIds: [randomUUID()] })).error?.code,
    ).toBe('not_found');
    expect(visitor.socket.connected).toBe(true);
    visitor.socket.close();
  });

  it('rate-limits a flood from one visitor while others are served', async () => {
    const flooder = await startVisitor(server.url, inboxKey);
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => emitAck(flooder.socket, 'message:send', { clientMessageId: randomUUID(), text: `刷屏 ${i}` })),
    );
    const limited = results.filter((result) => result.error?.code === 'rate_limited');
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.error!.message).toMatch(/too fast/);
    const other = await startVisitor(server.url, inboxKey);
    expect((await emitAck(other.socket, 'message:send', { clientMessageId: randomUUID(), text: '正常用户' })).ok).toBe(true);
    flooder.socket.close();
    other.socket.close();
  });

  it('checks attachments: allowed type, real content, size; names sanitised; served safely', async () => {
    await ws.clients.admin.patch(api(`/inboxes/${inboxId}`), {
      settings: { attachments: { maxBytes: 4096, contentTypes: ['image/png', 'application/pdf'] } },
    });
    const visitor = await startVisitor(server.url, inboxKey);
    const upload = (name: string, type: string, bytes: Buffer, token = visitor.session.visitorToken) => {
      const form = new FormData();
      form.append('file', new Blob([bytes], { type }), name);
      return fetch(`${server.url}/api/v1/widget/attachments`, { method: 'POST', headers: { 'x-visitor-token': token }, body: form });
    };
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100)]);

    const html = await upload('evil.html', 'text/html', Buffer.from('<script>alert(1)</script>'));
    expect(html.status).toBe(415);
    expect(((await html.json()) as any).error.code).toBe('attachment_type_not_allowed');
    const fakePng = await upload('fake.png', 'image/png', Buffer.from('<html><script>alert(1)</script></html>'));
    expect(fakePng.status).toBe(415);
    const big = await upload('big.pdf', 'application/pdf', Buffer.concat([Buffer.from('%PDF-1.4'), Buffer.alloc(10_000)]));
    expect(big.status).toBe(413);
    expect(((await big.json()) as any).error.code).toBe('attachment_too_large');
    expect((await upload('x.png', 'image/png', png, 'hv_wrong')).status).toBe(401);

    const good = await upload('../../etc/<截图>.png', 'image/png', png);
    expect(good.status).toBe(201);
    const attachment = (await good.json()) as any;
    expect(attachment.name).toBe('_截图_.png');
    const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '', attachmentIds: [attachment.id] });
    expect(sent.ok).toBe(true);
    expect(sent.data.message.attachments[0].id).toBe(attachment.id);
    const served = await fetch(`${server.url}${attachment.url}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
    expect((await fetch(`${server.url}/files/${attachment.id}/wrong-key/x.png`)).status).toBe(404);

    // Someone else's upload cannot be attached.
    const other = await startVisitor(server.url, inboxKey);
    expect(
      (await emitAck(other.socket, 'message:send', { clientMessageId: randomUUID(), attachmentIds: [attachment.id] })).error?.code,
    ).toBe('not_found');
    await ws.clients.admin.patch(api(`/inboxes/${inboxId}`), {
      settings: { attachments: { maxBytes: 10 * 1024 * 1024, contentTypes: ['image/png', 'application/pdf'] } },
    });
    visitor.socket.close();
    other.socket.close();
  });

  it('text is stored as sent and delivered as data, never as markup', async () => {
    const visitor = await startVisitor(server.url, inboxKey);
    const payload = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: payload });
    const stored = await ws.clients.agent.get(api(`/conversations/${sent.data.conversation.id}/messages`));
    expect(stored.body.items[0].text).toBe(payload);
    expect(stored.headers.get('content-type')).toMatch(/application\/json/);
    visitor.socket.close();
  });
});

describe('customers', () => {
  it('merging two customers keeps every conversation and identity, after an explicit confirmation', async () => {
    const a = await startVisitor(server.url, inboxKey);
    const b = await startVisitor(server.url, inboxKey);
    const convA = (await emitAck(a.socket, 'message:send', { clientMessageId: randomUUID(), text: '网页上问的' })).data.conversation.id;
    const convB = (await emitAck(b.socket, 'message:send', { clientMessageId: randomUUID(), text: '手机上问的' })).data.conversation.id;
    await ws.clients.agent.patch(api(`/customers/${a.session.customerId}`), {
      tier: 'vip',
      tags: ['老客户'],
      attributes: { 会员等级: '金卡' },
    });

    const unconfirmed = await ws.clients.supervisor.post(api(`/customers/${a.session.customerId}/merge`), {
      sourceCustomerId: b.session.customerId,
    });
    expect(unconfirmed.status).toBe(400);
    expect(
      (
        await ws.clients.agent.post(api(`/customers/${a.session.customerId}/merge`), {
          sourceCustomerId: b.session.customerId,
          confirm: true,
        })
      ).status,
    ).toBe(403);

    const before = (await ws.clients.agent.get(api(`/customers/${b.session.customerId}`))).body;
    const merged = await ws.clients.supervisor.post(api(`/customers/${a.session.customerId}/merge`), {
      sourceCustomerId: b.session.customerId,
      confirm: true,
    });
    expect(merged.status).toBe(200);
    expect(merged.body).toMatchObject({ tier: 'vip', tags: ['老客户'], attributes: { 会员等级: '金卡' } });
    const identityValues = merged.body.identities.map((identity: { value: string }) => identity.value);
    expect(identityValues).toEqual(expect.arrayContaining(before.identities.map((identity: { value: string }) => identity.value)));
    const conversations = await ws.clients.agent.get(api(`/conversations?customerId=${a.session.customerId}`));
    expect(conversations.body.items.map((item: { id: string }) => item.id).sort()).toEqual([convA, convB].sort());
    expect((await ws.clients.agent.get(api(`/customers/${b.session.customerId}`))).status).toBe(404);
    const audit = await ws.clients.admin.get(api('/audit-log?action=customer.merge'));
    expect(audit.body.items[0]).toMatchObject({ targetId: a.session.customerId, actorUserId: ws.users.supervisor.id });
    // B's browser keeps working, now as A.
    const resumed = await startVisitor(server.url, inboxKey, { visitorToken: b.session.visitorToken });
    expect(resumed.session.customerId).toBe(a.session.customerId);
    for (const socket of [a.socket, b.socket, resumed.socket]) socket.close();
  });

  it('finds a customer by any identity', async () => {
    const found = await ws.clients.agent.get(
      api(`/customers?identityKind=email&identityValue=${encodeURIComponent('CUSTOMER-' + ws.slug.slice(3) + '@example.test')}`),
    );
    expect(found.body.items).toHaveLength(1);
    expect(found.body.items[0].id).toBe(ws.ids.customer);
  });
});

describe('agent API', () => {
  it('assign, tag, prioritise, resolve and reopen are events in the timeline; filters find them', async () => {
    const conversationId = ws.ids.conversation!;
    const assigned = await ws.clients.supervisor.post(api(`/conversations/${conversationId}/assign`), { assigneeId: ws.users.agent.id });
    expect(assigned.body).toMatchObject({ state: 'assigned', assigneeId: ws.users.agent.id });
    await ws.clients.agent.post(api(`/conversations/${conversationId}/tags`), { tags: ['发货', '催单', '发货'] });
    await ws.clients.agent.post(api(`/conversations/${conversationId}/priority`), { priority: 'high' });
    const mine = await ws.clients.agent.get(api('/conversations?assigneeId=me&tag=催单'));
    expect(mine.body.items.map((item: { id: string }) => item.id)).toContain(conversationId);
    expect((await ws.clients.agent.get(api('/conversations?q=订单还没发货'))).body.items.map((item: { id: string }) => item.id)).toContain(
      conversationId,
    );
    expect((await ws.clients.agent.post(api(`/conversations/${conversationId}/assign`), { assigneeId: randomUUID() })).status).toBe(404);
    await ws.clients.agent.post(api(`/conversations/${conversationId}/resolve`), { disposition: '已发货' });
    expect((await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), { text: 'x' })).status).toBe(409);
    const reopened = await ws.clients.agent.post(api(`/conversations/${conversationId}/reopen`), {});
    expect(reopened.body.state).toBe('assigned');
    const timeline = await ws.clients.agent.get(api(`/conversations/${conversationId}/messages`));
    const events = timeline.body.items
      .filter((item: { kind: string }) => item.kind === 'event')
      .map((item: { event: { type: string } }) => item.event.type);
    expect(events).toEqual(['assigned', 'tagged', 'priority', 'resolved', 'reopened']);
    const tagged = timeline.body.items.find((item: any) => item.event?.type === 'tagged');
    expect(tagged.event.tags).toEqual(['发货', '催单']);
  });

  it('agents subscribe only to conversations of their workspaces', async () => {
    const own = await emitAck(agent.socket, 'subscribe', { conversationId: ws.ids.conversation });
    expect(own.ok).toBe(true);
    expect((await emitAck(agent.socket, 'subscribe', { conversationId: randomUUID() })).error?.code).toBe('not_found');
    expect((await emitAck(agent.socket, 'subscribe', { conversationId: 'nope' })).ok).toBe(false);
  });

  it('pre-chat answers are kept on the conversation and name the customer', async () => {
    const visitor = await startVisitor(server.url, inboxKey);
    const sent = await emitAck(visitor.socket, 'message:send', {
      clientMessageId: randomUUID(),
      text: '想咨询企业采购',
      preChat: { name: '赵先生', phone: '138 0013 8000', topic: '企业采购' },
    });
    const conversation = await ws.clients.agent.get(api(`/conversations/${sent.data.conversation.id}`));
    expect(conversation.body.preChat).toEqual({ name: '赵先生', phone: '138 0013 8000', topic: '企业采购' });
    const customer = await ws.clients.agent.get(api(`/customers/${conversation.body.customerId}`));
    expect(customer.body.name).toBe('赵先生');
    expect(customer.body.identities).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'phone', value: '13800138000' })]));
    visitor.socket.close();
  });

  it('an agent reply is idempotent by client message id', async () => {
    const conversationId = ws.ids.conversation!;
    const clientMessageId = randomUUID();
    const first = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), { text: '好的', clientMessageId });
    const second = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), { text: '好的', clientMessageId });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
  });
});

describe('inbox settings', () => {
  it('changing one widget setting keeps every other one as stored', async () => {
    const created = await ws.clients.admin.post(api('/inboxes'), {
      kind: 'widget',
      name: '设置测试',
      defaultTeamId: ws.teamId,
      settings: { color: '#ff6600', greeting: { 'zh-CN': '欢迎光临', en: 'Welcome' }, csatEnabled: false },
    });
    expect(created.status).toBe(201);
    const changed = await ws.clients.admin.patch(api(`/inboxes/${created.body.id}`), { settings: { requireIdentity: true } });
    expect(changed.status).toBe(200);
    const stored = (await ws.clients.admin.get(api(`/inboxes/${created.body.id}`))).body.settings;
    expect(stored).toMatchObject({
      color: '#ff6600',
      greeting: { 'zh-CN': '欢迎光临', en: 'Welcome' },
      csatEnabled: false,
      requireIdentity: true,
    });
  });
});
