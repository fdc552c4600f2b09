import { randomUUID } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { receiveInbound } from '../../src/modules/conversations/inbound.js';
import { getInbox } from '../../src/modules/inboxes/service.js';
import { addTeamMember, createTeam } from '../../src/modules/teams/service.js';
import { addMembership, createUser } from '../../src/modules/users/service.js';
import { connectSocket, emitAck, EventInbox, startVisitor } from '../support/chat.js';
import { fingerprint, outboxSettled, queryRows } from '../support/database.js';
import { createWorkspaceFixture, PASSWORD, type WorkspaceFixture } from '../support/fixtures.js';
import { HttpClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startSmtpCapture } from '../support/smtp.js';

let server: TestServer;
let smtp: Awaited<ReturnType<typeof startSmtpCapture>>;
let ws: WorkspaceFixture;
let other: WorkspaceFixture;
let inboxKey: string;
let emailInboxId: string;
/** An agent of the reviewer team (质检组), who is no trainee. */
let senior: { id: string; client: HttpClient };
let reviewerTeamId: string;
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
const opened: { close(): void }[] = [];

beforeAll(async () => {
  smtp = await startSmtpCapture();
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'reviews');
  other = await createWorkspaceFixture(server.ctx.db, server.url, 'reviews-other');
  inboxKey = (await ws.clients.admin.get(api(`/inboxes/${ws.ids.inbox}`))).body.publicKey;
  const email = await ws.clients.admin.post(api('/inboxes'), {
    kind: 'email',
    name: '售后邮箱',
    defaultTeamId: ws.teamId,
    settings: {
      imap: null,
      smtp: {
        host: '127.0.0.1',
        port: Number(new URL(smtp.url).port),
        security: 'none',
        fromName: '汇流客服',
        fromAddress: 'care@huiliu.test',
      },
    },
  });
  expect(email.status, JSON.stringify(email.body)).toBe(201);
  emailInboxId = email.body.id;

  const team = await createTeam(server.ctx.db, ws.workspaceId, { name: '质检组', description: '' });
  reviewerTeamId = team.id;
  const user = await createUser(server.ctx.db, {
    email: 'senior-reviews@example.test',
    name: '资深坐席',
    passwordHash: await hashPassword(PASSWORD),
  });
  await addMembership(server.ctx.db, { workspaceId: ws.workspaceId, userId: user.id, role: 'agent' });
  await addTeamMember(server.ctx.db, ws.workspaceId, team.id, user.id);
  const client = new HttpClient(server.url);
  await client.login(user.email, PASSWORD);
  senior = { id: user.id, client };

  // Calendar time, so the clock runs whatever the hour the test runs at.
  const sla = await ws.clients.admin.post(api('/sla-policies'), {
    name: '全部会话',
    targets: { first_response: { minutes: { low: 60, normal: 60, high: 60, urgent: 60 }, businessTime: false } },
  });
  expect(sla.status, JSON.stringify(sla.body)).toBe(201);
}, 60_000);
afterAll(async () => {
  for (const socket of opened) socket.close();
  await server?.stop();
  await smtp?.close();
});

async function policy(body: Record<string, unknown>) {
  const created = await ws.clients.admin.post(api('/review-policies'), body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: string };
}

/** A widget visitor who wrote, with the conversation waiting for an agent. */
async function widgetConversation(text = '我买的耳机有杂音') {
  const visitor = await startVisitor(server.url, inboxKey);
  opened.push(visitor.socket);
  const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text });
  expect(sent.ok, JSON.stringify(sent.error)).toBe(true);
  return { visitor, conversationId: sent.data.conversation.id as string };
}

async function emailConversation(address: string) {
  const inbox = await getInbox(server.ctx.db, ws.workspaceId, emailInboxId);
  const received = await receiveInbound(server.ctx.db, {
    inbox,
    identity: { kind: 'email', value: address },
    idempotencyKey: `review-mail-${address}`,
    text: '订单 9981 的耳机坏了，我要退款。',
    senderName: '陈女士',
  });
  return received.conversation.id;
}

const agentMessages = (conversationId: string) =>
  queryRows<{ id: string; text: string; sender_id: string }>(
    server.database.url,
    `select id, text, sender_id from messages where conversation_id = $1 and kind = 'out' and sender_type = 'agent' order by seq`,
    [conversationId],
  );
