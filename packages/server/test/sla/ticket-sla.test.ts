import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCalendar } from '../../src/modules/calendars/business-time.js';
import { dueFrom, pauseClocks, resumeClocks, retargetClocks } from '../../src/modules/sla/adjust.js';
import { sweepClocks } from '../../src/modules/sla/clocks.js';
import { slaTargets } from '../../src/modules/sla/schema.js';
import { onTicketEvent } from '../../src/modules/sla/ticket-clocks.js';
import { emitAck, startVisitor } from '../support/chat.js';
import { fingerprint } from '../support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
let inboxKey: string;
let alwaysId: string;
let officeId: string;
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
const MINUTE = 60_000;
const sockets: { close(): void }[] = [];

const always = {
  timezone: 'Asia/Shanghai',
  weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, [['00:00', '24:00']]])),
};
/** Office hours in Shanghai, Monday–Friday 09:00–12:00 and 13:00–18:00. */
const office = {
  timezone: 'Asia/Shanghai',
  weekly: Object.fromEntries(
    ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [
      day,
      [
        ['09:00', '12:00'],
        ['13:00', '18:00'],
      ],
    ]),
  ),
};
const officeCalendar = compileCalendar(office as never);
/**
 * Shanghai wall-clock time (UTC+8, no DST) in the week of Monday 2030-03-04: in the future, so
 * the test server's own sweeper, on the real clock, never reaches these clocks before the test
 * moves them (a week now past would be breached behind its back).
 */
const sh = (day: 'mon' | 'tue' | 'fri' | 'sat', time: string) => {
  const date = { fri: '2030-03-01', sat: '2030-03-02', mon: '2030-03-04', tue: '2030-03-05' }[day];
  return new Date(`${date}T${time}+08:00`);
};

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'ticketsla');
  inboxKey = (await ws.clients.admin.get(api(`/inboxes/${ws.ids.inbox}`))).body.publicKey;
  alwaysId = (await ws.clients.admin.post(api('/calendars'), { name: '全天', ...always })).body.id;
  officeId = (await ws.clients.admin.post(api('/calendars'), { name: '客服中心', ...office })).body.id;
});
afterAll(async () => {
  for (const socket of sockets) socket.close();
  await server?.stop();
});

interface Clock {
  id: string;
  metric: string;
  status: string;
  startedAt: string;
  dueAt: string;
  warnAt: string | null;
  achievedAt: string | null;
  breachedAt: string | null;
  pausedAt: string | null;
  remainingMs: number | null;
  targetMinutes: number;
  reason: Record<string, unknown>;
}
async function clocks(ticketId: string): Promise<Clock[]> {
  const response = await ws.clients.agent.get(api(`/tickets/${ticketId}/sla`));
  expect(response.status).toBe(200);
  return response.body.items;
}
const clock = (items: Clock[], metric: string, status?: string) =>
  items.find((item) => item.metric === metric && (!status || item.status === status))!;

async function chatTicket(text: string, body: Record<string, unknown> = {}) {
  const visitor = await startVisitor(server.url, inboxKey);
  sockets.push(visitor.socket);
  const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text });
  const conversationId = sent.data.conversation.id as string;
  const ticket = await ws.clients.agent.post(api(`/conversations/${conversationId}/ticket`), { notifyCustomer: false, ...body });
  expect(ticket.status).toBe(201);
  const say = async (words: string) =>
    expect((await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: words })).ok).toBe(true);
  return { ticket: ticket.body as { id: string; number: number }, say };
}

/** When the ticket's last history step of this type was recorded: the instant its clocks moved. */
async function lastEventAt(ticketId: string, type: string): Promise<number> {
  const detail = await ws.clients.agent.get(api(`/tickets/${ticketId}`));
  const events = detail.body.events.filter((event: { type: string }) => event.type === type);
  return Date.parse(events.at(-1).createdAt);
}

