import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSocket, emitAck, EventInbox, startVisitor } from '../support/chat.js';
import { fingerprint, outboxSettled, queryRows } from '../support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
let ws2: WorkspaceFixture;
let inboxKey: string;
let agentSocket: Socket;
let agentEvents: EventInbox;
const sockets: Socket[] = [];

const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
const count = async (sql: string, values: unknown[] = []) =>
  Number((await queryRows<{ count: string }>(server.database.url, sql, values))[0]!.count);

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'links-a');
  ws2 = await createWorkspaceFixture(server.ctx.db, server.url, 'links-b');
  inboxKey = (await ws.clients.admin.get(api(`/inboxes/${ws.ids.inbox}`))).body.publicKey;
  agentSocket = await connectSocket(`${server.url}/agent`, { extraHeaders: { cookie: ws.clients.agent.cookie ?? '' } });
  agentEvents = new EventInbox(agentSocket, ['ticket:changed', 'ticket:notification']);
});
afterAll(async () => {
  agentSocket?.close();
  for (const socket of sockets) socket.close();
  await server?.stop();
});

type Visitor = Awaited<ReturnType<typeof startVisitor>>;

async function say(visitor: Visitor, text: string) {
  const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text });
  expect(sent.ok).toBe(true);
  return sent.data as { conversation: { id: string }; message: { id: string } };
}

/** A widget chat turned into a ticket (the customer is not told the number, to keep their inbox about merges). */
async function chatTicket(text: string, body: Record<string, unknown> = {}) {
  const visitor = await startVisitor(server.url, inboxKey);
  sockets.push(visitor.socket);
  const sent = await say(visitor, text);
  const created = await ws.clients.agent.post(api(`/conversations/${sent.conversation.id}/ticket`), { notifyCustomer: false, ...body });
  expect(created.status).toBe(201);
  return { visitor, conversationId: sent.conversation.id, customerId: created.body.requesterId as string, ticket: created.body };
}