const outboundEvents = (conversationId: string) =>
  queryRows(
    server.database.url,
    `select id from outbox where topic = 'message.created' and payload->>'conversationId' = $1 and payload->>'kind' = 'out'`,
    [conversationId],
  );
const firstResponse = async (conversationId: string) => {
  const [row] = await queryRows<{ first_response_at: Date | null }>(
    server.database.url,
    `select first_response_at from conversations where id = $1`,
    [conversationId],
  );
  const clocks = await queryRows<{ status: string }>(
    server.database.url,
    `select status from sla_targets where subject_id = $1 and metric = 'first_response'`,
    [conversationId],
  );
  return { at: row!.first_response_at, clocks: clocks.map((clock) => clock.status) };
};
const widgetHistory = async (visitor: Awaited<ReturnType<typeof widgetConversation>>['visitor']) => {
  const history = await emitAck(visitor.socket, 'history', { afterSeq: 0 });
  return (history.data.messages as { senderType: string; text: string }[]).filter((message) => message.senderType === 'agent');
};

async function agentSocket(client: HttpClient) {
  const socket = await connectSocket(`${server.url}/agent`, { extraHeaders: { cookie: client.cookie ?? '' } });
  opened.push(socket);
  return new EventInbox(socket, ['review:changed']);
}

describe('review policies', () => {
  it('are the admin’s: validated, the workspace’s own references only, nothing stored on a refusal', async () => {
    const before = await fingerprint(server.database.url);
    expect((await ws.clients.supervisor.post(api('/review-policies'), { name: '主管' })).status).toBe(403);
    expect((await ws.clients.agent.get(api('/review-policies'))).status).toBe(403);
    const badPattern = await ws.clients.admin.post(api('/review-policies'), { name: '坏正则', conditions: { pattern: '(退款' } });
    expect(badPattern.status).toBe(400);
    expect(JSON.stringify(badPattern.body)).toContain('regular expression');
    // A pattern that backtracks exponentially would stall the node on one crafted reply.
    const unsafe = await ws.clients.admin.post(api('/review-policies'), { name: '回溯', conditions: { pattern: '(a+)+$' } });
    expect(unsafe.status).toBe(422);
    expect(unsafe.body.error.code).toBe('unsafe_pattern');
    const foreignTeam = await ws.clients.admin.post(api('/review-policies'), {
      name: '别家',
      conditions: { authorTeamIds: [other.teamId] },
    });
    expect(foreignTeam.status).toBe(404);
    const foreignAgent = await ws.clients.admin.post(api('/review-policies'), {
      name: '别家人',
      conditions: { authorIds: [other.users.agent.id] },
    });
    expect(foreignAgent.status).toBe(404);
    const foreignReviewers = await ws.clients.admin.post(api('/review-policies'), { name: '别家审', reviewerTeamId: other.teamId });
    expect(foreignReviewers.status).toBe(404);
    expect(await fingerprint(server.database.url)).toEqual(before);
  });

  it('are ordered, first match first; the order names each policy once', async () => {
    const trainees = await policy({ name: '实习生', conditions: { authorIds: [ws.users.agent.id] }, reviewerTeamId });
    const refunds = await policy({ name: '退款邮件', conditions: { channels: ['email'], keywords: ['退款', 'refund'] } });
    const list = await ws.clients.admin.get(api('/review-policies'));
    expect(list.body.items.map((item: { name: string }) => item.name)).toEqual(['实习生', '退款邮件']);
    expect((await ws.clients.admin.put(api('/review-policies/order'), { ids: [refunds.id] })).status).toBe(422);
    const reordered = await ws.clients.admin.put(api('/review-policies/order'), { ids: [refunds.id, trainees.id] });
    expect(reordered.body.items.map((item: { name: string }) => item.name)).toEqual(['退款邮件', '实习生']);
    expect((await ws.clients.admin.post(api('/review-policies'), { name: '实习生' })).status).toBe(409);
    const patched = await ws.clients.admin.patch(api(`/review-policies/${trainees.id}`), { description: '入职三个月内' });
    expect(patched.body).toMatchObject({ description: '入职三个月内', reviewerTeamId });
  });
});

