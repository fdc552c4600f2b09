import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepTimeRules } from '../../src/modules/automations/time-rules.js';
import { processEvent } from '../../src/modules/automations/subscriber.js';
import { addBusinessMinutes } from '../../src/modules/calendars/business-time.js';
import { compileCalendar } from '../../src/modules/calendars/business-time.js';
import { receiveInbound } from '../../src/modules/conversations/inbound.js';
import { rateConversation, resolveConversation } from '../../src/modules/conversations/commands.js';
import { getInbox } from '../../src/modules/inboxes/service.js';
import { writeOutbox } from '../../src/platform/outbox/outbox.js';
import { connectAgent } from '../support/chat.js';
import { fingerprint } from '../support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
let tier2: string;
let hook: { url: string; received: { headers: http.IncomingHttpHeaders; body: string }[]; failFirst: number; close(): Promise<void> };
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
const SECRET = 'automation-webhook-secret-1';
let seq = 0;

/** A receiver that answers 500 to its first `failFirst` calls, then 200. */
async function webhookReceiver() {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const state = { failFirst: 0 };
  const srv = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ headers: request.headers, body });
      response.statusCode = received.length <= state.failFirst ? 500 : 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`,
    received,
    get failFirst() {
      return state.failFirst;
    },
    set failFirst(value: number) {
      state.failFirst = value;
    },
    close: () => new Promise<void>((resolve) => srv.close(() => resolve())),
  };
}

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'auto');
  const team = await ws.clients.admin.post(api('/teams'), { name: '二线技术', description: '' });
  tier2 = team.body.id;
  hook = await webhookReceiver();
});
afterAll(async () => {
  await hook?.close();
  await server?.stop();
});

async function createRule(body: Record<string, unknown>) {
  const response = await ws.clients.admin.post(api('/automations'), body);
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as { id: string; name: string };
}

/** A ticket on a new conversation of a new customer, so public replies have a channel. */
async function ticketWithConversation(subject: string, extra: Record<string, unknown> = {}) {
  seq += 1;
  const inbox = await getInbox(server.ctx.db, ws.workspaceId, ws.ids.inbox!);
  const received = await receiveInbound(server.ctx.db, {
    inbox,
    identity: { kind: 'email', value: `auto-${seq}-${Date.now()}@example.test` },
    idempotencyKey: `auto-${seq}-${Date.now()}`,
    text: '你好，快递三天没动了',
    senderName: `顾客${seq}`,
  });
  const ticket = await ws.clients.admin.post(api(`/conversations/${received.conversation.id}/ticket`), {
    subject,
    notify: false,
    ...extra,
  });
  expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
  return {
    ticket: ticket.body as { id: string; number: number },
    conversationId: received.conversation.id,
    customerId: received.conversation.customerId,
  };
}

async function runs(ticketId: string, count: number) {
  let items: any[] = [];
  await expect
    .poll(
      async () => {
        items = (await ws.clients.admin.get(api(`/tickets/${ticketId}/automation-runs`))).body.items;
        return items.length;
      },
      { timeout: 20_000 },
    )
    .toBeGreaterThanOrEqual(count);
  return items;
}

const detail = async (ticketId: string) => (await ws.clients.admin.get(api(`/tickets/${ticketId}`))).body;

describe('every action kind, through the ticket commands', () => {
  it('a rule on ticket created does each action with the automation as actor, and logs each', async () => {
    const agent = await connectAgent(server.url, ws.clients.agent);
    const notified: any[] = [];
    agent.socket.on('automation:notify', (payload: unknown) => notified.push(payload));
    const rule = await createRule({
      name: '全动作',
      trigger: { type: 'ticket.created' },
      conditions: {
        match: 'all',
        groups: [{ match: 'all', items: [{ kind: 'text', source: 'subject', op: 'contains', value: '全动作' }] }],
      },
      actions: [
        { kind: 'set_priority', priority: 'urgent' },
        { kind: 'set_type', type: 'incident' },
        { kind: 'set_tags', add: ['自动', '加急'], remove: [] },
        { kind: 'set_field', key: 'order_no', value: 'SN-88' },
        { kind: 'set_assignee', assigneeId: ws.users.agent.id },
        { kind: 'add_note', text: '自动备注 #{{ticket.number}} 优先级 {{ticket.priority}}' },
        { kind: 'send_reply', text: '{{customer.name}}您好，工单 #{{ticket.number}} 已受理（订单 {{ticket.fields.order_no}}）' },
        { kind: 'notify', teamId: ws.teamId, text: '新加急工单 #{{ticket.number}}' },
        { kind: 'webhook', url: hook.url, secret: SECRET },
        { kind: 'set_team', teamId: ws.teamId },
        { kind: 'escalate', teamId: tier2, reason: '需要二线排查' },
        { kind: 'set_status', status: 'on_hold' },
      ],
    });
    const { ticket } = await ticketWithConversation('全动作 测试');
    const [run] = await runs(ticket.id, 1);
    expect(run.automationName).toBe('全动作');
    expect(run.trigger.type).toBe('ticket.created');
    expect(run.status).toBe('done');
    expect(run.conditions).toEqual([{ summary: 'subject text contains "全动作"', matched: true }]);
    expect(run.actions.map((action: any) => [action.kind, action.ok])).toEqual(
      [
        'set_priority',
        'set_type',
        'set_tags',
        'set_field',
        'set_assignee',
        'add_note',
        'send_reply',
        'notify',
        'webhook',
        'set_team',
        'escalate',
        'set_status',
      ].map((kind) => [kind, true]),
    );

    const after = await detail(ticket.id);
    expect(after).toMatchObject({ priority: 'urgent', type: 'incident', teamId: tier2, status: 'on_hold', assigneeId: null });
    expect(after.tags).toEqual(expect.arrayContaining(['自动', '加急']));
    expect(after.fields.order_no).toBe('SN-88');
    const byAutomation = after.events.filter((event: any) => event.actorName === 'automation 全动作').map((event: any) => event.type);
    expect(byAutomation).toEqual(
      expect.arrayContaining(['priority_changed', 'updated', 'assignee_changed', 'comment', 'escalated', 'status_changed']),
    );
    const texts = after.comments.map((comment: any) => [comment.visibility, comment.text, comment.authorName]);
    expect(texts).toContainEqual(['internal', `自动备注 #${ticket.number} 优先级 urgent`, 'automation 全动作']);
    const reply = texts.find((entry: any[]) => entry[0] === 'public');
    expect(reply?.[1]).toMatch(new RegExp(`^顾客\\d+您好，工单 #${ticket.number} 已受理（订单 SN-88）$`));
    // The reply is a real outbound message on the conversation.
    const message = await server.ctx.db.execute<{ n: number }>(
      sql`select count(*)::int as n from messages m join ticket_comments c on c.message_id = m.id where c.ticket_id = ${ticket.id} and m.kind = 'out'`,
    );
    expect(message.rows[0]!.n).toBe(1);

    await expect.poll(() => notified.length, { timeout: 10_000 }).toBe(1);
    expect(notified[0]).toMatchObject({ ticketId: ticket.id, text: `新加急工单 #${ticket.number}` });
    agent.socket.close();

    await expect.poll(() => hook.received.filter((entry) => entry.body.includes(ticket.id)).length, { timeout: 10_000 }).toBe(1);
    const delivered = hook.received.find((entry) => entry.body.includes(ticket.id))!;
    const timestamp = String(delivered.headers['x-huiliu-timestamp']);
    expect(delivered.headers['x-huiliu-signature']).toBe(
      `sha256=${createHmac('sha256', SECRET).update(`${timestamp}.${delivered.body}`).digest('hex')}`,
    );
    expect(JSON.parse(delivered.body)).toMatchObject({ automationId: rule.id, ticket: { id: ticket.id, priority: 'urgent' } });

    // The stored secret is sealed and never shown.
    const shown = await ws.clients.admin.get(api(`/automations/${rule.id}`));
    expect(JSON.stringify(shown.body)).not.toContain(SECRET);
    const stored = await server.ctx.db.execute<{ actions: string }>(sql`select actions::text from automations where id = ${rule.id}`);
    expect(stored.rows[0]!.actions).not.toContain(SECRET);
    await ws.clients.admin.patch(api(`/automations/${rule.id}`), { enabled: false });
  });

  it('apply_macro applies a shared macro as an agent would; a personal macro cannot be named', async () => {
    const macro = await ws.clients.admin.post(api('/macros'), {
      name: '催发货（自动）',
      shared: true,
      actions: [
        { type: 'priority', priority: 'high' },
        { type: 'tags_add', tags: ['催发货'] },
        { type: 'note', text: '宏备注：工单 {{ticket.number}}' },
      ],
    });
    expect(macro.status, JSON.stringify(macro.body)).toBe(201);
    const rule = await createRule({
      name: '应用宏',
      trigger: { type: 'ticket.created' },
      conditions: {
        match: 'all',
        groups: [{ match: 'all', items: [{ kind: 'text', source: 'subject', op: 'contains', value: '应用宏' }] }],
      },
      actions: [{ kind: 'apply_macro', macroId: macro.body.id }],
    });
    const { ticket } = await ticketWithConversation('应用宏 测试');
    const [run] = await runs(ticket.id, 1);
    expect(run.actions).toEqual([{ kind: 'apply_macro', ok: true, summary: `apply macro ${macro.body.id}`, error: null }]);
    const after = await detail(ticket.id);
    expect(after.priority).toBe('high');
    expect(after.tags).toContain('催发货');
    expect(after.comments.map((comment: any) => [comment.visibility, comment.text, comment.authorName])).toContainEqual([
      'internal',
      `宏备注：工单 #${ticket.number}`,
      'automation 应用宏',
    ]);
    await ws.clients.admin.patch(api(`/automations/${rule.id}`), { enabled: false });

    const personal = await ws.clients.agent.post(api('/macros'), { name: '我的宏', actions: [{ type: 'priority', priority: 'low' }] });
    expect(personal.status).toBe(201);
    const refused = await ws.clients.admin.post(api('/automations'), {
      name: '个人宏',
      trigger: { type: 'ticket.created' },
      actions: [{ kind: 'apply_macro', macroId: personal.body.id }],
    });
    expect(refused.status).toBe(404);
  });

  it('a failing webhook is retried through the outbox until the receiver takes it', async () => {
    hook.failFirst = hook.received.length + 1;
    const rule = await createRule({
      name: '通知外部系统',
      trigger: { type: 'ticket.created' },
      conditions: {
        match: 'all',
        groups: [{ match: 'all', items: [{ kind: 'text', source: 'subject', op: 'contains', value: '外部系统' }] }],
      },
      actions: [{ kind: 'webhook', url: hook.url, secret: SECRET }],
    });
    const { ticket } = await ticketWithConversation('外部系统 同步');
    await expect.poll(() => hook.received.filter((entry) => entry.body.includes(ticket.id)).length, { timeout: 20_000 }).toBe(2);
    const bodies = hook.received.filter((entry) => entry.body.includes(ticket.id)).map((entry) => entry.body);
    // Same body (and event id) on the retry, so the receiver can drop a duplicate.
    expect(bodies[0]).toBe(bodies[1]);
    await ws.clients.admin.patch(api(`/automations/${rule.id}`), { enabled: false });
  });

  it('an action that cannot be done is logged with its reason; the others still happen', async () => {
    const rule = await createRule({
      name: '无渠道回复',
      trigger: { type: 'ticket.created' },
      conditions: {
        match: 'all',
        groups: [{ match: 'all', items: [{ kind: 'text', source: 'subject', op: 'contains', value: '无渠道' }] }],
      },
      actions: [
        { kind: 'send_reply', text: '您好' },
        { kind: 'set_priority', priority: 'high' },
      ],
    });
    const created = await ws.clients.admin.post(api('/tickets'), { subject: '无渠道 工单', requesterId: ws.ids.customer });
    const [run] = await runs(created.body.id, 1);
    expect(run.status).toBe('partial');
    expect(run.actions[0]).toMatchObject({ kind: 'send_reply', ok: false });
    expect(run.actions[0].error).toContain('no linked conversation');
    expect(run.actions[1]).toMatchObject({ kind: 'set_priority', ok: true });
    expect((await detail(created.body.id)).priority).toBe('high');
    await ws.clients.admin.patch(api(`/automations/${rule.id}`), { enabled: false });
  });
});

