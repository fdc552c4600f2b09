import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rateConversation, resolveConversation } from '../../src/modules/conversations/commands.js';
import { receiveInbound } from '../../src/modules/conversations/inbound.js';
import { getInbox } from '../../src/modules/inboxes/service.js';
import { writeOutbox } from '../../src/platform/outbox/outbox.js';
import { connectAgent } from '../support/chat.js';
import { fingerprint } from '../support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

/** Automations whose subject is a conversation: a chat or email thread, whether or not it became a ticket. */

let server: TestServer;
let ws: WorkspaceFixture;
let tier2: string;
let hook: { url: string; bodies: string[]; close(): Promise<void> };
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
let seq = 0;

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'convauto');
  tier2 = (await ws.clients.admin.post(api('/teams'), { name: '投诉处理组', description: '' })).body.id;
  const bodies: string[] = [];
  const receiver = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      bodies.push(body);
      response.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hook = {
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    bodies,
    close: () => new Promise<void>((resolve) => receiver.close(() => resolve())),
  };
});
afterAll(async () => {
  await hook?.close();
  await server?.stop();
});

async function createRule(body: Record<string, unknown>) {
  const response = await ws.clients.admin.post(api('/automations'), { subject: 'conversation', ...body });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; name: string };
}

/** A new customer writes on the fixture's inbox: a new conversation. */
async function customerWrites(text: string, identity?: { kind: 'email'; value: string }) {
  seq += 1;
  const inbox = await getInbox(server.ctx.db, ws.workspaceId, ws.ids.inbox!);
  const received = await receiveInbound(server.ctx.db, {
    inbox,
    identity: identity ?? { kind: 'email', value: `conv-auto-${seq}-${Date.now()}@example.test` },
    idempotencyKey: `conv-auto-${seq}-${Date.now()}`,
    text,
    senderName: `顾客${seq}`,
  });
  return received.conversation;
}

async function runsOf(conversationId: string, count: number) {
  let items: any[] = [];
  await expect
    .poll(
      async () => {
        items = (await ws.clients.admin.get(api(`/conversations/${conversationId}/automation-runs`))).body.items;
        return items.length;
      },
      { timeout: 20_000 },
    )
    .toBeGreaterThanOrEqual(count);
  return items;
}

/** Until the relay has handed every due event of the workspace to its subscribers. */
const outboxDrained = () =>
  expect
    .poll(
      async () =>
        (
          await server.ctx.db.execute<{ n: number }>(
            sql`select count(*)::int as n from outbox where workspace_id = ${ws.workspaceId} and processed_at is null and available_at <= now()`,
          )
        ).rows[0]!.n,
      { timeout: 20_000 },
    )
    .toBe(0);

const conversationNow = async (id: string) => (await ws.clients.admin.get(api(`/conversations/${id}`))).body;
const disable = (id: string) => ws.clients.admin.patch(api(`/automations/${id}`), { enabled: false });