describe('a held reply', () => {
  it('reaches the widget customer only once approved, exactly once, and the first response waits for it', async () => {
    const { visitor, conversationId } = await widgetConversation();
    const supervisorLive = await agentSocket(ws.clients.supervisor);
    const held = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), {
      text: '您好，请您先重启一下耳机试试。',
      clientMessageId: 'trainee-1',
    });
    expect(held.status, JSON.stringify(held.body)).toBe(202);
    expect(held.body.review).toMatchObject({
      status: 'pending',
      policyName: '实习生',
      authorId: ws.users.agent.id,
      subjectType: 'conversation',
    });
    const reviewId: string = held.body.review.id;
    // The author's retry of the same send is the same review, not a second one.
    const retried = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), {
      text: '您好，请您先重启一下耳机试试。',
      clientMessageId: 'trainee-1',
    });
    expect(retried.status).toBe(202);
    expect(retried.body.review.id).toBe(reviewId);
    await supervisorLive.waitFor('review:changed', (event) => event.reviewId === reviewId && event.status === 'pending');

    await outboxSettled(server.database.url);
    expect(await agentMessages(conversationId)).toEqual([]);
    expect(await outboundEvents(conversationId)).toEqual([]);
    expect(await widgetHistory(visitor)).toEqual([]);
    expect(visitor.inbox.of('message', (event) => event.message.senderType === 'agent')).toEqual([]);
    expect(await firstResponse(conversationId)).toEqual({ at: null, clocks: ['active'] });

    // The author and colleagues see it waiting on the conversation; the queue shows it to reviewers.
    const onCase = await ws.clients.agent.get(api(`/reviews?conversationId=${conversationId}`));
    expect(onCase.body.items).toEqual([
      expect.objectContaining({ id: reviewId, status: 'pending', text: '您好，请您先重启一下耳机试试。' }),
    ]);
    const queue = await senior.client.get(api('/reviews?status=pending'));
    expect(queue.body.items.map((item: { id: string }) => item.id)).toContain(reviewId);
    // Its author does not approve it.
    expect((await ws.clients.agent.post(api(`/reviews/${reviewId}/approve`), {})).status).toBe(403);

    const approved = await ws.clients.supervisor.post(api(`/reviews/${reviewId}/approve`), {});
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', decidedById: ws.users.supervisor.id, edited: false });
    expect(approved.body.messageId).toBeTruthy();
    await visitor.inbox.waitFor('message', (event) => event.message.senderType === 'agent');
    await supervisorLive.waitFor('review:changed', (event) => event.reviewId === reviewId && event.status === 'approved');

    // The same reviewer asking again is answered the same; anyone else is told it is decided.
    const again = await ws.clients.supervisor.post(api(`/reviews/${reviewId}/approve`), {});
    expect(again.status).toBe(200);
    expect(again.body.messageId).toBe(approved.body.messageId);
    const late = await ws.clients.admin.post(api(`/reviews/${reviewId}/reject`), { reason: '太晚了' });
    expect(late.status).toBe(409);
    // After approval the author's retried send finds the message it became.
    const afterRetry = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), {
      text: '您好，请您先重启一下耳机试试。',
      clientMessageId: 'trainee-1',
    });
    expect(afterRetry.status).toBe(202);
    expect(afterRetry.body.review.status).toBe('approved');

    await outboxSettled(server.database.url);
    const sent = await agentMessages(conversationId);
    expect(sent).toEqual([{ id: approved.body.messageId, text: '您好，请您先重启一下耳机试试。', sender_id: ws.users.agent.id }]);
    expect(await outboundEvents(conversationId)).toHaveLength(1);
    expect((await widgetHistory(visitor)).map((message) => message.text)).toEqual(['您好，请您先重启一下耳机试试。']);
    expect(visitor.inbox.of('message', (event) => event.message.senderType === 'agent')).toHaveLength(1);
    const clock = await firstResponse(conversationId);
    expect(clock.at).not.toBeNull();
    expect(clock.clocks).toEqual(['achieved']);
  });

  it('edited then approved, the customer’s email carries the reviewer’s text, once; the original is kept', async () => {
    const address = 'chen-refund@example.com';
    const conversationId = await emailConversation(address);
    // The senior agent is no trainee: the refund keyword on email holds it.
    const held = await senior.client.post(api(`/conversations/${conversationId}/messages`), { text: '好的，给您退款。' });
    expect(held.status, JSON.stringify(held.body)).toBe(202);
    expect(held.body.review).toMatchObject({ policyName: '退款邮件', reason: { channel: 'email', keywords: ['退款'] } });
    await outboxSettled(server.database.url);
    expect(smtp.mails.filter((mail) => mail.to.includes(address))).toEqual([]);
    expect(await outboundEvents(conversationId)).toEqual([]);

    // The policy names no reviewer team: the senior's colleagues in it may not decide; a supervisor does.
    const edit = '您好，退款申请已提交，款项将在 3 个工作日内原路退回。';
    expect((await ws.clients.agent.post(api(`/reviews/${held.body.review.id}/approve-with-edit`), { text: edit })).status).toBe(404);
    expect((await ws.clients.supervisor.post(api(`/reviews/${held.body.review.id}/approve-with-edit`), { text: '  ' })).status).toBe(400);
    const approved = await ws.clients.supervisor.post(api(`/reviews/${held.body.review.id}/approve-with-edit`), { text: edit });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ edited: true, text: edit, originalText: '好的，给您退款。', status: 'approved' });

    await expect.poll(() => smtp.mails.filter((mail) => mail.to.includes(address)).length, { timeout: 20_000 }).toBe(1);
    await outboxSettled(server.database.url);
    const mails = smtp.mails.filter((mail) => mail.to.includes(address));
    expect(mails).toHaveLength(1);
    const parsed = await simpleParser(mails[0]!.raw);
    expect(parsed.text).toContain('原路退回');
    expect(parsed.text).not.toContain('好的，给您退款');
    expect((await agentMessages(conversationId)).map((message) => message.text)).toEqual([edit]);
  });

  it('rejected, it goes back to its author with the reason and never out', async () => {
    const { visitor, conversationId } = await widgetConversation('发票抬头写错了');
    const authorLive = await agentSocket(ws.clients.agent);
    const held = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), { text: '发票没法改。' });
    expect(held.status).toBe(202);
    const id: string = held.body.review.id;
    expect((await senior.client.post(api(`/reviews/${id}/reject`), { reason: ' ' })).status).toBe(400);
    // An agent of the policy's reviewer team decides it.
    const rejected = await senior.client.post(api(`/reviews/${id}/reject`), { reason: '发票可以重开，请告知客户重开流程。' });
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', decidedById: senior.id, decidedByName: '资深坐席' });
    await authorLive.waitFor('review:changed', (event) => event.reviewId === id && event.status === 'rejected');
    const mine = await ws.clients.agent.get(api(`/reviews?authorId=me&status=rejected`));
    expect(mine.body.items).toEqual([expect.objectContaining({ id, rejectionReason: '发票可以重开，请告知客户重开流程。' })]);
    expect((await ws.clients.supervisor.post(api(`/reviews/${id}/approve`), {})).status).toBe(409);
    await outboxSettled(server.database.url);
    expect(await agentMessages(conversationId)).toEqual([]);
    expect(await widgetHistory(visitor)).toEqual([]);
  });

  it('approved by two reviewers at once: one wins, the other gets 409, one message goes out', async () => {
    const { conversationId } = await widgetConversation('快递丢了');
    const held = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), { text: '已为您联系快递公司。' });
    const id: string = held.body.review.id;
    const results = await Promise.all([
      ws.clients.supervisor.post(api(`/reviews/${id}/approve`), {}),
      ws.clients.admin.post(api(`/reviews/${id}/approve-with-edit`), { text: '已为您联系快递公司，今天内给您答复。' }),
      senior.client.post(api(`/reviews/${id}/approve`), {}),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual([200, 409, 409]);
    await outboxSettled(server.database.url);
    expect(await agentMessages(conversationId)).toHaveLength(1);
    expect(await outboundEvents(conversationId)).toHaveLength(1);
  });

  it('a public ticket reply waits too; approved, it becomes the comment and applies its status', async () => {
    const { visitor, conversationId } = await widgetConversation('屏幕碎了能保修吗');
    const ticket = await ws.clients.supervisor.post(api(`/conversations/${conversationId}/ticket`), { subject: '屏幕保修' });
    expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
    const ticketId: string = ticket.body.id;
    const held = await ws.clients.agent.post(api(`/tickets/${ticketId}/comments`), {
      visibility: 'public',
      text: '人为损坏不在保修范围内。',
      status: 'pending',
    });
    expect(held.status, JSON.stringify(held.body)).toBe(202);
    expect(held.body.review).toMatchObject({ subjectType: 'ticket', ticketId, ticketNumber: ticket.body.number });
    // An internal note is never reviewed.
    expect(
      (await ws.clients.agent.post(api(`/tickets/${ticketId}/comments`), { visibility: 'internal', text: '客户情绪激动' })).status,
    ).toBe(201);
    const publicComments = () =>
      queryRows<{ text: string; author_id: string }>(
        server.database.url,
        `select text, author_id from ticket_comments where ticket_id = $1 and visibility = 'public' and author_type = 'agent'`,
        [ticketId],
      );
    expect(await publicComments()).toEqual([]);
    expect((await ws.clients.agent.get(api(`/reviews?ticketId=${ticketId}`))).body.items).toHaveLength(1);
    const approved = await ws.clients.supervisor.post(api(`/reviews/${held.body.review.id}/approve`), {});
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(await publicComments()).toEqual([{ text: '人为损坏不在保修范围内。', author_id: ws.users.agent.id }]);
    expect((await ws.clients.supervisor.get(api(`/tickets/${ticketId}`))).body.status).toBe('pending');
    await outboxSettled(server.database.url);
    expect((await widgetHistory(visitor)).map((message) => message.text)).toEqual(['人为损坏不在保修范围内。']);
  });

  it('holds no reply of a supervisor, of an agent no policy names, nor an internal note', async () => {
    const { conversationId } = await widgetConversation('怎么开发票');
    expect((await ws.clients.supervisor.post(api(`/conversations/${conversationId}/messages`), { text: '我来处理退款。' })).status).toBe(
      201,
    );
    expect((await senior.client.post(api(`/conversations/${conversationId}/messages`), { text: '在订单页申请即可。' })).status).toBe(201);
    expect((await ws.clients.agent.post(api(`/conversations/${conversationId}/notes`), { text: '老客户' })).status).toBe(201);
  });
});

