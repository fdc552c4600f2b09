import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { findOrCreateCustomer } from '../../src/modules/customers/service.js';
import { addTeamMember, createTeam } from '../../src/modules/teams/service.js';
import { addMembership, createUser } from '../../src/modules/users/service.js';
import { connectSocket, emitAck, EventInbox, startVisitor } from '../support/chat.js';
import { fingerprint, queryRows } from '../support/database.js';
import { createWorkspaceFixture, PASSWORD, type WorkspaceFixture } from '../support/fixtures.js';
import { HttpClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
let ws2: WorkspaceFixture;
let inboxKey: string;
/** A tier-2 team (售后技术组) with its own agent, who is in no other team. */
let tier2: { teamId: string; userId: string; client: HttpClient };
let agentSocket: Socket;
let agentEvents: EventInbox;
const sockets: Socket[] = [];

const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
const count = async (sql: string, values: unknown[] = []) =>
  Number((await queryRows<{ count: string }>(server.database.url, sql, values))[0]!.count);

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'tickets-a');
  ws2 = await createWorkspaceFixture(server.ctx.db, server.url, 'tickets-b');
  inboxKey = (await ws.clients.admin.get(api(`/inboxes/${ws.ids.inbox}`))).body.publicKey;
  const team = await createTeam(server.ctx.db, ws.workspaceId, { name: '售后技术组', description: '二线' });
  const user = await createUser(server.ctx.db, {
    email: 'tier2-tickets@example.test',
    name: '二线 王工',
    passwordHash: await hashPassword(PASSWORD),
  });
  await addMembership(server.ctx.db, { workspaceId: ws.workspaceId, userId: user.id, role: 'agent' });
  await addTeamMember(server.ctx.db, ws.workspaceId, team.id, user.id);
  const client = new HttpClient(server.url);
  await client.login(user.email, PASSWORD);
  tier2 = { teamId: team.id, userId: user.id, client };
  agentSocket = await connectSocket(`${server.url}/agent`, { extraHeaders: { cookie: ws.clients.agent.cookie ?? '' } });
  agentEvents = new EventInbox(agentSocket, ['ticket:changed']);
});
afterAll(async () => {
  agentSocket?.close();
  for (const socket of sockets) socket.close();
  await server?.stop();
});

/** A widget visitor who has started a chat; returns the conversation and the visitor. */
async function chat(text: string) {
  const visitor = await startVisitor(server.url, inboxKey);
  sockets.push(visitor.socket);
  const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text });
  expect(sent.ok).toBe(true);
  return { visitor, conversationId: sent.data.conversation.id as string };
}

async function say(visitor: Awaited<ReturnType<typeof startVisitor>>, text: string) {
  const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text });
  expect(sent.ok).toBe(true);
  return sent.data.message.id as string;
}

describe('ticket numbers', () => {
  it('start at 10001 in every workspace', async () => {
    const first = await ws.clients.admin.get(api(`/tickets/${ws.ids.ticket}`));
    const otherFirst = await ws2.clients.admin.get(`/api/v1/workspaces/${ws2.workspaceId}/tickets/${ws2.ids.ticket}`);
    expect(first.body.number).toBe(10001);
    expect(otherFirst.body.number).toBe(10001);
  });

  it('concurrent creates get distinct numbers with no gaps', async () => {
    const before = (
      await queryRows<{ max: number }>(server.database.url, 'select max(number) as max from tickets where workspace_id = $1', [
        ws.workspaceId,
      ])
    )[0]!.max;
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        ws.clients.admin.post(api('/tickets'), { subject: `并发工单 ${i}`, requesterId: ws.ids.customer }),
      ),
    );
    expect(created.map((response) => response.status)).toEqual(Array(12).fill(201));
    const numbers = created.map((response) => response.body.number as number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => Number(before) + 1 + i));
  });
});