describe('SLA policies for tickets', () => {
  it('conditions on ticket type, form and custom fields are checked and explained; bad ones change nothing', async () => {
    const before = await fingerprint(server.database.url);
    const unknownForm = await ws.clients.admin.post(api('/sla-policies'), {
      name: '坏表单',
      conditions: { formIds: [randomUUID()] },
      targets: { resolution: { minutes: { normal: 60 }, businessTime: false } },
    });
    expect(unknownForm.status).toBe(404);
    const badStatus = await ws.clients.admin.post(api('/sla-policies'), {
      name: '坏状态',
      pauseStatuses: ['solved'],
      targets: { resolution: { minutes: { normal: 60 }, businessTime: false } },
    });
    expect(badStatus.status).toBe(400);
    expect(await fingerprint(server.database.url)).toEqual(before);

    const policy = await ws.clients.admin.post(api('/sla-policies'), {
      name: '故障工单',
      conditions: { ticketTypes: ['incident'], channels: ['widget'] },
      calendarId: alwaysId,
      warnBeforeMinutes: 10,
      targets: {
        first_response: { minutes: { normal: 60, urgent: 15 }, businessTime: true },
        periodic_update: { minutes: { normal: 120, urgent: 30 }, businessTime: true },
        resolution: { minutes: { normal: 1440, urgent: 240 }, businessTime: true },
      },
    });
    expect(policy.status).toBe(201);
    expect(policy.body.pauseStatuses).toEqual(['pending', 'on_hold']);

    // A question is no incident: no clocks.
    const question = await chatTicket('请问发票怎么开？', { type: 'question' });
    expect(await clocks(question.ticket.id)).toEqual([]);

    const incident = await chatTicket('系统登录不上了', { type: 'incident' });
    const items = await clocks(incident.ticket.id);
    expect(items.map((item) => item.metric).sort()).toEqual(['first_response', 'periodic_update', 'resolution']);
    const first = clock(items, 'first_response');
    expect(Date.parse(first.dueAt) - Date.parse(first.startedAt)).toBe(60 * MINUTE);
    expect(Date.parse(first.warnAt!)).toBe(Date.parse(first.dueAt) - 10 * MINUTE);
    expect(first.reason).toMatchObject({
      policy: '故障工单',
      matched: { ticketTypes: 'incident', channels: 'widget' },
      priority: 'normal',
      calendar: '全天',
      businessTime: true,
      pauseStatuses: ['pending', 'on_hold'],
    });
    // Another workspace's viewer, or an unknown ticket, sees nothing.
    expect((await ws.clients.agent.get(api(`/tickets/${randomUUID()}/sla`))).status).toBe(404);
    await ws.clients.admin.patch(api(`/sla-policies/${policy.body.id}`), { enabled: false });
  });

  it('a custom field value selects the policy (first match wins) and the match is stored per target', async () => {
    const field = await ws.clients.admin.post(api('/ticket-fields'), {
      key: 'impact',
      label: { 'zh-CN': '影响范围', en: 'Impact' },
      type: 'dropdown',
      options: [
        { value: 'all', label: { 'zh-CN': '全部用户', en: 'Everyone' } },
        { value: 'one', label: { 'zh-CN': '单个用户', en: 'One user' } },
      ],
    });
    expect(field.status).toBe(201);
    const wide = await ws.clients.admin.post(api('/sla-policies'), {
      name: '大面积故障',
      conditions: { fields: { impact: ['all'] } },
      targets: { resolution: { minutes: { normal: 90 }, businessTime: false } },
    });
    expect(wide.status).toBe(201);
    const created = await ws.clients.agent.post(api('/tickets'), {
      subject: '全站打不开',
      requesterId: ws.ids.customer,
      fields: { impact: 'all' },
    });
    expect(created.status).toBe(201);
    const items = await clocks(created.body.id);
    expect(items).toHaveLength(1);
    expect(items[0]!.reason).toMatchObject({ policy: '大面积故障', matched: { 'fields.impact': 'all' } });
    const other = await ws.clients.agent.post(api('/tickets'), {
      subject: '我打不开',
      requesterId: ws.ids.customer,
      fields: { impact: 'one' },
    });
    expect(await clocks(other.body.id)).toEqual([]);
    await ws.clients.admin.patch(api(`/sla-policies/${wide.body.id}`), { enabled: false });
  });
});