async function apiTicket(body: Record<string, unknown>) {
  const created = await ws.clients.agent.post(api('/tickets'), body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body;
}

const detail = async (id: string) => (await ws.clients.agent.get(api(`/tickets/${id}`))).body;

describe('merging duplicate tickets', () => {
  it('combines the threads on the target in time order, moves the conversation, tells the requester once, unions followers and tags', async () => {
    const dup = await chatTicket('耳机左边没有声音', { tags: ['耳机'] });
    await say(dup.visitor, '补充：订单号 E2002');
    const target = await apiTicket({
      subject: '耳机故障（电话报修）',
      requesterId: dup.customerId,
      description: '客户来电：耳机左耳无声',
      tags: ['报修'],
      followerIds: [ws.users.admin.id],
    });
    await ws.clients.agent.post(api(`/tickets/${dup.ticket.id}/comments`), { visibility: 'internal', text: '内部：疑似批次问题' });

    const merged = await ws.clients.agent.post(api(`/tickets/${target.id}/merge`), { sourceIds: [dup.ticket.id] });
    expect(merged.status).toBe(200);
    expect(merged.body.tags.sort()).toEqual(['报修', '耳机'].sort());
    expect(merged.body.followerIds).toEqual(expect.arrayContaining([ws.users.admin.id]));

    // The requester is told on their channel, naming both numbers.
    const told = await dup.visitor.inbox.waitFor('message', (event) => String(event.message.text).includes(`#${target.number}`));
    expect(told.message.kind).toBe('out');
    expect(told.message.text).toContain(`#${dup.ticket.number}`);

    const source = await detail(dup.ticket.id);
    expect(source).toMatchObject({ status: 'closed', mergedIntoId: target.id });
    expect(source.events.map((e: { type: string }) => e.type)).toContain('merged');
    expect(source.comments.some((c: { visibility: string; messageId: string | null }) => c.visibility === 'public' && c.messageId)).toBe(
      true,
    );

    const combined = await detail(target.id);
    const texts = combined.comments.map((c: { text: string }) => c.text);
    for (const text of ['客户来电：耳机左耳无声', '补充：订单号 E2002', '内部：疑似批次问题'])
      expect(texts.filter((t: string) => t === text)).toHaveLength(1);
    expect(texts.some((t: string) => t.includes(`#${dup.ticket.number}`) && t.includes('已合并到本工单'))).toBe(true);
    const times = combined.comments.map((c: { createdAt: string }) => Date.parse(c.createdAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(combined.conversations.map((c: { id: string }) => c.id)).toEqual([dup.conversationId]);
    expect(combined.events.find((e: { type: string }) => e.type === 'merged_in').data).toMatchObject({
      sourceId: dup.ticket.id,
      conversationIds: [dup.conversationId],
    });
    // Nothing doubled in storage: the comments were not copied, the notice went out once.
    expect(await count(`select count(*) from ticket_comments where text = '补充：订单号 E2002'`)).toBe(1);
    expect(
      await count(`select count(*) from messages where conversation_id = $1 and text like '%已合并到 #' || $2 || '%'`, [
        dup.conversationId,
        target.number,
      ]),
    ).toBe(1);

    // What the customer writes next lands on the target, and makes no follow-up of the closed duplicate.
    const ticketsBefore = await count('select count(*) from tickets where workspace_id = $1', [ws.workspaceId]);
    const next = await say(dup.visitor, '请问什么时候能换新？');
    const after = await detail(target.id);
    expect(after.comments.at(-1)).toMatchObject({ ticketId: target.id, text: '请问什么时候能换新？', messageId: next.message.id });
    expect(await count('select count(*) from tickets where workspace_id = $1', [ws.workspaceId])).toBe(ticketsBefore);

    // Search over the target finds the duplicate's words.
    const found = await ws.clients.agent.get(api(`/tickets?q=E2002`));
    expect(found.body.items.map((t: { id: string }) => t.id)).toContain(target.id);
    await agentEvents.waitFor('ticket:changed', (event) => event.ticketId === dup.ticket.id);
  });

  it('refuses merging into itself, a closed or already merged ticket, another customer without the flag, another workspace — changing nothing', async () => {
    const a = await chatTicket('空调不制冷');
    const b = await apiTicket({ subject: '空调故障', requesterId: a.customerId });
    const stranger = await chatTicket('洗衣机漏水');
    // What the new tickets set off (bot, routing, SLA, automations) must be done before the snapshot.
    await outboxSettled(server.database.url);
    const before = await fingerprint(server.database.url);

    const self = await ws.clients.agent.post(api(`/tickets/${a.ticket.id}/merge`), { sourceIds: [a.ticket.id] });
    expect(self.status).toBe(422);
    expect(self.body.error.code).toBe('merge_into_self');
    const different = await ws.clients.agent.post(api(`/tickets/${b.id}/merge`), { sourceIds: [stranger.ticket.id] });
    expect(different.status).toBe(409);
    expect(different.body.error.code).toBe('different_requesters');
    const foreign = await ws.clients.agent.post(api(`/tickets/${b.id}/merge`), { sourceIds: [ws2.ids.ticket] });
    expect(foreign.status).toBe(404);
    const empty = await ws.clients.agent.post(api(`/tickets/${b.id}/merge`), { sourceIds: [] });
    expect(empty.status).toBe(400);
    expect(await fingerprint(server.database.url)).toEqual(before);

    // With the flag, another customer's ticket merges (Zendesk warns and allows it too).
    const allowed = await ws.clients.agent.post(api(`/tickets/${b.id}/merge`), {
      sourceIds: [stranger.ticket.id],
      allowDifferentRequesters: true,
    });
    expect(allowed.status).toBe(200);
    const again = await ws.clients.agent.post(api(`/tickets/${a.ticket.id}/merge`), { sourceIds: [stranger.ticket.id] });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ticket_closed');
    const intoMerged = await ws.clients.agent.post(api(`/tickets/${stranger.ticket.id}/merge`), { sourceIds: [a.ticket.id] });
    expect(intoMerged.status).toBe(409);
    expect((await detail(a.ticket.id)).status).not.toBe('closed');
  });

  it('a ticket merged earlier follows its target when that one is merged in turn', async () => {
    const first = await chatTicket('打印机卡纸');
    const second = await apiTicket({ subject: '打印机卡纸（邮件）', requesterId: first.customerId, description: '第二次反馈' });
    const third = await apiTicket({ subject: '打印机问题汇总', requesterId: first.customerId, description: '汇总' });
    expect((await ws.clients.agent.post(api(`/tickets/${second.id}/merge`), { sourceIds: [first.ticket.id] })).status).toBe(200);
    expect((await ws.clients.agent.post(api(`/tickets/${third.id}/merge`), { sourceIds: [second.id] })).status).toBe(200);
    const top = await detail(third.id);
    expect(top.comments.map((c: { text: string }) => c.text)).toEqual(expect.arrayContaining(['第二次反馈', '汇总']));
    expect((await detail(first.ticket.id)).mergedIntoId).toBe(third.id);
    expect(top.conversations.map((c: { id: string }) => c.id)).toEqual([first.conversationId]);
  });
});

describe('linking tickets', () => {
  it('related and parent/child links show from both sides with events; a second parent, a cycle, itself are refused', async () => {
    const parent = await apiTicket({ subject: '门店系统升级', requesterId: ws.ids.customer, type: 'task' });
    const child = await apiTicket({ subject: '升级收银机', requesterId: ws.ids.customer, type: 'task' });
    const other = await apiTicket({ subject: '门店网络排查', requesterId: ws.ids.customer });

    const link = await ws.clients.agent.post(api(`/tickets/${child.id}/links`), { type: 'parent', ticketId: parent.id });
    expect(link.status).toBe(201);
    expect(link.body).toMatchObject({ type: 'parent', ticket: { id: parent.id, number: parent.number, subject: '门店系统升级' } });
    const twice = await ws.clients.agent.post(api(`/tickets/${parent.id}/links`), { type: 'child', ticketId: child.id });
    expect(twice.status).toBe(200);
    expect(twice.body.id).toBe(link.body.id);

    const fromParent = await ws.clients.agent.get(api(`/tickets/${parent.id}/links`));
    expect(fromParent.body.items).toEqual([
      expect.objectContaining({ id: link.body.id, type: 'child', ticket: expect.objectContaining({ id: child.id }) }),
    ]);
    expect((await detail(parent.id)).events.at(-1)).toMatchObject({ type: 'linked', data: { type: 'child', ticketId: child.id } });

    const related = await ws.clients.agent.post(api(`/tickets/${other.id}/links`), { type: 'related', ticketId: parent.id });
    expect(related.status).toBe(201);
    const relatedBack = await ws.clients.agent.post(api(`/tickets/${parent.id}/links`), { type: 'related', ticketId: other.id });
    expect(relatedBack.body.id).toBe(related.body.id);

    const before = await fingerprint(server.database.url);
    const secondParent = await ws.clients.agent.post(api(`/tickets/${child.id}/links`), { type: 'parent', ticketId: other.id });
    expect(secondParent.status).toBe(409);
    expect(secondParent.body.error.code).toBe('has_parent');
    const cycle = await ws.clients.agent.post(api(`/tickets/${parent.id}/links`), { type: 'parent', ticketId: child.id });
    expect(cycle.status).toBe(409);
    expect(cycle.body.error.code).toBe('link_cycle');
    const self = await ws.clients.agent.post(api(`/tickets/${parent.id}/links`), { type: 'related', ticketId: parent.id });
    expect(self.status).toBe(422);
    const foreign = await ws.clients.agent.post(api(`/tickets/${parent.id}/links`), { type: 'related', ticketId: ws2.ids.ticket });
    expect(foreign.status).toBe(404);
    const notProblem = await ws.clients.agent.post(api(`/tickets/${other.id}/links`), { type: 'problem', ticketId: child.id });
    expect(notProblem.status).toBe(422);
    expect(notProblem.body.error.code).toBe('not_a_problem');
    const badType = await ws.clients.agent.post(api(`/tickets/${other.id}/links`), { type: 'sibling', ticketId: child.id });
    expect(badType.status).toBe(400);
    expect(await fingerprint(server.database.url)).toEqual(before);

    const removed = await ws.clients.agent.delete(api(`/tickets/${parent.id}/links/${link.body.id}`));
    expect(removed.status).toBe(204);
    expect((await ws.clients.agent.get(api(`/tickets/${child.id}/links`))).body.items).toEqual([]);
    expect((await detail(child.id)).events.at(-1)).toMatchObject({ type: 'unlinked', data: { type: 'parent', ticketId: parent.id } });
    expect((await ws.clients.agent.delete(api(`/tickets/${parent.id}/links/${link.body.id}`))).status).toBe(404);
  });

  it('solving a problem solves its open incidents, telling each requester once on their channel', async () => {
    const problem = await apiTicket({ subject: '华东区支付网关故障', requesterId: ws.ids.customer, type: 'problem' });
    const one = await chatTicket('付款一直失败', { type: 'incident' });
    const two = await chatTicket('支付页面报错 502', { type: 'incident' });
    const done = await chatTicket('昨天付款失败', { type: 'incident' });
    const silent = await apiTicket({ subject: '客服电话反馈付款失败', requesterId: ws.ids.customer, type: 'incident' });
    for (const incident of [one.ticket, two.ticket, done.ticket]) {
      const linked = await ws.clients.agent.post(api(`/tickets/${incident.id}/links`), { type: 'problem', ticketId: problem.id });
      expect(linked.status).toBe(201);
    }
    expect((await ws.clients.agent.post(api(`/tickets/${problem.id}/links`), { type: 'incident', ticketId: silent.id })).status).toBe(201);
    const secondProblem = await apiTicket({ subject: '另一个问题', requesterId: ws.ids.customer, type: 'problem' });
    const taken = await ws.clients.agent.post(api(`/tickets/${one.ticket.id}/links`), { type: 'problem', ticketId: secondProblem.id });
    expect(taken.status).toBe(409);
    expect(taken.body.error.code).toBe('has_problem');
    const notIncident = await ws.clients.agent.post(api(`/tickets/${problem.id}/links`), { type: 'incident', ticketId: secondProblem.id });
    expect(notIncident.body.error.code).toBe('not_an_incident');
    // One incident was solved on its own before the problem: it is not told twice.
    await ws.clients.agent.patch(api(`/tickets/${done.ticket.id}`), { status: 'solved' });

    const solved = await ws.clients.agent.patch(api(`/tickets/${problem.id}`), { status: 'solved' });
    expect(solved.status).toBe(200);
    for (const incident of [one, two]) {
      const told = await incident.visitor.inbox.waitFor('message', (event) => String(event.message.text).includes(`#${problem.number}`));
      expect(told.message.text).toContain(`#${incident.ticket.number}`);
      const after = await detail(incident.ticket.id);
      expect(after.status).toBe('solved');
      expect(after.events.at(-1)).toMatchObject({
        type: 'status_changed',
        data: { from: 'open', to: 'solved', reason: 'problem_solved', problemId: problem.id },
      });
      expect(after.comments.at(-1)).toMatchObject({ visibility: 'public', messageId: told.message.id });
      expect(
        await count(`select count(*) from messages where conversation_id = $1 and text like '%#' || $2 || '%'`, [
          incident.conversationId,
          problem.number,
        ]),
      ).toBe(1);
      await agentEvents.waitFor('ticket:changed', (event) => event.ticketId === incident.ticket.id);
    }
    expect(
      await count(`select count(*) from messages where conversation_id = $1 and text like '%#' || $2 || '%'`, [
        done.conversationId,
        problem.number,
      ]),
    ).toBe(0);
    const silentAfter = await detail(silent.id);
    expect(silentAfter.status).toBe('solved');
    expect(silentAfter.comments.at(-1)).toMatchObject({ visibility: 'internal' });
  });

  it('a reply that solves the problem solves its incidents too', async () => {
    const problem = await apiTicket({ subject: '短信验证码延迟', requesterId: ws.ids.customer, type: 'problem' });
    const incident = await chatTicket('收不到验证码', { type: 'incident' });
    await ws.clients.agent.post(api(`/tickets/${problem.id}/links`), { type: 'incident', ticketId: incident.ticket.id });
    const reply = await ws.clients.agent.post(api(`/tickets/${problem.id}/comments`), {
      visibility: 'internal',
      text: '短信通道已切换',
      status: 'solved',
    });
    expect(reply.status).toBe(201);
    expect((await detail(incident.ticket.id)).status).toBe('solved');
  });
});

describe('customer 360', () => {
  it("lists the customer's tickets with number, subject and status, newest first, beside their conversations", async () => {
    const chat = await chatTicket('冰箱门关不严');
    const second = await apiTicket({ subject: '冰箱上门维修预约', requesterId: chat.customerId });
    const merged = await apiTicket({ subject: '冰箱门（重复）', requesterId: chat.customerId });
    await ws.clients.agent.post(api(`/tickets/${second.id}/merge`), { sourceIds: [merged.id] });
    await ws.clients.agent.patch(api(`/tickets/${chat.ticket.id}`), { status: 'pending' });
    // Another customer's ticket is not theirs.
    await apiTicket({ subject: '别人的工单', requesterId: ws.ids.customer });

    const listed = await ws.clients.agent.get(api(`/customers/${chat.customerId}/tickets`));
    expect(listed.status).toBe(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ kind: 'ticket', id: second.id, number: second.number, subject: '冰箱上门维修预约', state: 'new' }),
      expect.objectContaining({
        kind: 'ticket',
        id: chat.ticket.id,
        number: chat.ticket.number,
        subject: '冰箱门关不严',
        state: 'pending',
      }),
    ]);
    const paged = await ws.clients.agent.get(api(`/customers/${chat.customerId}/tickets?limit=1`));
    expect(paged.body.items.map((i: { id: string }) => i.id)).toEqual([second.id]);
    const next = await ws.clients.agent.get(api(`/customers/${chat.customerId}/tickets?limit=1&cursor=${paged.body.nextCursor}`));
    expect(next.body.items.map((i: { id: string }) => i.id)).toEqual([chat.ticket.id]);
    // The conversations stay on the timeline, so the 360 shows both.
    const timeline = await ws.clients.agent.get(api(`/customers/${chat.customerId}/timeline`));
    expect(timeline.body.items.map((i: { id: string }) => i.id)).toContain(chat.conversationId);

    expect((await ws.clients.agent.get(api(`/customers/${ws2.ids.customer}/tickets`))).status).toBe(404);
    expect((await ws.clients.agent.get(api(`/customers/${chat.customerId}/tickets?cursor=nonsense`))).status).toBe(400);
  });
});