describe('triggers', () => {
  it('updated (status changed to pending), customer message, agent message, SLA breach and CSAT each fire their rule', async () => {
    const tag = (name: string, value: string) => ({
      name,
      conditions: {
        match: 'all',
        groups: [{ match: 'all', items: [{ kind: 'field', field: 'subject', op: 'contains', value: '触发器' }] }],
      },
      actions: [{ kind: 'set_tags', add: [value], remove: [] }],
    });
    const rules = [
      await createRule({ ...tag('转待定', 'pending-seen'), trigger: { type: 'ticket.updated', field: 'status', to: 'pending' } }),
      await createRule({ ...tag('客户来信', 'customer-wrote'), trigger: { type: 'customer.message' } }),
      await createRule({ ...tag('坐席回复', 'agent-replied'), trigger: { type: 'agent.message' } }),
      await createRule({ ...tag('超时', 'breached'), trigger: { type: 'sla.breached', metric: 'first_response' } }),
      await createRule({ ...tag('差评', 'bad-csat'), trigger: { type: 'csat.received', maxRating: 2 } }),
    ];
    const { ticket, conversationId, customerId } = await ticketWithConversation('触发器 测试');
    const tagsNow = async () => (await detail(ticket.id)).tags as string[];

    await ws.clients.admin.patch(api(`/tickets/${ticket.id}`), { status: 'open' });
    await ws.clients.admin.patch(api(`/tickets/${ticket.id}`), { status: 'pending' });
    await expect.poll(tagsNow, { timeout: 20_000 }).toContain('pending-seen');

    const inbox = await getInbox(server.ctx.db, ws.workspaceId, ws.ids.inbox!);
    const [identity] = (
      await server.ctx.db.execute<{ kind: string; value: string }>(
        sql`select kind, value from customer_identities where customer_id = ${customerId}`,
      )
    ).rows;
    await receiveInbound(server.ctx.db, {
      inbox,
      identity: identity as never,
      idempotencyKey: `again-${ticket.id}`,
      text: '还没到',
      senderName: '顾客',
    });
    await expect.poll(tagsNow, { timeout: 20_000 }).toContain('customer-wrote');

    await ws.clients.admin.post(api(`/tickets/${ticket.id}/comments`), { text: '已催促快递', visibility: 'public' });
    await expect.poll(tagsNow, { timeout: 20_000 }).toContain('agent-replied');

    await server.ctx.db.transaction((tx) =>
      writeOutbox(tx, ws.workspaceId, 'sla.breached', {
        targetId: '00000000-0000-4000-8000-00000000abcd',
        subjectType: 'conversation',
        subjectId: conversationId,
        metric: 'first_response',
        dueAt: new Date().toISOString(),
      }),
    );
    await expect.poll(tagsNow, { timeout: 20_000 }).toContain('breached');

    await server.ctx.db.transaction((tx) =>
      resolveConversation(tx, ws.workspaceId, conversationId, { type: 'agent', id: ws.users.admin.id, name: 'admin' }, {}),
    );
    await server.ctx.db.transaction((tx) => rateConversation(tx, ws.workspaceId, conversationId, 1, '太慢了'));
    await expect.poll(tagsNow, { timeout: 20_000 }).toContain('bad-csat');

    const log = await runs(ticket.id, 5);
    expect(log.map((run) => run.trigger.type).sort()).toEqual([
      'agent.message',
      'csat.received',
      'customer.message',
      'sla.breached',
      'ticket.updated',
    ]);
    for (const rule of rules) await ws.clients.admin.patch(api(`/automations/${rule.id}`), { enabled: false });
  });
});