describe('ticket clocks through the API', () => {
  let policyId: string;
  beforeAll(async () => {
    const policy = await ws.clients.admin.post(api('/sla-policies'), {
      name: '工单标准',
      conditions: { ticketTypes: ['problem'] },
      calendarId: alwaysId,
      targets: {
        first_response: { minutes: { normal: 60, urgent: 15 }, businessTime: true },
        next_response: { minutes: { normal: 10, urgent: 5 }, businessTime: true },
        periodic_update: { minutes: { normal: 30 }, businessTime: true },
        resolution: { minutes: { normal: 480, urgent: 120 }, businessTime: true },
      },
    });
    expect(policy.status).toBe(201);
    policyId = policy.body.id;
  });
  afterAll(async () => {
    await ws.clients.admin.patch(api(`/sla-policies/${policyId}`), { enabled: false });
  });

  it('Zammad #5177: an update or next-response target never overrides the first response', async () => {
    const { ticket, say } = await chatTicket('打印机卡纸', { type: 'problem' });
    const start = clock(await clocks(ticket.id), 'first_response');
    // The customer writes again before anyone answered: the first response is still owed, nothing new starts.
    await say('还有人在吗？');
    const waiting = await clocks(ticket.id);
    expect(waiting.filter((item) => item.metric === 'next_response')).toEqual([]);
    expect(clock(waiting, 'first_response')).toMatchObject({ status: 'active', dueAt: start.dueAt, targetMinutes: 60 });
    // The periodic update has its own due time; it is not the first response's.
    expect(Date.parse(clock(waiting, 'periodic_update').dueAt) - Date.parse(start.startedAt)).toBe(30 * MINUTE);

    const reply = await ws.clients.agent.post(api(`/tickets/${ticket.id}/comments`), { visibility: 'public', text: '我们马上处理' });
    expect(reply.status).toBe(201);
    const replyAt = await lastEventAt(ticket.id, 'comment');
    const answered = await clocks(ticket.id);
    expect(clock(answered, 'first_response')).toMatchObject({ status: 'achieved', dueAt: start.dueAt });
    expect(Date.parse(clock(answered, 'first_response').achievedAt!)).toBe(replyAt);
    // The reply met the periodic update and started the next one from it.
    expect(clock(answered, 'periodic_update', 'achieved')).toBeDefined();
    expect(Date.parse(clock(answered, 'periodic_update', 'active').dueAt)).toBe(replyAt + 30 * MINUTE);

    // Now the customer waits on us again: a next response, 10 minutes; the first response stays as it ended.
    await say('多久能修好？');
    const askedAt = await lastEventAt(ticket.id, 'comment');
    const next = clock(await clocks(ticket.id), 'next_response');
    expect(Date.parse(next.dueAt)).toBe(askedAt + 10 * MINUTE);
    expect(clock(await clocks(ticket.id), 'first_response')).toMatchObject({ status: 'achieved', dueAt: start.dueAt });

    // A note is no update for the customer.
    await ws.clients.agent.post(api(`/tickets/${ticket.id}/comments`), { visibility: 'internal', text: '备件在路上' });
    expect(clock(await clocks(ticket.id), 'next_response').status).toBe('active');

    // Solving meets the resolution and cancels what is still running.
    await ws.clients.agent.patch(api(`/tickets/${ticket.id}`), { status: 'solved' });
    const solved = await clocks(ticket.id);
    expect(clock(solved, 'resolution').status).toBe('achieved');
    expect(clock(solved, 'next_response').status).toBe('cancelled');
    expect(clock(solved, 'periodic_update', 'cancelled')).toBeDefined();
  });

  it('pending pauses every clock and keeps the business time left; open resumes it exactly', async () => {
    const { ticket } = await chatTicket('网络时断时续', { type: 'problem' });
    const start = await clocks(ticket.id);
    await ws.clients.agent.patch(api(`/tickets/${ticket.id}`), { status: 'pending' });
    const pausedAt = await lastEventAt(ticket.id, 'status_changed');
    const paused = await clocks(ticket.id);
    for (const item of paused) {
      expect(item.status).toBe('paused');
      const before = start.find((entry) => entry.id === item.id)!;
      // Left when paused: the target minus the business time used until the pause.
      expect(item.remainingMs).toBe(Date.parse(before.dueAt) - pausedAt);
    }
    // A paused clock never breaches, however late the sweep.
    await server.ctx.db.transaction((tx) => sweepClocks(tx, new Date(Date.now() + 7 * 24 * 60 * MINUTE)));
    expect((await clocks(ticket.id)).every((item) => item.status === 'paused')).toBe(true);

    await ws.clients.agent.patch(api(`/tickets/${ticket.id}`), { status: 'open' });
    const resumedAt = await lastEventAt(ticket.id, 'status_changed');
    for (const item of await clocks(ticket.id)) {
      const before = start.find((entry) => entry.id === item.id)!;
      expect(item.status).toBe('active');
      expect(Date.parse(item.dueAt) - Date.parse(before.dueAt)).toBe(resumedAt - pausedAt);
    }
  });

  it('a priority change recomputes the running clocks: the new priority’s minutes from the original start', async () => {
    const { ticket } = await chatTicket('服务器宕机', { type: 'problem' });
    const start = await clocks(ticket.id);
    const changed = await ws.clients.agent.patch(api(`/tickets/${ticket.id}`), { priority: 'urgent' });
    expect(changed.status).toBe(200);
    const after = await clocks(ticket.id);
    const first = clock(after, 'first_response');
    expect(first.targetMinutes).toBe(15);
    expect(Date.parse(first.dueAt) - Date.parse(clock(start, 'first_response').startedAt)).toBe(15 * MINUTE);
    expect(Date.parse(clock(after, 'resolution').dueAt) - Date.parse(first.startedAt)).toBe(120 * MINUTE);
    expect(first.reason).toMatchObject({ priority: 'urgent', priorityChanges: [{ priority: 'urgent', minutes: 15 }] });
    // The policy has no urgent periodic update: that clock no longer applies.
    expect(clock(after, 'periodic_update').status).toBe('cancelled');
  });

  it('lists sort by due soonest and carry the badge clock; a bad cursor is a 400', async () => {
    const late = await chatTicket('慢慢来', { type: 'problem', priority: 'low' });
    const soon = await chatTicket('很急', { type: 'problem', priority: 'urgent' });
    const normal = await chatTicket('一般', { type: 'problem' });
    const listed = await ws.clients.agent.get(api('/tickets?sort=sla_due&limit=100'));
    expect(listed.status).toBe(200);
    const ids: string[] = listed.body.items.map((item: { id: string }) => item.id);
    // low has no target: last; urgent (15 min) before normal (60 min).
    expect(ids.indexOf(soon.ticket.id)).toBeLessThan(ids.indexOf(normal.ticket.id));
    expect(ids.indexOf(normal.ticket.id)).toBeLessThan(ids.indexOf(late.ticket.id));
    const soonItem = listed.body.items.find((item: { id: string }) => item.id === soon.ticket.id);
    expect(soonItem.sla).toMatchObject({ metric: 'first_response', status: 'active' });
    expect(soonItem.sla.dueAt).toBe(clock(await clocks(soon.ticket.id), 'first_response').dueAt);
    const dues = listed.body.items.map((item: { sla: { dueAt: string; status: string } | null }) =>
      item.sla && item.sla.status !== 'paused' ? Date.parse(item.sla.dueAt) : Infinity,
    );
    expect(dues).toEqual([...dues].sort((a, b) => a - b));

    // Paging in due order visits every ticket once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await ws.clients.agent.get(
        api(`/tickets?sort=sla_due&limit=2${cursor ? `&cursor=${cursor}` : ''}`),
      );
      seen.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect((await ws.clients.agent.get(api('/tickets?sort=sla_due&cursor=bm9wZQ'))).status).toBe(400);
    expect((await ws.clients.agent.get(api('/tickets?sort=whenever'))).status).toBe(400);

    const conversations = await ws.clients.agent.get(api('/conversations?sort=sla_due&limit=100'));
    expect(conversations.status).toBe(200);
    const conversationDues = conversations.body.items.map((item: { sla: { dueAt: string; status: string } | null }) =>
      item.sla && item.sla.status !== 'paused' ? Date.parse(item.sla.dueAt) : Infinity,
    );
    expect(conversationDues).toEqual([...conversationDues].sort((a, b) => a - b));
  });
});