describe('creating a ticket', () => {
  it('from a conversation in one click: linked both ways, transcript in the ticket, the customer told the number', async () => {
    const { visitor, conversationId } = await chat('我想申请退款，订单号 A1001 的耳机有杂音');
    const created = await ws.clients.agent.post(api(`/conversations/${conversationId}/ticket`), {});
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      subject: '我想申请退款，订单号 A1001 的耳机有杂音',
      sourceChannel: 'widget',
      status: 'open',
      assigneeId: ws.users.agent.id,
      teamId: ws.teamId,
    });
    const number = created.body.number as number;
    const told = await visitor.inbox.waitFor('message', (event) => String(event.message.text).includes(`#${number}`));
    expect(told.message.kind).toBe('out');

    const detail = await ws.clients.agent.get(api(`/tickets/${created.body.id}`));
    expect(detail.status).toBe(200);
    expect(detail.body.conversations).toHaveLength(1);
    expect(detail.body.conversations[0].id).toBe(conversationId);
    expect(detail.body.conversations[0].messages.map((m: { text: string }) => m.text)).toContain('我想申请退款，订单号 A1001 的耳机有杂音');
    expect(detail.body.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['created', 'conversation_linked']));
    // The conversation's side of the link.
    const ofConversation = await ws.clients.agent.get(api(`/tickets?conversationId=${conversationId}`));
    expect(ofConversation.body.items.map((t: { id: string }) => t.id)).toEqual([created.body.id]);

    // A second click returns the same ticket and tells the customer nothing new.
    const again = await ws.clients.agent.post(api(`/conversations/${conversationId}/ticket`), {});
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(created.body.id);
    expect(await count('select count(*) from ticket_conversations where conversation_id = $1', [conversationId])).toBe(1);
    expect(
      await count(`select count(*) from messages where conversation_id = $1 and text like '%#' || $2 || '%'`, [conversationId, number]),
    ).toBe(1);
  });

  it('from the API with an Idempotency-Key: a retry returns the same ticket with 200', async () => {
    const key = `order-sync-${randomUUID()}`;
    const body = {
      subject: 'ERP 同步：退货单 R-77',
      requesterId: ws.ids.customer,
      priority: 'high',
      type: 'task',
      dueAt: '2026-12-31T10:00:00+08:00',
    };
    const headers = { 'idempotency-key': key };
    const first = await ws.clients.admin.request('POST', api('/tickets'), body, { headers });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ sourceChannel: 'api', priority: 'high', type: 'task', status: 'new' });
    const retry = await ws.clients.admin.request('POST', api('/tickets'), body, { headers });
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    expect(await count('select count(*) from tickets where idempotency_key = $1', [key])).toBe(1);

    // Two retries racing with a fresh key: one ticket, both answers name it.
    const raceKey = `race-${randomUUID()}`;
    const race = await Promise.all(
      [1, 2, 3].map(() => ws.tokenClients.admin.request('POST', api('/tickets'), body, { headers: { 'idempotency-key': raceKey } })),
    );
    expect(race.map((r) => r.status).sort()).toEqual([200, 200, 201]);
    expect(new Set(race.map((r) => r.body.id)).size).toBe(1);
    expect(await count('select count(*) from tickets where idempotency_key = $1', [raceKey])).toBe(1);
  });
});