describe('loop protection', () => {
  it('a chain of rules stops at the depth limit, and the log says where', async () => {
    const ids: string[] = [];
    // Created last step first: within one event the rules run in order and each sees what the
    // earlier ones did, so this order makes every step a new event, one level deeper.
    for (let step = 6; step >= 0; step -= 1)
      ids.push(
        (
          await createRule({
            name: `链 ${step}`,
            trigger: { type: 'ticket.updated', field: 'tags' },
            conditions: {
              match: 'all',
              groups: [{ match: 'all', items: [{ kind: 'field', field: 'tags', op: 'is', value: `chain-${step}` }] }],
            },
            actions: [{ kind: 'set_tags', add: [`chain-${step + 1}`], remove: [] }],
          })
        ).id,
      );
    const created = await ws.clients.admin.post(api('/tickets'), { subject: '链式', requesterId: ws.ids.customer });
    await ws.clients.admin.patch(api(`/tickets/${created.body.id}`), { tags: ['chain-0'] });
    const log = await runs(created.body.id, 6);
    const skipped = log.find((run) => run.status === 'skipped_depth');
    expect(skipped).toMatchObject({ automationName: '链 5', depth: 5 });
    const tags = (await detail(created.body.id)).tags;
    expect(tags).toEqual(expect.arrayContaining(['chain-0', 'chain-1', 'chain-2', 'chain-3', 'chain-4', 'chain-5']));
    expect(tags).not.toContain('chain-6');
    expect(
      log
        .filter((run) => run.status === 'done')
        .map((run) => run.depth)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4]);
    for (const id of ids) await ws.clients.admin.patch(api(`/automations/${id}`), { enabled: false });
  });

  it('two rules undoing each other stop when the chain comes back to the first', async () => {
    const down = await createRule({
      name: '降级',
      trigger: { type: 'ticket.updated', field: 'priority', to: 'urgent' },
      conditions: { match: 'all', groups: [{ match: 'all', items: [{ kind: 'field', field: 'subject', op: 'is', value: '乒乓' }] }] },
      actions: [{ kind: 'set_priority', priority: 'low' }],
    });
    const up = await createRule({
      name: '升级',
      trigger: { type: 'ticket.updated', field: 'priority', to: 'low' },
      conditions: { match: 'all', groups: [{ match: 'all', items: [{ kind: 'field', field: 'subject', op: 'is', value: '乒乓' }] }] },
      actions: [{ kind: 'set_priority', priority: 'urgent' }],
    });
    const created = await ws.clients.admin.post(api('/tickets'), { subject: '乒乓', requesterId: ws.ids.customer });
    await ws.clients.admin.patch(api(`/tickets/${created.body.id}`), { priority: 'urgent' });
    const log = await runs(created.body.id, 2);
    // Let the relay drain: nothing more may come.
    await expect
      .poll(
        async () =>
          (
            await server.ctx.db.execute<{ n: number }>(
              sql`select count(*)::int as n from outbox where processed_at is null and topic = 'ticket.event'`,
            )
          ).rows[0]!.n,
        { timeout: 20_000 },
      )
      .toBe(0);
    const final = (await ws.clients.admin.get(api(`/tickets/${created.body.id}/automation-runs`))).body.items;
    expect(final.map((run: any) => run.automationName).sort()).toEqual(['升级', '降级']);
    expect(log.length).toBe(2);
    expect((await detail(created.body.id)).priority).toBe('urgent');
    await ws.clients.admin.patch(api(`/automations/${down.id}`), { enabled: false });
    await ws.clients.admin.patch(api(`/automations/${up.id}`), { enabled: false });
  });

  it('the same change delivered twice fires a rule once', async () => {
    const rule = await createRule({
      name: '重复投递',
      trigger: { type: 'ticket.created' },
      conditions: { match: 'all', groups: [{ match: 'all', items: [{ kind: 'field', field: 'subject', op: 'is', value: '重复投递' }] }] },
      actions: [{ kind: 'add_note', text: '只一次' }],
    });
    const created = await ws.clients.admin.post(api('/tickets'), { subject: '重复投递', requesterId: ws.ids.customer });
    await runs(created.body.id, 1);
    const [row] = (
      await server.ctx.db.execute<{ id: number; workspace_id: string; topic: string; payload: Record<string, unknown> }>(
        sql`select id, workspace_id, topic, payload from outbox where topic = 'ticket.event' and payload->>'ticketId' = ${created.body.id} and payload->>'type' = 'created'`,
      )
    ).rows;
    await processEvent(server.ctx, { id: Number(row!.id), workspaceId: row!.workspace_id, topic: row!.topic, payload: row!.payload });
    await processEvent(server.ctx, { id: Number(row!.id), workspaceId: row!.workspace_id, topic: row!.topic, payload: row!.payload });
    const after = await detail(created.body.id);
    expect(after.comments.filter((comment: any) => comment.text === '只一次')).toHaveLength(1);
    expect((await ws.clients.admin.get(api(`/tickets/${created.body.id}/automation-runs`))).body.items).toHaveLength(1);
    await ws.clients.admin.patch(api(`/automations/${rule.id}`), { enabled: false });
  });
});