describe('a conversation rule', () => {
  it('on a new conversation does each conversation action with the automation as actor, and logs each', async () => {
    const agent = await connectAgent(server.url, ws.clients.agent);
    const notified: any[] = [];
    agent.socket.on('automation:notify', (payload: unknown) => notified.push(payload));
    const rule = await createRule({
      name: '投诉分流',
      trigger: { type: 'conversation.created' },
      conditions: {
        match: 'all',
        groups: [
          {
            match: 'all',
            items: [
              { kind: 'text', source: 'message', op: 'contains', value: '投诉' },
              { kind: 'field', field: 'sourceChannel', op: 'is', value: 'widget' },
              { kind: 'field', field: 'inboxId', op: 'is', value: ws.ids.inbox },
            ],
          },
        ],
      },
      actions: [
        { kind: 'set_priority', priority: 'urgent' },
        { kind: 'set_tags', add: ['投诉'], remove: [] },
        { kind: 'set_team', teamId: tier2 },
        { kind: 'add_note', text: '自动分流：会话 #{{conversation.number}}（{{conversation.priority}}）' },
        { kind: 'send_reply', text: '{{customer.name}}您好，您的投诉已转给专人处理。' },
        { kind: 'notify', userId: ws.users.agent.id, text: '投诉会话 #{{conversation.number}}' },
        { kind: 'webhook', url: hook.url, secret: 'conversation-hook-secret-1' },
        { kind: 'create_ticket', priority: 'high', teamId: tier2, notifyCustomer: false },
      ],
    });
    // The message text a conversation.created rule sees is the one that opened it.
    const conversation = await customerWrites('我要投诉：快递员态度很差');
    const [run] = await runsOf(conversation.id, 1);
    expect(run).toMatchObject({ subjectType: 'conversation', subjectId: conversation.id, status: 'done', automationName: '投诉分流' });
    expect(run.actions.map((action: any) => [action.kind, action.ok, action.error])).toEqual(
      ['set_priority', 'set_tags', 'set_team', 'add_note', 'send_reply', 'notify', 'webhook', 'create_ticket'].map((kind) => [
        kind,
        true,
        null,
      ]),
    );

    const after = await conversationNow(conversation.id);
    expect(after).toMatchObject({ priority: 'urgent', teamId: tier2, assigneeId: null });
    expect(after.tags).toEqual(['投诉']);
    const messages = (
      await server.ctx.db.execute<{ kind: string; sender_type: string; sender_name: string | null; text: string }>(
        sql`select kind, sender_type, sender_name, text from messages where conversation_id = ${conversation.id} and kind in ('out', 'note') order by seq`,
      )
    ).rows;
    expect(messages).toEqual([
      { kind: 'note', sender_type: 'system', sender_name: 'automation 投诉分流', text: `自动分流：会话 #${conversation.number}（urgent）` },
      { kind: 'out', sender_type: 'system', sender_name: 'automation 投诉分流', text: `顾客${seq}您好，您的投诉已转给专人处理。` },
    ]);
    // An automatic reply is no human's first response.
    const [clock] = (
      await server.ctx.db.execute<{ first_response_at: Date | null }>(
        sql`select first_response_at from conversations where id = ${conversation.id}`,
      )
    ).rows;
    expect(clock!.first_response_at).toBeNull();
    const [ticket] = (
      await server.ctx.db.execute<{ priority: string; team_id: string }>(
        sql`select t.priority, t.team_id from tickets t join ticket_conversations l on l.ticket_id = t.id where l.conversation_id = ${conversation.id}`,
      )
    ).rows;
    expect(ticket).toEqual({ priority: 'high', team_id: tier2 });

    await expect.poll(() => notified.length, { timeout: 10_000 }).toBe(1);
    expect(notified[0]).toMatchObject({ conversationId: conversation.id, text: `投诉会话 #${conversation.number}` });
    agent.socket.close();
    await expect.poll(() => hook.bodies.filter((body) => body.includes(conversation.id)).length, { timeout: 10_000 }).toBe(1);
    expect(JSON.parse(hook.bodies.find((body) => body.includes(conversation.id))!)).toMatchObject({
      automationId: rule.id,
      trigger: { type: 'conversation.created' },
      conversation: { id: conversation.id, channel: 'widget', priority: 'urgent' },
    });
    await disable(rule.id);
  });

  it('hears changes, customer and agent messages, SLA and CSAT of a conversation that never became a ticket', async () => {
    const tagged = (name: string, tag: string, trigger: Record<string, unknown>) =>
      createRule({
        name,
        trigger,
        conditions: {
          match: 'all',
          groups: [{ match: 'all', items: [{ kind: 'customer', attribute: 'tags', op: 'is', value: '触发测试' }] }],
        },
        actions: [{ kind: 'set_tags', add: [tag], remove: [] }],
      });
    const identity = { kind: 'email' as const, value: `trigger-${Date.now()}@example.test` };
    const conversation = await customerWrites('你好', identity);
    await server.ctx.db.execute(sql`update customers set tags = array[${'触发测试'}]::text[] where id = ${conversation.customerId}`);
    // The opening message has been heard before any rule exists: the log holds only what follows.
    await outboxDrained();
    const rules = [
      await tagged('改优先级', 'priority-seen', { type: 'conversation.updated', field: 'priority', to: 'high' }),
      await tagged('客户来信', 'customer-wrote', { type: 'customer.message' }),
      await tagged('坐席回复', 'agent-replied', { type: 'agent.message' }),
      await tagged('首响超时', 'breached', { type: 'sla.breached', metric: 'first_response' }),
      await tagged('已解决', 'resolved-seen', { type: 'conversation.updated', field: 'status', to: 'resolved' }),
      await tagged('差评', 'bad-csat', { type: 'csat.received', maxRating: 2 }),
    ];
    const tagsNow = async () => (await conversationNow(conversation.id)).tags as string[];

    expect((await ws.clients.admin.post(api(`/conversations/${conversation.id}/priority`), { priority: 'high' })).status).toBe(200);
    await expect.poll(tagsNow, { timeout: 20_000 }).toContain('priority-seen');
    await customerWrites('还在吗？', identity);
    await expect.poll(tagsNow, { timeout: 20_000 }).toContain('customer-wrote');
    await ws.clients.admin.post(api(`/conversations/${conversation.id}/assign`), { assigneeId: ws.users.admin.id });
    expect((await ws.clients.admin.post(api(`/conversations/${conversation.id}/messages`), { text: '在的，请讲' })).status).toBe(201);
    await expect.poll(tagsNow, { timeout: 20_000 }).toContain('agent-replied');
    await server.ctx.db.transaction((tx) =>
      writeOutbox(tx, ws.workspaceId, 'sla.breached', {
        targetId: '00000000-0000-4000-8000-00000000beef',
        subjectType: 'conversation',
        subjectId: conversation.id,
        metric: 'first_response',
        dueAt: new Date().toISOString(),
      }),
    );
    await expect.poll(tagsNow, { timeout: 20_000 }).toContain('breached');
    await server.ctx.db.transaction((tx) =>
      resolveConversation(tx, ws.workspaceId, conversation.id, { type: 'agent', id: ws.users.admin.id, name: 'admin' }, {}),
    );
    await expect.poll(tagsNow, { timeout: 20_000 }).toContain('resolved-seen');
    await server.ctx.db.transaction((tx) => rateConversation(tx, ws.workspaceId, conversation.id, 1, '没解决'));
    await expect.poll(tagsNow, { timeout: 20_000 }).toContain('bad-csat');

    const log = await runsOf(conversation.id, 6);
    expect(log.map((run) => run.trigger.type).sort()).toEqual([
      'agent.message',
      'conversation.updated',
      'conversation.updated',
      'csat.received',
      'customer.message',
      'sla.breached',
    ]);
    // The rules' own tag changes are conversation updates too, but no rule watches tags: nothing else fired.
    expect(log).toHaveLength(6);
    for (const rule of rules) await disable(rule.id);
  });

  it('and a ticket rule both hear a message on a conversation that became a ticket', async () => {
    const conversationRule = await createRule({
      name: '会话侧',
      trigger: { type: 'customer.message' },
      conditions: { match: 'all', groups: [{ match: 'all', items: [{ kind: 'text', source: 'message', op: 'contains', value: '双方' }] }] },
      actions: [{ kind: 'add_note', text: '会话规则看到了' }],
    });
    const ticketRule = await ws.clients.admin.post(api('/automations'), {
      name: '工单侧',
      trigger: { type: 'customer.message' },
      conditions: { match: 'all', groups: [{ match: 'all', items: [{ kind: 'text', source: 'message', op: 'contains', value: '双方' }] }] },
      actions: [{ kind: 'add_note', text: '工单规则看到了' }],
    });
    expect(ticketRule.status).toBe(201);
    expect(ticketRule.body.subject).toBe('ticket');
    const identity = { kind: 'email' as const, value: `both-${Date.now()}@example.test` };
    const conversation = await customerWrites('开始', identity);
    const ticket = await ws.clients.admin.post(api(`/conversations/${conversation.id}/ticket`), { subject: '双方规则', notify: false });
    expect(ticket.status).toBe(201);
    await customerWrites('双方都该看到这条', identity);
    const [conversationRun] = await runsOf(conversation.id, 1);
    expect(conversationRun.automationId).toBe(conversationRule.id);
    await expect
      .poll(async () => (await ws.clients.admin.get(api(`/tickets/${ticket.body.id}/automation-runs`))).body.items.length, {
        timeout: 20_000,
      })
      .toBe(1);
    await disable(conversationRule.id);
    await disable(ticketRule.body.id);
  });

  it('two conversation rules undoing each other stop when the chain comes back to the first', async () => {
    const flip = (name: string, add: string, remove: string) =>
      createRule({
        name,
        trigger: { type: 'conversation.updated', field: 'tags' },
        conditions: { match: 'all', groups: [{ match: 'all', items: [{ kind: 'field', field: 'tags', op: 'is', value: remove }] }] },
        actions: [{ kind: 'set_tags', add: [add], remove: [remove] }],
      });
    const rules = [await flip('甲改乙', '乙', '甲'), await flip('乙改甲', '甲', '乙')];
    const conversation = await customerWrites('循环测试');
    await ws.clients.admin.post(api(`/conversations/${conversation.id}/tags`), { tags: ['甲'] });
    await runsOf(conversation.id, 3);
    await outboxDrained();
    // On the agent's change both rules run, in order, the second seeing the first's change (甲 → 乙 → 甲);
    // their changes wake the first once more (→ 乙), and there the chain has come back to itself and stops.
    const settled = (await ws.clients.admin.get(api(`/conversations/${conversation.id}/automation-runs`))).body.items;
    expect(settled.map((run: any) => [run.automationName, run.depth]).reverse()).toEqual([
      ['甲改乙', 0],
      ['乙改甲', 0],
      ['甲改乙', 1],
    ]);
    expect((await conversationNow(conversation.id)).tags).toEqual(['乙']);
    for (const rule of rules) await disable(rule.id);
  });
});