describe('review routes: RBAC and tenancy', () => {
  it('another workspace’s reviews are 404 to read or decide; an agent outside the case sees none of the queue', async () => {
    const { conversationId } = await widgetConversation('尺码不合适');
    const held = await ws.clients.agent.post(api(`/conversations/${conversationId}/messages`), { text: '可以换货。' });
    const id: string = held.body.review.id;
    const before = await fingerprint(server.database.url);
    const foreign = (path: string) => `/api/v1/workspaces/${other.workspaceId}${path}`;
    expect((await other.clients.admin.get(foreign(`/reviews/${id}`))).status).toBe(404);
    expect((await other.clients.admin.post(foreign(`/reviews/${id}/approve`), {})).status).toBe(404);
    expect((await other.clients.admin.post(foreign(`/reviews/${id}/reject`), { reason: '不行' })).status).toBe(404);
    expect((await other.clients.admin.get(foreign(`/reviews?conversationId=${conversationId}`))).status).toBe(404);
    expect((await other.clients.admin.get(foreign('/reviews'))).body.items).toEqual([]);
    expect((await ws.clients.admin.get(`/api/v1/workspaces/${other.workspaceId}/reviews/${id}`)).status).toBe(404);
    // An agent who neither wrote it nor reviews for its policy: not in their queue, not theirs to decide.
    const outsider = other.clients.agent;
    expect((await outsider.get(foreign('/reviews?status=pending'))).body.items).toEqual([]);
    const agentToken = ws.tokenClients.agent;
    expect((await agentToken.get(api('/reviews?status=pending'))).body.items).toEqual([]);
    expect((await agentToken.post(api(`/reviews/${id}/approve`), {})).status).toBe(404);
    expect(await fingerprint(server.database.url)).toEqual(before);
  });
});