describe('time rules, on an injected clock', () => {
  it('pending for 72 business hours → remind; pending 14 days → solve; each once, across concurrent sweeps', async () => {
    const remind = await createRule({
      name: '待定提醒',
      trigger: { type: 'time', anchor: 'status_changed', hours: 72, calendarId: ws.ids.calendar },
      conditions: {
        match: 'all',
        groups: [
          {
            match: 'all',
            items: [
              { kind: 'field', field: 'status', op: 'is', value: 'pending' },
              { kind: 'field', field: 'subject', op: 'contains', value: '定时' },
            ],
          },
        ],
      },
      actions: [{ kind: 'send_reply', text: '您好，工单 #{{ticket.number}} 还在等您的回复' }],
    });
    const solve = await createRule({
      name: '自动解决',
      trigger: { type: 'time', anchor: 'status_changed', hours: 24 * 14 },
      conditions: {
        match: 'all',
        groups: [
          {
            match: 'all',
            items: [
              { kind: 'field', field: 'status', op: 'is', value: 'pending' },
              { kind: 'field', field: 'subject', op: 'contains', value: '定时' },
            ],
          },
        ],
      },
      actions: [{ kind: 'set_status', status: 'solved' }],
    });
    const { ticket } = await ticketWithConversation('定时 规则');
    await ws.clients.admin.patch(api(`/tickets/${ticket.id}`), { status: 'pending' });
    const events = (await detail(ticket.id)).events.filter((event: any) => event.type === 'status_changed');
    const pendingSince = new Date(events.at(-1).createdAt);
    const calendar = await ws.clients.admin.get(api(`/calendars/${ws.ids.calendar}`));
    const due = addBusinessMinutes(compileCalendar(calendar.body), pendingSince, 72 * 60)!;
    const minute = 60_000;
    const publicReplies = async () => (await detail(ticket.id)).comments.filter((comment: any) => comment.visibility === 'public').length;

    await sweepTimeRules(server.ctx, new Date(due.getTime() - minute));
    expect(await publicReplies()).toBe(0);
    await Promise.all([
      sweepTimeRules(server.ctx, new Date(due.getTime() + minute)),
      sweepTimeRules(server.ctx, new Date(due.getTime() + minute)),
    ]);
    await sweepTimeRules(server.ctx, new Date(due.getTime() + 2 * minute));
    expect(await publicReplies()).toBe(1);
    expect((await detail(ticket.id)).status).toBe('pending');

    const fortnight = new Date(pendingSince.getTime() + 14 * 24 * 60 * minute);
    await sweepTimeRules(server.ctx, new Date(fortnight.getTime() - minute));
    expect((await detail(ticket.id)).status).toBe('pending');
    await sweepTimeRules(server.ctx, new Date(fortnight.getTime() + minute));
    expect((await detail(ticket.id)).status).toBe('solved');

    const log = (await ws.clients.admin.get(api(`/tickets/${ticket.id}/automation-runs`))).body.items.filter(
      (run: any) => run.trigger.type === 'time',
    );
    expect(log.map((run: any) => run.automationName).sort()).toEqual(['待定提醒', '自动解决']);
    expect(log.find((run: any) => run.automationName === '待定提醒').trigger.detail).toMatchObject({
      anchor: 'status_changed',
      anchorAt: pendingSince.toISOString(),
    });
    await ws.clients.admin.patch(api(`/automations/${remind.id}`), { enabled: false });
    await ws.clients.admin.patch(api(`/automations/${solve.id}`), { enabled: false });
  });
});

