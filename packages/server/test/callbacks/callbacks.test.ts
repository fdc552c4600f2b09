import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { botSessions } from '../../src/modules/bot/schema.js';
import { callbackTasks } from '../../src/modules/callbacks/schema.js';
import { createCallbackTask } from '../../src/modules/callbacks/service.js';
import { processCallbackEvent } from '../../src/modules/callbacks/triggers.js';
import { endConversationByCustomer, rateConversation, resolveIdleBotConversation } from '../../src/modules/conversations/commands.js';
import { receiveInbound } from '../../src/modules/conversations/inbound.js';
import { conversations } from '../../src/modules/conversations/schema.js';
import { hashPassword } from '../../src/modules/auth/passwords.js';
import { getInbox } from '../../src/modules/inboxes/service.js';
import { rateTicket } from '../../src/modules/tickets/commands/rate-ticket.js';
import { createTeam } from '../../src/modules/teams/service.js';
import { addMembership, createUser } from '../../src/modules/users/service.js';
import { outbox } from '../../src/platform/outbox/schema.js';
import { connectAgent } from '../support/chat.js';
import { createWorkspaceFixture, PASSWORD, type WorkspaceFixture } from '../support/fixtures.js';
import { HttpClient } from '../support/http.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
let other: WorkspaceFixture;
/** An agent of the workspace in no team. */
let outsider: HttpClient;
let outsiderId: string;
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
let seq = 0;
const qs = (params: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(params).map(([key, value]): [string, string] => [key, String(value)]));

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'cb');
  other = await createWorkspaceFixture(server.ctx.db, server.url, 'cb-other');
  const user = await createUser(server.ctx.db, {
    email: `outsider-${Date.now()}@example.test`,
    name: '外组坐席',
    passwordHash: await hashPassword(PASSWORD),
  });
  await addMembership(server.ctx.db, { workspaceId: ws.workspaceId, userId: user.id, role: 'agent' });
  outsiderId = user.id;
  outsider = new HttpClient(server.url);
  await outsider.login(user.email, PASSWORD);
});
afterAll(() => server?.stop());

/** A new customer's conversation on the fixture's widget inbox. */
async function newConversation(text = '我的快递三天没动了') {
  seq += 1;
  const inbox = await getInbox(server.ctx.db, ws.workspaceId, ws.ids.inbox!);
  const received = await receiveInbound(server.ctx.db, {
    inbox,
    identity: { kind: 'email', value: `cb-${seq}-${Date.now()}@example.test` },
    idempotencyKey: `cb-${seq}-${Date.now()}`,
    text,
    senderName: `回访顾客${seq}`,
  });
  return received.conversation;
}

const tasksOf = (where: { source: string; sourceItem: string }) =>
  server.ctx.db
    .select()
    .from(callbackTasks)
    .where(
      and(
        eq(callbackTasks.workspaceId, ws.workspaceId),
        eq(callbackTasks.source, where.source as never),
        eq(callbackTasks.sourceItem, where.sourceItem),
      ),
    );

/** Waits for the relay to hand the trigger's event on, then for the one task it makes. */
async function oneTask(source: string, sourceItem: string) {
  await expect.poll(async () => (await tasksOf({ source, sourceItem })).length, { timeout: 20_000 }).toBe(1);
  return (await tasksOf({ source, sourceItem }))[0]!;
}

/** Rating needs an ended conversation; how it ended is no matter here. */
async function resolved(...ids: string[]) {
  for (const id of ids)
    await server.ctx.db
      .update(conversations)
      .set({ state: 'resolved', resolvedAt: sql`now()` })
      .where(eq(conversations.id, id));
}

/** The outbox events a conversation's change wrote, to deliver them a second time. */
async function eventsOf(topic: string, key: string, value: string) {
  const rows = await server.ctx.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.workspaceId, ws.workspaceId), eq(outbox.topic, topic), sql`${outbox.payload}->>${key} = ${value}`));
  return rows.map((row) => ({
    id: Number(row.id),
    workspaceId: row.workspaceId,
    topic: row.topic,
    payload: row.payload as Record<string, unknown>,
  }));
}