describe('the API', () => {
  it('refuses parts that do not fit a conversation rule (or a ticket rule) with the reason, storing nothing', async () => {
    const before = await fingerprint(server.database.url);
    const base = {
      subject: 'conversation',
      name: '不合适',
      trigger: { type: 'conversation.created' },
      actions: [{ kind: 'add_note', text: '备注' }],
    };
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['a time trigger', { ...base, trigger: { type: 'time', anchor: 'created', hours: 1 } }, /trigger time/],
      ['an escalation', { ...base, actions: [{ kind: 'escalate', teamId: tier2, reason: '升级' }] }, /escalate/],
      ['a ticket status', { ...base, actions: [{ kind: 'set_status', status: 'solved' }] }, /set_status/],
      [
        'a custom field condition',
        {
          ...base,
          conditions: { match: 'all', groups: [{ match: 'all', items: [{ kind: 'custom_field', key: 'order_no', op: 'set' }] }] },
        },
        /custom ticket fields/,
      ],
      ['a ticket trigger', { ...base, trigger: { type: 'ticket.created' } }, /ticket.created/],
      [
        'create_ticket on a ticket rule',
        { ...base, subject: 'ticket', trigger: { type: 'ticket.created' }, actions: [{ kind: 'create_ticket' }] },
        /create_ticket/,
      ],
    ];
    for (const [what, body, reason] of cases) {
      const response = await ws.clients.admin.post(api('/automations'), body);
      expect(response.status, what).toBe(422);
      expect(response.body.error.code, what).toBe('not_for_subject');
      expect(response.body.error.message, what).toMatch(reason);
    }
    expect(await fingerprint(server.database.url)).toEqual(before);

    // A ticket rule with ticket-only parts cannot be turned into a conversation rule.
    const ticketRule = await ws.clients.admin.post(api('/automations'), {
      name: '工单专用',
      enabled: false,
      trigger: { type: 'ticket.created' },
      actions: [{ kind: 'set_status', status: 'open' }],
    });
    expect(ticketRule.status).toBe(201);
    const changed = await ws.clients.admin.patch(api(`/automations/${ticketRule.body.id}`), { subject: 'conversation' });
    expect(changed.status).toBe(422);
    expect((await ws.clients.admin.get(api(`/automations/${ticketRule.body.id}`))).body.subject).toBe('ticket');
    // Agents cannot read another conversation's log in another workspace.
    const other = await createWorkspaceFixture(server.ctx.db, server.url, 'convauto-other');
    const conversation = await customerWrites('隔离');
    const foreign = await other.clients.admin.get(
      `/api/v1/workspaces/${other.workspaceId}/conversations/${conversation.id}/automation-runs`,
    );
    expect(foreign.status).toBe(404);
  });

  it('a dry run of a conversation rule lists the recent conversations it would act on, writing nothing', async () => {
    const target = await customerWrites('试运行：发票开错了');
    const before = await fingerprint(server.database.url);
    const response = await ws.clients.admin.post(api('/automations/dry-run'), {
      automation: {
        subject: 'conversation',
        name: '发票问题',
        trigger: { type: 'customer.message' },
        conditions: { match: 'all', groups: [{ match: 'all', items: [{ kind: 'field', field: 'tags', op: 'not_set' }] }] },
        actions: [{ kind: 'set_tags', add: ['发票'], remove: [] }],
      },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const match = response.body.matches.find((entry: any) => entry.subjectId === target.id);
    expect(match).toEqual({
      subjectType: 'conversation',
      subjectId: target.id,
      number: target.number,
      title: `顾客${seq} · 试运行：发票开错了`,
      automationId: null,
      automationName: '发票问题',
      actions: [{ kind: 'set_tags', summary: 'tags +发票' }],
    });
    expect(response.body.matches.every((entry: any) => entry.subjectType === 'conversation')).toBe(true);
    expect(await fingerprint(server.database.url)).toEqual(before);
  });
});