describe('the thread: replies, notes and the customer', () => {
  it('a public reply reaches the widget visitor; an internal note never does', async () => {
    const { visitor, conversationId } = await chat('发票抬头写错了，能重开吗');
    const ticket = (await ws.clients.agent.post(api(`/conversations/${conversationId}/ticket`), { notifyCustomer: false })).body;

    const note = await ws.clients.agent.post(api(`/tickets/${ticket.id}/comments`), {
      visibility: 'internal',
      text: '内部：需要财务确认税号',
    });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ visibility: 'internal', messageId: null });
    const reply = await ws.clients.agent.post(api(`/tickets/${ticket.id}/comments`), {
      visibility: 'public',
      text: '可以重开，请提供正确的抬头。',
      status: 'pending',
    });
    expect(reply.status).toBe(201);
    expect(reply.body.messageId).toEqual(expect.any(String));

    const delivered = await visitor.inbox.waitFor('message', (event) => event.message.id === reply.body.messageId);
    expect(delivered.message).toMatchObject({ kind: 'out', text: '可以重开，请提供正确的抬头。' });
    // Everything the visitor received, after the reply that was sent later than the note.
    expect(JSON.stringify(visitor.inbox.events)).not.toContain('需要财务确认税号');
    expect(await count(`select count(*) from messages where conversation_id = $1 and text like '%税号%'`, [conversationId])).toBe(0);
    const message = (
      await queryRows<{ kind: string }>(server.database.url, 'select kind from messages where id = $1', [reply.body.messageId])
    )[0]!;
    expect(message.kind).toBe('out');
    const after = await ws.clients.agent.get(api(`/tickets/${ticket.id}`));
    expect(after.body.status).toBe('pending');
  });

  it('a customer reply lands on the ticket and reopens a pending or solved ticket; agents hear only ids', async () => {
    const { visitor, conversationId } = await chat('快递显示已签收但我没收到');
    const ticket = (await ws.clients.agent.post(api(`/conversations/${conversationId}/ticket`), {})).body;
    expect((await ws.clients.agent.patch(api(`/tickets/${ticket.id}`), { status: 'pending' })).body.status).toBe('pending');

    const messageId = await say(visitor, '我补充一下，快递单号 SF123456');
    const reopened = await ws.clients.agent.get(api(`/tickets/${ticket.id}`));
    expect(reopened.body.status).toBe('open');
    expect(reopened.body.comments.at(-1)).toMatchObject({
      authorType: 'customer',
      visibility: 'public',
      text: '我补充一下，快递单号 SF123456',
      messageId,
    });
    expect(reopened.body.events.at(-1)).toMatchObject({
      type: 'status_changed',
      actorType: 'customer',
      data: { from: 'pending', to: 'open' },
    });

    const heard = await agentEvents.waitFor('ticket:changed', (event) => event.ticketId === ticket.id);
    expect(heard).toEqual({ ticketId: ticket.id, number: ticket.number });

    expect((await ws.clients.agent.patch(api(`/tickets/${ticket.id}`), { status: 'solved' })).body.solvedAt).not.toBeNull();
    await say(visitor, '还是没找到包裹');
    const again = await ws.clients.agent.get(api(`/tickets/${ticket.id}`));
    expect(again.body).toMatchObject({ status: 'open', solvedAt: null });
  });

  it('a customer message on a closed ticket opens a follow-up linked to it; the closed one stays read-only', async () => {
    const { visitor, conversationId } = await chat('手表表带断了');
    const ticket = (await ws.clients.agent.post(api(`/conversations/${conversationId}/ticket`), {})).body;
    // Closing is for solved tickets only.
    expect((await ws.clients.agent.patch(api(`/tickets/${ticket.id}`), { status: 'closed' })).status).toBe(409);
    await ws.clients.agent.patch(api(`/tickets/${ticket.id}`), { status: 'solved' });
    expect((await ws.clients.agent.patch(api(`/tickets/${ticket.id}`), { status: 'closed' })).body.status).toBe('closed');

    const before = await ws.clients.agent.get(api(`/tickets/${ticket.id}`));
    expect((await ws.clients.agent.patch(api(`/tickets/${ticket.id}`), { priority: 'urgent' })).status).toBe(409);
    expect((await ws.clients.agent.post(api(`/tickets/${ticket.id}/comments`), { visibility: 'internal', text: '补记' })).status).toBe(409);

    await say(visitor, '新换的表带又断了');
    const closed = await ws.clients.agent.get(api(`/tickets/${ticket.id}`));
    expect(closed.body).toMatchObject({ status: 'closed', priority: before.body.priority, comments: before.body.comments });
    const followUpEvent = closed.body.events.find((e: { type: string }) => e.type === 'follow_up');
    expect(followUpEvent).toBeDefined();
    const followUp = await ws.clients.agent.get(api(`/tickets/${followUpEvent.data.followUpId}`));
    expect(followUp.body).toMatchObject({
      followUpOfId: ticket.id,
      status: 'open',
      requesterId: ticket.requesterId,
      subject: ticket.subject,
    });
    expect(followUp.body.number).toBeGreaterThan(ticket.number);
    expect(followUp.body.comments.map((c: { text: string }) => c.text)).toEqual(['新换的表带又断了']);
    // The conversation now belongs to the follow-up: the next message lands there too.
    await say(visitor, '麻烦尽快处理');
    expect((await ws.clients.agent.get(api(`/tickets/${followUp.body.id}`))).body.comments).toHaveLength(2);
    expect((await ws.clients.agent.get(api(`/tickets/${ticket.id}`))).body.comments).toEqual(before.body.comments);
  });

  it('a chat answering a ticket reply sent after the conversation was resolved joins the ticket; an unrelated new chat does not', async () => {
    const { visitor, conversationId } = await chat('订单 C3003 的发票什么时候开');
    const ticket = (await ws.clients.agent.post(api(`/conversations/${conversationId}/ticket`), { notifyCustomer: false })).body;
    expect((await ws.clients.agent.post(api(`/conversations/${conversationId}/resolve`), {})).status).toBe(200);
    const reply = await ws.clients.agent.post(api(`/tickets/${ticket.id}/comments`), {
      visibility: 'public',
      text: '发票已开好，请问寄到哪个地址？',
      status: 'pending',
    });
    await visitor.inbox.waitFor('message', (event) => event.message.id === reply.body.messageId);
    const answer = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '寄到公司：上海市浦东新区' });
    const newConversationId = answer.data.conversation.id as string;
    expect(newConversationId).not.toBe(conversationId);
    const after = (await ws.clients.agent.get(api(`/tickets/${ticket.id}`))).body;
    expect(after.status).toBe('open');
    expect(after.conversations.map((c: { id: string }) => c.id)).toEqual([conversationId, newConversationId]);
    expect(after.comments.at(-1)).toMatchObject({ authorType: 'customer', text: '寄到公司：上海市浦东新区' });

    // The reply went out while the chat was open and the chat ended after it: a new chat is a new matter.
    const second = await chat('想咨询一下会员积分');
    const other = (await ws.clients.agent.post(api(`/conversations/${second.conversationId}/ticket`), { notifyCustomer: false })).body;
    await ws.clients.agent.post(api(`/tickets/${other.id}/comments`), {
      visibility: 'public',
      text: '积分规则见会员中心',
      status: 'solved',
    });
    expect((await ws.clients.agent.post(api(`/conversations/${second.conversationId}/resolve`), {})).status).toBe(200);
    await say(second.visitor, '另外我想换个收货地址');
    const untouched = (await ws.clients.agent.get(api(`/tickets/${other.id}`))).body;
    expect(untouched.status).toBe('solved');
    expect(untouched.conversations).toHaveLength(1);
  });

  it('a public reply needs a linked conversation: a ticket from the API gets a clear 422', async () => {
    const ticket = (await ws.clients.admin.post(api('/tickets'), { subject: '没有会话的工单', requesterId: ws.ids.customer })).body;
    const reply = await ws.clients.admin.post(api(`/tickets/${ticket.id}/comments`), { visibility: 'public', text: '您好' });
    expect(reply.status).toBe(422);
    expect(reply.body.error.code).toBe('no_channel');
    expect(await count('select count(*) from ticket_comments where ticket_id = $1', [ticket.id])).toBe(0);
  });
});