describe('due times on a business calendar', () => {
  it('runs on the workspace calendar: Friday 17:30 + 60 business minutes is Monday 09:30 (Asia/Shanghai)', async () => {
    const patched = await ws.clients.admin.patch(api('/callback-settings'), { calendarId: ws.ids.calendar });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const { task } = await server.ctx.db.transaction((tx) =>
      createCallbackTask(tx, {
        workspaceId: ws.workspaceId,
        customerId: ws.ids.customer!,
        reason: '日历测试',
        source: 'agent',
        sourceItem: 'calendar-case-1',
        channel: 'phone',
        dueInMinutes: 60,
        now: new Date('2030-03-01T17:30:00+08:00'),
      }),
    );
    expect(task.dueAt.toISOString()).toBe(new Date('2030-03-04T09:30:00+08:00').toISOString());
  });

  it("a team's own calendar wins over the workspace's", async () => {
    const calendar = await ws.clients.admin.post(api('/calendars'), {
      name: '夜班日历',
      timezone: 'Asia/Shanghai',
      weekly: { sat: [['10:00', '12:00']] },
    });
    expect(calendar.status).toBe(201);
    const team = await createTeam(server.ctx.db, ws.workspaceId, { name: '周末组', description: '', calendarId: calendar.body.id });
    const { task } = await server.ctx.db.transaction((tx) =>
      createCallbackTask(tx, {
        workspaceId: ws.workspaceId,
        customerId: ws.ids.customer!,
        reason: '周末组',
        source: 'agent',
        sourceItem: 'calendar-case-2',
        teamId: team.id,
        channel: 'sms',
        dueInMinutes: 150,
        // Friday noon: Saturday 10–12 is 120 minutes, the next Saturday gives the other 30.
        now: new Date('2030-03-01T12:00:00+08:00'),
      }),
    );
    expect(task.dueAt.toISOString()).toBe(new Date('2030-03-09T10:30:00+08:00').toISOString());
  });
});