describe('agents notified live', () => {
  it('the new assignee hears of an assignment and of their customer replying; nobody else, and not who assigned themselves', async () => {
    const adminSocket = await connectSocket(`${server.url}/agent`, { extraHeaders: { cookie: ws.clients.admin.cookie ?? '' } });
    sockets.push(adminSocket);
    const adminEvents = new EventInbox(adminSocket, ['ticket:notification']);

    // The agent takes a chat as a ticket (assigned to themselves: no notification) and the customer writes.
    const mine = await chatTicket('蓝牙连不上');
    expect(mine.ticket.assigneeId).toBe(ws.users.agent.id);
    await say(mine.visitor, '换了手机也连不上');
    const replied = await agentEvents.waitFor('ticket:notification', (event) => event.ticketId === mine.ticket.id);
    expect(replied).toMatchObject({
      kind: 'customer_replied',
      number: mine.ticket.number,
      subject: '蓝牙连不上',
      workspaceId: ws.workspaceId,
    });

    const forAdmin = await apiTicket({ subject: '请主管审批退款', requesterId: ws.ids.customer });
    expect((await ws.clients.agent.patch(api(`/tickets/${forAdmin.id}`), { assigneeId: ws.users.admin.id })).status).toBe(200);
    const assigned = await adminEvents.waitFor('ticket:notification', (event) => event.ticketId === forAdmin.id);
    expect(assigned).toMatchObject({ kind: 'assigned', number: forAdmin.number, subject: '请主管审批退款' });
    // Events to one socket arrive in order: the admin heard nothing of the agent's ticket before this.
    expect(adminEvents.of('ticket:notification').map((event) => event.ticketId)).toEqual([forAdmin.id]);
    // Nor did the agent hear of assigning themselves their own chat ticket.
    expect(agentEvents.of('ticket:notification', (event) => event.ticketId === mine.ticket.id).map((e) => e.kind)).toEqual([
      'customer_replied',
    ]);
  });
});