describe('Zammad #4432: warnings and breaches in business time', () => {
  it('a ticket opened Friday 17:50 warns Monday 09:05 and breaches at Monday 09:20 exactly; nothing fires at midnight', async () => {
    const policy = await ws.clients.admin.post(api('/sla-policies'), {
      name: '营业时间',
      conditions: { ticketTypes: ['task'] },
      calendarId: officeId,
      warnBeforeMinutes: 15,
      targets: { first_response: { minutes: { high: 30 }, businessTime: true } },
    });
    expect(policy.status).toBe(201);
    // Created with a priority the policy has no target for, then given one with the clock at Friday 17:50.
    const created = await ws.clients.agent.post(api('/tickets'), { subject: '周五傍晚的报修', requesterId: ws.ids.customer, type: 'task' });
    expect(await clocks(created.body.id)).toEqual([]);
    const { db } = server.ctx;
    await db.execute(sql`update tickets set priority = 'high' where id = ${created.body.id}`);
    await db.transaction((tx) =>
      onTicketEvent(tx, {
        ticketId: created.body.id,
        eventId: randomUUID(),
        type: 'created',
        actorType: 'agent',
        data: {},
        at: sh('fri', '17:50:00'),
      }),
    );
    const [target] = await clocks(created.body.id);
    expect(target!.dueAt).toBe(sh('mon', '09:20:00').toISOString());
    // 15 business minutes before: Monday 09:05, not Friday 17:55 or Monday 09:05 − 15 wall minutes.
    expect(target!.warnAt).toBe(sh('mon', '09:05:00').toISOString());

    const fired = async (topic: string) =>
      (
        await db.execute<{ n: number }>(
          sql`select count(*)::int as n from outbox where topic = ${topic} and payload->>'targetId' = ${target!.id}`,
        )
      ).rows[0]!.n;
    // Sweep every 10 minutes through the closed weekend: no warning, no breach.
    for (let at = sh('fri', '18:00:00').getTime(); at < sh('mon', '09:05:00').getTime(); at += 10 * MINUTE)
      await db.transaction((tx) => sweepClocks(tx, new Date(at)));
    expect(await fired('sla.warning')).toBe(0);
    expect(await fired('sla.breached')).toBe(0);
    await db.transaction((tx) => sweepClocks(tx, sh('mon', '09:05:00')));
    expect(await fired('sla.warning')).toBe(1);
    await db.transaction((tx) => sweepClocks(tx, sh('mon', '09:20:00')));
    expect(await fired('sla.breached')).toBe(0);
    await db.transaction((tx) => sweepClocks(tx, new Date(sh('mon', '09:20:00').getTime() + 1)));
    expect(await fired('sla.breached')).toBe(1);
    const [breached] = await clocks(created.body.id);
    expect(breached).toMatchObject({ status: 'breached', breachedAt: sh('mon', '09:20:00').toISOString() });
    await ws.clients.admin.patch(api(`/sla-policies/${policy.body.id}`), { enabled: false });
  });
});