describe('tier 1 → tier 2', () => {
  it('escalation needs a reason; tier 2 sees the case, hands it back to whoever escalated', async () => {
    const { conversationId } = await chat('耳机固件升级后无法连接蓝牙');
    const ticket = (await ws.clients.agent.post(api(`/conversations/${conversationId}/ticket`), {})).body;
    // Tier 2 is in another team: it cannot see the ticket yet, not even that it exists.
    expect((await tier2.client.get(api(`/tickets/${ticket.id}`))).status).toBe(404);
    expect((await tier2.client.patch(api(`/tickets/${ticket.id}`), { priority: 'low' })).status).toBe(404);
    expect((await tier2.client.post(api(`/tickets/${ticket.id}/comments`), { visibility: 'internal', text: '看看' })).status).toBe(404);
    expect((await tier2.client.get(api('/tickets'))).body.items.map((t: { id: string }) => t.id)).not.toContain(ticket.id);

    const before = await fingerprint(server.database.url);
    const noReason = await ws.clients.agent.post(api(`/tickets/${ticket.id}/escalate`), { teamId: tier2.teamId, summary: '已重置耳机' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toContain('reason');
    const blankReason = await ws.clients.agent.post(api(`/tickets/${ticket.id}/escalate`), { teamId: tier2.teamId, reason: '   ' });
    expect(blankReason.status).toBe(400);
    expect(await fingerprint(server.database.url)).toEqual(before);

    const escalated = await ws.clients.agent.post(api(`/tickets/${ticket.id}/escalate`), {
      teamId: tier2.teamId,
      reason: '疑似固件缺陷',
      summary: '已重置耳机并重新配对，问题依旧',
    });
    expect(escalated.status).toBe(200);
    expect(escalated.body).toMatchObject({
      teamId: tier2.teamId,
      assigneeId: null,
      escalation: { fromTeamId: ws.teamId, fromAssigneeId: ws.users.agent.id, toTeamId: tier2.teamId, reason: '疑似固件缺陷' },
    });
    expect(escalated.body.followerIds).toContain(ws.users.agent.id);

    const seen = await tier2.client.get(api(`/tickets/${ticket.id}`));
    expect(seen.status).toBe(200);
    expect(seen.body.conversations[0].messages.map((m: { text: string }) => m.text)).toContain('耳机固件升级后无法连接蓝牙');
    const event = seen.body.events.find((e: { type: string }) => e.type === 'escalated');
    expect(event.data).toMatchObject({ reason: '疑似固件缺陷', summary: '已重置耳机并重新配对，问题依旧', toTeamId: tier2.teamId });
    expect(seen.body.comments.at(-1)).toMatchObject({ visibility: 'internal' });
    expect(seen.body.comments.at(-1).text).toContain('已重置耳机并重新配对');
    // Tier 1 still follows it.
    expect((await ws.clients.agent.get(api(`/tickets/${ticket.id}`))).status).toBe(200);

    await tier2.client.patch(api(`/tickets/${ticket.id}`), { assigneeId: tier2.userId });
    const back = await tier2.client.post(api(`/tickets/${ticket.id}/hand-back`), { summary: '固件 1.2.3 已修复，请让客户升级' });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ teamId: ws.teamId, assigneeId: ws.users.agent.id, escalation: null });
    const history = (await ws.clients.agent.get(api(`/tickets/${ticket.id}`))).body;
    expect(history.events.find((e: { type: string }) => e.type === 'handed_back').data).toMatchObject({
      fromTeamId: tier2.teamId,
      toTeamId: ws.teamId,
      summary: '固件 1.2.3 已修复，请让客户升级',
    });
    const twice = await ws.clients.agent.post(api(`/tickets/${ticket.id}/hand-back`), {});
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('not_escalated');
  });
});