describe('each trigger creates exactly one task', () => {
  it('a customer who abandons the queue gets one callback, however often the event is delivered', async () => {
    const conversation = await newConversation();
    await server.ctx.db
      .update(conversations)
      .set({ state: 'queued', queuedAt: sql`now()`, assigneeId: null })
      .where(eq(conversations.id, conversation.id));
    const ended = await server.ctx.db.transaction((tx) => endConversationByCustomer(tx, ws.workspaceId, conversation.id, 'customer_ended'));
    expect(ended?.abandoned).toBe(true);
    const task = await oneTask('queue_abandoned', `conversation:${conversation.id}`);
    expect(task.customerId).toBe(conversation.customerId);
    expect(task.conversationId).toBe(conversation.id);
    for (const event of await eventsOf('conversation.resolved', 'conversationId', conversation.id))
      expect(await processCallbackEvent(server.ctx, event)).toBeNull();
    expect(await tasksOf({ source: 'queue_abandoned', sourceItem: `conversation:${conversation.id}` })).toHaveLength(1);
  });

  it('a bot conversation the customer left unresolved gets one callback; one the bot answered gets none', async () => {
    const failed = await newConversation('火星能发货吗');
    const answered = await newConversation('怎么退货');
    for (const [row, failures] of [
      [failed, 2],
      [answered, 0],
    ] as const) {
      await server.ctx.db.update(conversations).set({ state: 'bot', queuedAt: null, assigneeId: null }).where(eq(conversations.id, row.id));
      await server.ctx.db
        .insert(botSessions)
        .values({ conversationId: row.id, workspaceId: ws.workspaceId, inboxId: row.inboxId, failures });
    }
    await server.ctx.db.execute(
      sql`insert into bot_events (workspace_id, conversation_id, type, query) values (${ws.workspaceId}, ${answered.id}, 'answer', '怎么退货')`,
    );
    for (const row of [failed, answered]) {
      const appended = await server.ctx.db.transaction((tx) => resolveIdleBotConversation(tx, ws.workspaceId, row.id, 0));
      expect(appended).not.toBeNull();
    }
    const task = await oneTask('bot_unresolved', `conversation:${failed.id}`);
    expect(task.status).toBe('open');
    for (const event of await eventsOf('conversation.resolved', 'conversationId', failed.id))
      expect(await processCallbackEvent(server.ctx, event)).toBeNull();
    // The answered one's event has been handled too (the relay goes in order) and made nothing.
    await expect.poll(async () => (await eventsOf('conversation.resolved', 'conversationId', answered.id)).length).toBe(1);
    for (const event of await eventsOf('conversation.resolved', 'conversationId', answered.id))
      expect(await processCallbackEvent(server.ctx, event)).toBeNull();
    expect(await tasksOf({ source: 'bot_unresolved', sourceItem: `conversation:${answered.id}` })).toHaveLength(0);
    expect(await tasksOf({ source: 'bot_unresolved', sourceItem: `conversation:${failed.id}` })).toHaveLength(1);
  });

  it('a negative conversation CSAT creates one task; a good one none', async () => {
    const bad = await newConversation();
    const good = await newConversation();
    await resolved(bad.id, good.id);
    await server.ctx.db.transaction((tx) => rateConversation(tx, ws.workspaceId, bad.id, 1, '太慢了'));
    await server.ctx.db.transaction((tx) => rateConversation(tx, ws.workspaceId, good.id, 5, ''));
    const task = await oneTask('csat_negative', `conversation:${bad.id}`);
    expect(task.reason).toContain('1/5');
    for (const event of await eventsOf('conversation.csat', 'conversationId', bad.id))
      expect(await processCallbackEvent(server.ctx, event)).toBeNull();
    for (const event of await eventsOf('conversation.csat', 'conversationId', good.id))
      expect(await processCallbackEvent(server.ctx, event)).toBeNull();
    expect(await tasksOf({ source: 'csat_negative', sourceItem: `conversation:${good.id}` })).toHaveLength(0);
  });

  it('a negative ticket CSAT creates one task linked to the ticket, on the ticket’s team', async () => {
    const ticket = await ws.clients.admin.post(api('/tickets'), {
      subject: '退款一直没到',
      requesterId: ws.ids.customer,
      teamId: ws.teamId,
    });
    expect(ticket.status).toBe(201);
    await server.ctx.db.transaction((tx) =>
      rateTicket(tx, { workspaceId: ws.workspaceId, ticketId: ticket.body.id, rating: 2, comment: '' }),
    );
    const task = await oneTask('csat_negative', `ticket:${ticket.body.id}`);
    expect(task.ticketId).toBe(ticket.body.id);
    expect(task.teamId).toBe(ws.teamId);
    for (const event of await eventsOf('ticket.event', 'ticketId', ticket.body.id))
      expect(await processCallbackEvent(server.ctx, event)).toBeNull();
    expect(await tasksOf({ source: 'csat_negative', sourceItem: `ticket:${ticket.body.id}` })).toHaveLength(1);
  });

  it('a trigger switched off creates nothing; its default due minutes apply when on', async () => {
    const off = await ws.clients.admin.patch(api('/callback-settings'), { triggers: { csat_negative: { enabled: false } } });
    expect(off.status).toBe(200);
    expect(off.body.triggers.csat_negative).toEqual({ enabled: false, dueMinutes: 480 });
    expect(off.body.triggers.queue_abandoned.enabled).toBe(true);
    const conversation = await newConversation();
    await resolved(conversation.id);
    await server.ctx.db.transaction((tx) => rateConversation(tx, ws.workspaceId, conversation.id, 1, ''));
    const [event] = await eventsOf('conversation.csat', 'conversationId', conversation.id);
    expect(await processCallbackEvent(server.ctx, event!)).toBeNull();
    expect(await tasksOf({ source: 'csat_negative', sourceItem: `conversation:${conversation.id}` })).toHaveLength(0);
    await ws.clients.admin.patch(api('/callback-settings'), { triggers: { csat_negative: { enabled: true, dueMinutes: 30 } } });
    // Saturday 2030-03-02: the workspace calendar opens Monday 09:00, so due 09:30.
    const made = await processCallbackEvent(server.ctx, event!, new Date('2030-03-02T11:00:00+08:00'));
    expect(made?.dueAt.toISOString()).toBe(new Date('2030-03-04T09:30:00+08:00').toISOString());
    expect(await tasksOf({ source: 'csat_negative', sourceItem: `conversation:${conversation.id}` })).toHaveLength(1);
  });

  it('the create_callback automation action makes one task per rule and change, and the dry-run says so', async () => {
    const rule = await ws.clients.admin.post(api('/automations'), {
      name: '新工单回访',
      trigger: { type: 'ticket.created' },
      actions: [{ kind: 'create_callback', reason: '回访工单 #{{ticket.number}}', channel: 'email', dueMinutes: 120 }],
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(201);
    const dry = await ws.clients.admin.post(api('/automations/dry-run'), { automation: rule.body });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(JSON.stringify(dry.body)).toContain('callback task (email, due in 120 business minutes)');
    const ticket = await ws.clients.admin.post(api('/tickets'), { subject: '发票', requesterId: ws.ids.customer });
    expect(ticket.status).toBe(201);
    await expect
      .poll(
        async () =>
          (
            await server.ctx.db
              .select()
              .from(callbackTasks)
              .where(and(eq(callbackTasks.source, 'automation'), eq(callbackTasks.ticketId, ticket.body.id)))
          ).length,
        { timeout: 20_000 },
      )
      .toBe(1);
    const [task] = await server.ctx.db.select().from(callbackTasks).where(eq(callbackTasks.ticketId, ticket.body.id));
    expect(task!.reason).toBe(`回访工单 #${ticket.body.number}`);
    expect(task!.channel).toBe('email');
    await ws.clients.admin.patch(api(`/automations/${rule.body.id}`), { enabled: false });
  });

  it('an agent creates one from the API: theirs by default, live to the console', async () => {
    const agent = await connectAgent(server.url, ws.clients.agent);
    const heard: unknown[] = [];
    agent.socket.on('callback:changed', (payload: unknown) => heard.push(payload));
    const conversation = await newConversation();
    const created = await ws.clients.agent.post(api('/callback-tasks'), {
      customerId: conversation.customerId,
      conversationId: conversation.id,
      reason: '客户要求明天电话确认',
      channel: 'wechat',
      dueAt: '2030-05-06T10:00:00+08:00',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({
      source: 'agent',
      assigneeId: ws.users.agent.id,
      channel: 'wechat',
      status: 'open',
      attemptCount: 0,
    });
    expect(created.body.dueAt).toBe(new Date('2030-05-06T02:00:00Z').toISOString());
    await expect.poll(() => heard.length).toBeGreaterThan(0);
    expect(heard).toContainEqual({ taskId: created.body.id, status: 'open' });
    agent.socket.close();
    const timeline = await ws.clients.agent.get(api(`/customers/${conversation.customerId}/callback-tasks`));
    expect(timeline.status).toBe(200);
    expect(timeline.body.items).toEqual([
      expect.objectContaining({ kind: 'callback', id: created.body.id, channel: 'wechat', state: 'open' }),
    ]);
  });
});

describe('attempts, retries and closing', () => {
  it('counts attempts, moves the due time on retry_at, completes once', async () => {
    const created = await ws.clients.agent.post(api('/callback-tasks'), {
      customerId: ws.ids.customer,
      reason: '确认退款到账',
      dueAt: '2030-04-01T10:00:00+08:00',
    });
    const id = created.body.id as string;
    const missed = await ws.clients.agent.post(api(`/callback-tasks/${id}/attempts`), { outcome: 'not_reached', note: '无人接听' });
    expect(missed.status, JSON.stringify(missed.body)).toBe(201);
    expect(missed.body).toMatchObject({ attemptCount: 1, outcomeNote: '无人接听', dueAt: new Date('2030-04-01T02:00:00Z').toISOString() });
    const noTime = await ws.clients.agent.post(api(`/callback-tasks/${id}/attempts`), { outcome: 'retry_at' });
    expect(noTime.status).toBe(400);
    const past = await ws.clients.agent.post(api(`/callback-tasks/${id}/attempts`), {
      outcome: 'retry_at',
      retryAt: '2001-01-01T00:00:00Z',
    });
    expect(past.status).toBe(400);
    const retry = await ws.clients.agent.post(api(`/callback-tasks/${id}/attempts`), {
      outcome: 'retry_at',
      retryAt: '2030-04-02T15:00:00+08:00',
      channel: 'sms',
    });
    expect(retry.status).toBe(201);
    expect(retry.body.attemptCount).toBe(2);
    expect(retry.body.dueAt).toBe(new Date('2030-04-02T07:00:00Z').toISOString());
    expect(retry.body.attempts.map((a: { outcome: string; channel: string }) => `${a.outcome}/${a.channel}`)).toEqual([
      'not_reached/phone',
      'retry_at/sms',
    ]);
    const done = await ws.clients.agent.post(api(`/callback-tasks/${id}/complete`), { note: '已到账，客户满意' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', outcomeNote: '已到账，客户满意', overdue: false });
    expect(done.body.closedAt).not.toBeNull();
    expect((await ws.clients.agent.post(api(`/callback-tasks/${id}/complete`), {})).status).toBe(409);
    expect((await ws.clients.agent.post(api(`/callback-tasks/${id}/attempts`), { outcome: 'reached' })).status).toBe(409);
    expect((await ws.clients.agent.post(api(`/callback-tasks/${id}/cancel`), {})).status).toBe(409);
  });

  it('lists soonest due first; overdue and status filters; bad input is a 400 that changes nothing', async () => {
    const late = await ws.clients.agent.post(api('/callback-tasks'), { customerId: ws.ids.customer, reason: '过期的', dueInMinutes: 0 });
    expect(late.status).toBe(201);
    const overdue = await ws.clients.agent.get(`${api('/callback-tasks')}?${qs({ overdue: 'true', scope: 'mine' })}`);
    expect(overdue.status).toBe(200);
    expect(overdue.body.items.map((task: { id: string }) => task.id)).toContain(late.body.id);
    expect(overdue.body.items.filter((task: { overdue: boolean }) => !task.overdue)).toEqual([]);
    const open = (await ws.clients.agent.get(`${api('/callback-tasks')}?${qs({ status: 'open', limit: 200 })}`)).body.items as {
      dueAt: string;
    }[];
    expect(open.map((task) => task.dueAt)).toEqual([...open.map((task) => task.dueAt)].sort());
    const cancelled = await ws.clients.agent.post(api(`/callback-tasks/${late.body.id}/cancel`), { note: '客户已自行解决' });
    expect(cancelled.body.status).toBe('cancelled');
    const [before] = await server.ctx.db.select({ count: sql<number>`count(*)::int` }).from(callbackTasks);
    expect((await ws.clients.agent.post(api('/callback-tasks'), { customerId: ws.ids.customer, reason: '' })).status).toBe(400);
    expect((await ws.clients.agent.post(api('/callback-tasks'), { customerId: ws.ids.customer, reason: 'x', channel: 'fax' })).status).toBe(
      400,
    );
    expect((await ws.clients.agent.get(`${api('/callback-tasks')}?${qs({ cursor: 'nonsense' })}`)).status).toBe(400);
    const [after] = await server.ctx.db.select({ count: sql<number>`count(*)::int` }).from(callbackTasks);
    expect(after!.count).toBe(before!.count);
  });
});

describe('customers', () => {
  it("a merged customer's tasks follow it to the customer it was merged into", async () => {
    const source = await newConversation();
    const target = await newConversation();
    const task = await ws.clients.agent.post(api('/callback-tasks'), { customerId: source.customerId, reason: '合并前的回访' });
    expect(task.status).toBe(201);
    const merged = await ws.clients.supervisor.post(api(`/customers/${target.customerId}/merge`), {
      sourceCustomerId: source.customerId,
      confirm: true,
    });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect((await ws.clients.agent.get(api(`/callback-tasks/${task.body.id}`))).body.customerId).toBe(target.customerId);
    const timeline = await ws.clients.agent.get(api(`/customers/${target.customerId}/callback-tasks`));
    expect(timeline.body.items.map((item: { id: string }) => item.id)).toContain(task.body.id);
  });
});

describe('RBAC and tenancy', () => {
  it("an agent sees and works their own and their teams' tasks only; supervisors see all", async () => {
    const teamTask = await ws.clients.admin.post(api('/callback-tasks'), {
      customerId: ws.ids.customer,
      reason: '组任务',
      teamId: ws.teamId,
    });
    const adminOwn = await ws.clients.admin.post(api('/callback-tasks'), { customerId: ws.ids.customer, reason: '管理员自己的' });
    expect(adminOwn.body.assigneeId).toBe(ws.users.admin.id);
    // The fixture agent is in the team; the outsider is in none.
    expect((await ws.clients.agent.get(api(`/callback-tasks/${teamTask.body.id}`))).status).toBe(200);
    expect((await ws.clients.agent.get(api(`/callback-tasks/${adminOwn.body.id}`))).status).toBe(404);
    expect((await outsider.get(api(`/callback-tasks/${teamTask.body.id}`))).status).toBe(404);
    expect((await outsider.post(api(`/callback-tasks/${teamTask.body.id}/complete`), {})).status).toBe(404);
    expect((await outsider.post(api(`/callback-tasks/${teamTask.body.id}/attempts`), { outcome: 'reached' })).status).toBe(404);
    const teamList = (await ws.clients.agent.get(`${api('/callback-tasks')}?${qs({ scope: 'team', limit: 200 })}`)).body.items as {
      id: string;
    }[];
    expect(teamList.map((task) => task.id)).toContain(teamTask.body.id);
    const outsiderList = (await outsider.get(`${api('/callback-tasks')}?${qs({ limit: 200 })}`)).body.items as { id: string }[];
    expect(outsiderList.map((task) => task.id)).not.toContain(teamTask.body.id);
    expect(outsiderList.map((task) => task.id)).not.toContain(adminOwn.body.id);
    const all = (await ws.clients.supervisor.get(`${api('/callback-tasks')}?${qs({ limit: 200 })}`)).body.items as { id: string }[];
    expect(all.map((task) => task.id)).toEqual(expect.arrayContaining([teamTask.body.id, adminOwn.body.id]));
    // Taking the team's task makes it the agent's; handing it to the outsider lets them work it.
    const taken = await ws.clients.agent.patch(api(`/callback-tasks/${teamTask.body.id}/assignment`), { assigneeId: ws.users.agent.id });
    expect(taken.body.assigneeId).toBe(ws.users.agent.id);
    await ws.clients.supervisor.patch(api(`/callback-tasks/${teamTask.body.id}/assignment`), { assigneeId: outsiderId, teamId: null });
    expect((await outsider.post(api(`/callback-tasks/${teamTask.body.id}/complete`), { note: '已回访' })).status).toBe(200);
    // Agents may not change the triggers; an agent's API token (no user) sees no task.
    expect((await ws.clients.agent.patch(api('/callback-settings'), { channel: 'sms' })).status).toBe(403);
    expect((await ws.tokenClients.agent.get(api('/callback-tasks'))).body.items).toEqual([]);
  });

  it("another workspace's task, customer or team is a 404 and nothing is written", async () => {
    const foreign = other.ids.callbackTask!;
    expect((await ws.clients.admin.get(api(`/callback-tasks/${foreign}`))).status).toBe(404);
    expect((await ws.clients.admin.post(api(`/callback-tasks/${foreign}/complete`), {})).status).toBe(404);
    expect((await ws.clients.admin.post(api('/callback-tasks'), { customerId: other.ids.customer, reason: '越界' })).status).toBe(404);
    expect(
      (await ws.clients.admin.post(api('/callback-tasks'), { customerId: ws.ids.customer, reason: '越界', teamId: other.teamId })).status,
    ).toBe(404);
    expect(
      (
        await ws.clients.admin.post(api('/callback-tasks'), {
          customerId: ws.ids.customer,
          reason: '越界',
          assigneeId: other.users.agent.id,
        })
      ).status,
    ).toBe(404);
    expect((await ws.clients.admin.get(api(`/customers/${other.ids.customer}/callback-tasks`))).status).toBe(404);
    const [row] = await server.ctx.db.select().from(callbackTasks).where(eq(callbackTasks.id, foreign));
    expect(row!.status).toBe('open');
  });
});