/**
 * Pause and resume with an injected clock, on the office calendar: each case starts a clock,
 * pauses and resumes it at the given Shanghai times, and expects the due time to the millisecond
 * and the business time left while paused. The breach then comes exactly at that due time.
 */
const cases: {
  name: string;
  start: Date;
  minutes: number;
  pauses: [Date, Date][];
  due: Date;
  business?: boolean;
  leftAtLastPause?: number;
}[] = [
  { name: 'no pause', start: sh('mon', '09:00:00'), minutes: 60, pauses: [], due: sh('mon', '10:00:00') },
  {
    name: 'half an hour paused in the morning',
    start: sh('mon', '09:00:00'),
    minutes: 60,
    pauses: [[sh('mon', '09:30:00'), sh('mon', '10:00:00')]],
    due: sh('mon', '10:30:00'),
    leftAtLastPause: 30 * MINUTE,
  },
  {
    name: 'paused over lunch: the closed hour costs nothing',
    start: sh('mon', '09:00:00'),
    minutes: 60,
    pauses: [[sh('mon', '09:30:00'), sh('mon', '14:00:00')]],
    due: sh('mon', '14:30:00'),
    leftAtLastPause: 30 * MINUTE,
  },
  {
    name: 'paused from before lunch to after it',
    start: sh('mon', '11:30:00'),
    minutes: 60,
    pauses: [[sh('mon', '11:45:00'), sh('mon', '13:15:00')]],
    due: sh('mon', '14:00:00'),
    leftAtLastPause: 45 * MINUTE,
  },
  {
    name: 'paused and resumed while closed: as if never paused',
    start: sh('mon', '17:30:00'),
    minutes: 60,
    pauses: [[sh('mon', '19:00:00'), sh('tue', '08:00:00')]],
    due: sh('tue', '09:30:00'),
    leftAtLastPause: 30 * MINUTE,
  },
  {
    name: 'two pauses add up',
    start: sh('mon', '09:00:00'),
    minutes: 120,
    pauses: [
      [sh('mon', '09:10:00'), sh('mon', '09:20:00')],
      [sh('mon', '10:00:00'), sh('mon', '10:30:00')],
    ],
    due: sh('mon', '11:40:00'),
    leftAtLastPause: 70 * MINUTE,
  },
  {
    name: 'paused over the weekend',
    start: sh('fri', '17:00:00'),
    minutes: 120,
    pauses: [[sh('fri', '17:30:00'), sh('mon', '10:00:00')]],
    due: sh('mon', '11:30:00'),
    leftAtLastPause: 90 * MINUTE,
  },
  {
    name: 'to the millisecond',
    start: sh('mon', '09:00:00'),
    minutes: 30,
    pauses: [[sh('mon', '09:10:00.250'), sh('mon', '09:20:00.750')]],
    due: sh('mon', '09:40:00.500'),
    leftAtLastPause: 20 * MINUTE - 250,
  },
  {
    name: 'paused and resumed at the same instant',
    start: sh('mon', '09:00:00'),
    minutes: 30,
    pauses: [[sh('mon', '09:10:00'), sh('mon', '09:10:00')]],
    due: sh('mon', '09:30:00'),
    leftAtLastPause: 20 * MINUTE,
  },
  {
    name: 'paused during the lunch break itself',
    start: sh('mon', '11:00:00'),
    minutes: 90,
    pauses: [[sh('mon', '12:20:00'), sh('mon', '12:40:00')]],
    due: sh('mon', '13:30:00'),
    leftAtLastPause: 30 * MINUTE,
  },
  {
    name: 'calendar time: the pause counts around the clock',
    start: sh('mon', '09:00:00'),
    minutes: 60,
    business: false,
    pauses: [[sh('mon', '09:30:00'), sh('mon', '13:00:00')]],
    due: sh('mon', '13:30:00'),
    leftAtLastPause: 30 * MINUTE,
  },
];