describe('search and filters', () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    const make = async (name: string, body: Record<string, unknown>) => {
      const response = await ws.clients.admin.post(api('/tickets'), { requesterId: ws.ids.customer, ...body });
      expect(response.status).toBe(201);
      ids[name] = response.body.id;
    };
    await make('refundZh', { subject: '客户申请退款，订单 B2002', priority: 'urgent', tags: ['退款'], teamId: ws.teamId });
    await make('refundEn', { subject: 'Customer requests refunds for a broken charger', priority: 'high', assigneeId: ws.users.agent.id });
    await make('invoice', { subject: '增值税发票重开', tags: ['发票'], teamId: tier2.teamId });
    await ws.clients.admin.post(api(`/tickets/${ids.invoice}/comments`), {
      visibility: 'internal',
      text: 'The courier lost the parcel 快递丢件',
    });
  });

  const search = async (query: string, client = ws.clients.admin) => {
    const response = await client.get(api(`/tickets?${query}`));
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return (response.body.items as { id: string }[]).map((item) => item.id);
  };

  it('finds Chinese words inside longer phrases, English words in any inflection, and words of the thread', async () => {
    const refund = await search(`q=${encodeURIComponent('退款')}`);
    expect(refund).toContain(ids.refundZh);
    expect(refund).not.toContain(ids.invoice);
    expect(await search(`q=${encodeURIComponent('退款申请')}`)).toContain(ids.refundZh);
    expect(await search('q=refund')).toEqual([ids.refundEn]);
    expect(await search('q=Charger%20refunds')).toEqual([ids.refundEn]);
    expect(await search('q=courier')).toEqual([ids.invoice]);
    expect(await search(`q=${encodeURIComponent('丢件')}`)).toEqual([ids.invoice]);
    expect(await search(`q=${encodeURIComponent('退款 发票')}`)).toEqual([]);
  });

  it('combines filters with text and pages with a cursor', async () => {
    expect(await search(`priority=urgent&q=${encodeURIComponent('退款')}`)).toEqual([ids.refundZh]);
    expect(await search(`priority=low&q=${encodeURIComponent('退款')}`)).toEqual([]);
    expect(await search(`tag=${encodeURIComponent('发票')}`)).toEqual([ids.invoice]);
    expect(await search(`teamId=${tier2.teamId}&status=new`)).toContain(ids.invoice);
    expect(await search(`assigneeId=${ws.users.agent.id}&q=refund`)).toEqual([ids.refundEn]);
    expect(await search(`assigneeId=me&q=refund`, ws.clients.agent)).toEqual([ids.refundEn]);
    expect(await search(`requesterId=${ws.ids.customer}&q=courier`)).toEqual([ids.invoice]);

    const all = await search('limit=200');
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response: { body: { items: { id: string }[]; nextCursor: string | null } } = await ws.clients.admin.get(
        api(`/tickets?limit=4${cursor ? `&cursor=${cursor}` : ''}`),
      );
      seen.push(...response.body.items.map((item) => item.id));
      cursor = response.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(all);
  });

  it('pages a common word and a rare one newest first, nothing skipped or repeated', async () => {
    // 12 tickets about a charger (the newest-first walk finds a page of 5 among the newest),
    // one about a kettle (too few for a page: the full-text index answers), mixed with others.
    const made: { id: string; about: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const about = i % 5 === 3 ? 'other' : i === 7 ? 'kettle' : 'charger';
      const subject = about === 'charger' ? `充电器不充电 ${i}` : about === 'kettle' ? `电水壶漏水 ${i}` : `地址修改 ${i}`;
      const response = await ws.clients.admin.post(api('/tickets'), { requesterId: ws.ids.customer, subject });
      made.push({ id: response.body.id, about });
    }
    const newestFirst = (about: string) =>
      made
        .filter((item) => item.about === about)
        .map((item) => item.id)
        .reverse();
    const pages = async (q: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const response: { body: { items: { id: string }[]; nextCursor: string | null } } = await ws.clients.admin.get(
          api(`/tickets?q=${encodeURIComponent(q)}&limit=5${cursor ? `&cursor=${cursor}` : ''}`),
        );
        seen.push(...response.body.items.map((item) => item.id));
        cursor = response.body.nextCursor;
      } while (cursor);
      return seen;
    };
    expect(await pages('充电器')).toEqual(newestFirst('charger'));
    expect(await pages('电水壶')).toEqual(newestFirst('kettle'));
  });

  it('an agent sees only the tickets of their teams and those assigned to or created by them', async () => {
    const agentSees = await search('limit=200', ws.clients.agent);
    expect(agentSees).toContain(ids.refundZh); // their team
    expect(agentSees).toContain(ids.refundEn); // assigned to them
    expect(agentSees).not.toContain(ids.invoice); // tier 2's
    expect((await ws.clients.agent.get(api(`/tickets/${ids.invoice}`))).status).toBe(404);
    expect(await search('limit=200', tier2.client)).toContain(ids.invoice);
    // Supervisors read every ticket.
    expect(await search('limit=200', ws.clients.supervisor)).toEqual(expect.arrayContaining(Object.values(ids)));
  });
});