let dryRunTarget = '';
describe('dry run', () => {
  it('shows which tickets a draft would act on and what it would do, writing nothing', async () => {
    const vip = await ticketWithConversation('试运行 甲');
    dryRunTarget = vip.ticket.id;
    await ticketWithConversation('试运行 乙');
    await ws.clients.admin.patch(api(`/tickets/${vip.ticket.id}`), { tags: ['试运行-目标'] });
    const before = await fingerprint(server.database.url);
    const response = await ws.clients.admin.post(api('/automations/dry-run'), {
      automation: {
        name: '试运行规则',
        trigger: { type: 'ticket.updated' },
        conditions: { match: 'all', groups: [{ match: 'all', items: [{ kind: 'field', field: 'tags', op: 'is', value: '试运行-目标' }] }] },
        actions: [
          { kind: 'set_priority', priority: 'urgent' },
          { kind: 'add_note', text: '工单 #{{ticket.number}} 需要关注' },
        ],
      },
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.checked).toBeGreaterThan(1);
    expect(response.body.matches).toEqual([
      {
        subjectType: 'ticket',
        subjectId: vip.ticket.id,
        number: vip.ticket.number,
        title: '试运行 甲',
        automationId: null,
        automationName: '试运行规则',
        actions: [
          { kind: 'set_priority', summary: 'priority → urgent' },
          { kind: 'add_note', summary: `internal note: 工单 #${vip.ticket.number} 需要关注` },
        ],
      },
    ]);
    expect(await fingerprint(server.database.url)).toEqual(before);
  });

  it('without a draft, it tries every enabled rule', async () => {
    const rule = await createRule({
      name: '已启用规则',
      trigger: { type: 'ticket.created' },
      conditions: { match: 'all', groups: [{ match: 'all', items: [{ kind: 'field', field: 'tags', op: 'is', value: '试运行-目标' }] }] },
      actions: [{ kind: 'set_priority', priority: 'low' }],
    });
    const response = await ws.clients.admin.post(api('/automations/dry-run'), {});
    const ofRule = response.body.matches.filter((match: any) => match.automationId === rule.id).map((match: any) => match.subjectId);
    expect(ofRule).toEqual([dryRunTarget]);
    const enabled = new Set(
      (await ws.clients.admin.get(api('/automations'))).body.items.filter((item: any) => item.enabled).map((item: any) => item.id),
    );
    expect(response.body.matches.every((match: any) => enabled.has(match.automationId))).toBe(true);
    await ws.clients.admin.patch(api(`/automations/${rule.id}`), { enabled: false });
  });
});

describe('the API refuses bad rules with a reason', () => {
  it('a business-hours condition on another workspace calendar is a 404; a notify with nobody is a 422; a duplicate name a 409', async () => {
    const base = { trigger: { type: 'ticket.created' }, actions: [{ kind: 'set_priority', priority: 'high' }] };
    const missing = await ws.clients.admin.post(api('/automations'), {
      ...base,
      name: '坏日历',
      conditions: {
        match: 'all',
        groups: [{ match: 'all', items: [{ kind: 'business_hours', calendarId: '00000000-0000-4000-8000-000000000000', inside: true }] }],
      },
    });
    expect(missing.status).toBe(404);
    const nobody = await ws.clients.admin.post(api('/automations'), { ...base, name: '无人', actions: [{ kind: 'notify', text: 'x' }] });
    expect(nobody.status).toBe(422);
    await createRule({ ...base, name: '同名', enabled: false });
    const again = await ws.clients.admin.post(api('/automations'), { ...base, name: '同名' });
    expect(again.status).toBe(409);
    const agentTry = await ws.clients.agent.post(api('/automations'), { ...base, name: '坐席' });
    expect(agentTry.status).toBe(403);
  });

  it('reorder sets the running order', async () => {
    const list = (await ws.clients.admin.get(api('/automations'))).body.items.map((rule: any) => rule.id);
    const reversed = [...list].reverse();
    const response = await ws.clients.admin.put(api('/automations/order'), { ids: reversed });
    expect(response.status).toBe(200);
    expect(response.body.items.map((rule: any) => rule.id)).toEqual(reversed);
  });
});