/** A running resolution clock on a made-up ticket, written straight to the table. */
async function insertTarget(target: {
  calendarId: string | null;
  businessTime: boolean;
  targetMinutes: number;
  startedAt: Date;
  dueAt: Date;
  reason: Record<string, unknown>;
}) {
  const subject = { workspaceId: ws.workspaceId, type: 'ticket' as const, id: randomUUID() };
  const [row] = await server.ctx.db
    .insert(slaTargets)
    .values({
      workspaceId: ws.workspaceId,
      subjectType: 'ticket',
      subjectId: subject.id,
      metric: 'resolution',
      origin: 'opened',
      policyName: 'table',
      ...target,
    })
    .returning();
  return { subject, row: row! };
}

describe('pausing and resuming, exact to the millisecond (injected clock)', () => {
  it.each(cases)('$name', async (testCase) => {
    const { db } = server.ctx;
    const business = testCase.business ?? true;
    const initial = dueFrom(business ? officeCalendar : null, testCase.start, testCase.minutes, 0, 0)!;
    const { subject, row } = await insertTarget({
      calendarId: business ? officeId : null,
      businessTime: business,
      targetMinutes: testCase.minutes,
      startedAt: testCase.start,
      dueAt: initial.dueAt,
      reason: { warnBeforeMinutes: 0, pauseStatuses: ['pending'] },
    });
    for (const [pauseAt, resumeAt] of testCase.pauses) {
      await db.transaction((tx) => pauseClocks(tx, subject, pauseAt, 'pending'));
      const [paused] = await db
        .select()
        .from(slaTargets)
        .where(sql`id = ${row!.id}`);
      expect(paused!.status).toBe('paused');
      await db.transaction((tx) => resumeClocks(tx, subject, resumeAt, 'open'));
    }
    const [after] = await db
      .select()
      .from(slaTargets)
      .where(sql`id = ${row!.id}`);
    expect(after!.status).toBe('active');
    expect(after!.dueAt.toISOString()).toBe(testCase.due.toISOString());
    if (testCase.leftAtLastPause !== undefined) expect(after!.targetMinutes * MINUTE - after!.consumedMs).toBe(testCase.leftAtLastPause);

    // The breach instant is the due time itself: a millisecond before, nothing; after, breached at due.
    await db.transaction((tx) => sweepClocks(tx, new Date(testCase.due.getTime() - 1)));
    expect(
      (
        await db
          .select()
          .from(slaTargets)
          .where(sql`id = ${row!.id}`)
      )[0]!.status,
    ).toBe('active');
    await db.transaction((tx) => sweepClocks(tx, new Date(testCase.due.getTime() + 1)));
    const [breached] = await db
      .select()
      .from(slaTargets)
      .where(sql`id = ${row!.id}`);
    expect(breached).toMatchObject({ status: 'breached', breachedAt: testCase.due });
  });

  it('a priority change while paused changes the time left, not the time used', async () => {
    const { db } = server.ctx;
    const start = sh('mon', '09:00:00');
    const { subject } = await insertTarget({
      calendarId: officeId,
      businessTime: true,
      targetMinutes: 240,
      startedAt: start,
      dueAt: dueFrom(officeCalendar, start, 240, 0, 0)!.dueAt,
      reason: { warnBeforeMinutes: 0, pauseStatuses: ['pending'], minutesByPriority: { normal: 240, urgent: 120 } },
    });
    await db.transaction((tx) => pauseClocks(tx, subject, sh('mon', '10:00:00'), 'pending'));
    await db.transaction((tx) => retargetClocks(tx, subject, 'urgent', sh('mon', '10:30:00')));
    await db.transaction((tx) => resumeClocks(tx, subject, sh('mon', '11:00:00'), 'open'));
    const [row] = await db
      .select()
      .from(slaTargets)
      .where(sql`subject_id = ${subject.id}`);
    // 60 used before the pause, 60 left of 120: from 11:00 they run out at 12:00, as lunch begins.
    expect(row).toMatchObject({ status: 'active', targetMinutes: 120, dueAt: sh('mon', '12:00:00') });
  });

  it('importing holidays moves a running clock past them', async () => {
    const calendar = await ws.clients.admin.post(api('/calendars'), { name: '导入节假日', ...always });
    const { db } = server.ctx;
    const start = new Date(Date.now() - MINUTE);
    const { subject } = await insertTarget({
      calendarId: calendar.body.id,
      businessTime: true,
      targetMinutes: 480,
      startedAt: start,
      dueAt: new Date(start.getTime() + 480 * MINUTE),
      reason: { warnBeforeMinutes: 0 },
    });
    // Today and the next two days in Shanghai (whatever the hour) are holidays now.
    const day = (offset: number) =>
      new Date(Date.now() + offset * 24 * 60 * MINUTE).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }).replaceAll('-', '');
    const ics = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//Huiliu test//holidays//ZH',
      'BEGIN:VEVENT',
      'UID:closed-days@example.com',
      'DTSTAMP:20261201T000000Z',
      `DTSTART;VALUE=DATE:${day(0)}`,
      `DTEND;VALUE=DATE:${day(3)}`,
      'SUMMARY:临时休假',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const imported = await ws.clients.admin.post(api(`/calendars/${calendar.body.id}/holidays/import`), { ics });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    expect(imported.body.imported).toBe(1);
    const importedBy = Date.now();
    const [row] = await db
      .select()
      .from(slaTargets)
      .where(sql`subject_id = ${subject.id}`);
    // The time used before the import stays used; the rest starts when the holidays end, at
    // midnight in Shanghai three days on.
    const reopens = new Date(`${day(3).slice(0, 4)}-${day(3).slice(4, 6)}-${day(3).slice(6)}T00:00:00+08:00`);
    expect(row!.consumedMs).toBeGreaterThanOrEqual(MINUTE);
    expect(row!.consumedMs).toBeLessThanOrEqual(importedBy - start.getTime());
    expect(row!.dueAt.getTime()).toBe(reopens.getTime() + 480 * MINUTE - row!.consumedMs);
  });

  it('editing the calendar keeps the time used and counts the rest on the new hours', async () => {
    const calendar = await ws.clients.admin.post(api('/calendars'), { name: '可改日历', ...office });
    const { db } = server.ctx;
    // Started a minute ago with 8 hours to go: with office hours it runs into the coming days.
    const start = new Date(Date.now() - MINUTE);
    const initial = dueFrom(officeCalendar, start, 480, 0, 0)!;
    const { subject } = await insertTarget({
      calendarId: calendar.body.id,
      businessTime: true,
      targetMinutes: 480,
      startedAt: start,
      dueAt: initial.dueAt,
      reason: { warnBeforeMinutes: 0 },
    });
    // Now open around the clock: what is left is counted in wall time from the edit.
    const edited = await ws.clients.admin.patch(api(`/calendars/${calendar.body.id}`), { weekly: always.weekly });
    expect(edited.status).toBe(200);
    const editedBy = Date.now();
    const [row] = await db
      .select()
      .from(slaTargets)
      .where(sql`subject_id = ${subject.id}`);
    const left = 480 * MINUTE - row!.consumedMs;
    expect(row!.anchorAt).not.toBeNull();
    expect(row!.dueAt.getTime()).toBe(row!.anchorAt!.getTime() + left);
    // Inside office hours the clock ran from the start to the edit; outside them it did not run.
    expect(row!.consumedMs).toBeLessThanOrEqual(editedBy - start.getTime());
  });
});