describe('bad input', () => {
  it('is a clear 4xx that stores nothing', async () => {
    const before = await fingerprint(server.database.url);
    const cases: [string, string, unknown, number][] = [
      ['POST', '/tickets', { subject: '', requesterId: ws.ids.customer }, 400],
      ['POST', '/tickets', { subject: '无优先级', requesterId: ws.ids.customer, priority: 'super' }, 400],
      ['POST', '/tickets', { subject: '不是任务', requesterId: ws.ids.customer, dueAt: '2026-12-01T00:00:00Z' }, 422],
      ['POST', '/tickets', { subject: '别家的客户', requesterId: ws2.ids.customer }, 404],
      ['POST', '/tickets', { subject: '别家的组', requesterId: ws.ids.customer, teamId: ws2.teamId }, 404],
      ['PATCH', `/tickets/${ws.ids.ticket}`, { status: 'archived' }, 400],
      ['PATCH', `/tickets/${ws.ids.ticket}`, {}, 400],
      ['PATCH', `/tickets/${ws.ids.ticket}`, { assigneeId: ws2.users.agent.id }, 404],
      ['PATCH', `/tickets/${ws.ids.ticket}`, { dueAt: '2026-12-01T00:00:00Z' }, 422],
      ['POST', `/tickets/${ws.ids.ticket}/comments`, { visibility: 'public', text: '   ' }, 400],
      ['POST', `/tickets/${ws.ids.ticket}/comments`, { visibility: 'secret', text: '你好' }, 400],
      ['POST', `/tickets/${ws.ids.ticket}/escalate`, { teamId: ws.teamId, reason: '同一组' }, 409],
      ['POST', `/tickets/${ws2.ids.ticket}/escalate`, { teamId: tier2.teamId, reason: '别家的工单' }, 404],
      ['POST', `/conversations/${ws2.ids.conversation}/ticket`, {}, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const response = await ws.clients.admin.request(method, api(path), body);
      expect(response.status, `${method} ${path} ${JSON.stringify(body)} → ${JSON.stringify(response.body)}`).toBe(status);
      expect(response.body.error.message).toEqual(expect.any(String));
    }
    expect(await fingerprint(server.database.url)).toEqual(before);
  });
});

describe('customer merge', () => {
  it("moves the merged customer's tickets to the surviving customer", async () => {
    const sourceId = await findOrCreateCustomer(
      server.ctx.db,
      ws.workspaceId,
      { kind: 'email', value: `dup-${randomUUID()}@example.test` },
      { name: '重复的顾客' },
    );
    const ticket = (await ws.clients.admin.post(api('/tickets'), { subject: '重复客户的工单', requesterId: sourceId })).body;
    const merged = await ws.clients.admin.post(api(`/customers/${ws.ids.customer}/merge`), { sourceCustomerId: sourceId, confirm: true });
    expect(merged.status).toBe(200);
    expect((await ws.clients.admin.get(api(`/tickets/${ticket.id}`))).body.requesterId).toBe(ws.ids.customer);
    expect(await search2(`requesterId=${sourceId}`)).toEqual([]);
  });
});

const search2 = async (query: string) =>
  ((await ws.clients.admin.get(api(`/tickets?${query}`))).body.items as { id: string }[]).map((item) => item.id);

describe('the API document', () => {
  it('describes every ticket route, the Idempotency-Key header included', async () => {
    const spec = (await (await fetch(`${server.url}/api/docs/json`)).json()) as { paths: Record<string, Record<string, any>> };
    const base = '/api/v1/workspaces/{workspaceId}';
    for (const [path, method] of [
      ['/tickets', 'get'],
      ['/tickets', 'post'],
      ['/tickets/{id}', 'get'],
      ['/tickets/{id}', 'patch'],
      ['/tickets/{id}/comments', 'post'],
      ['/tickets/{id}/escalate', 'post'],
      ['/tickets/{id}/hand-back', 'post'],
      ['/conversations/{id}/ticket', 'post'],
    ] as const)
      expect(spec.paths[`${base}${path}`]?.[method], `${method} ${path}`).toBeDefined();
    const create = spec.paths[`${base}/tickets`]!.post;
    expect(create.parameters.map((parameter: { name: string; in: string }) => `${parameter.in}:${parameter.name}`)).toContain(
      'header:idempotency-key',
    );
  });
});
