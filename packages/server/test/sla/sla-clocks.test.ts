import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepClocks } from '../../src/modules/sla/clocks.js';
import { emitAck, startVisitor } from '../support/chat.js';
import { fingerprint } from '../support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
let inboxKey: string;
let calendarId: string;
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
const minutes = (n: number) => n * 60_000;

/** Open around the clock in Shanghai, so business time and calendar time agree except on the holiday below. */
const always = {
  timezone: 'Asia/Shanghai',
  weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, [['00:00', '24:00']]])),
};

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'sla');
  const inbox = await ws.clients.admin.get(api(`/inboxes/${ws.ids.inbox}`));
  inboxKey = inbox.body.publicKey;
  const calendar = await ws.clients.admin.post(api('/calendars'), { name: '全天', ...always });
  calendarId = calendar.body.id;
});
afterAll(() => server?.stop());

async function clocks(conversationId: string, count: number) {
  let items: {
    metric: string;
    status: string;
    dueAt: string;
    startedAt: string;
    achievedAt: string | null;
    breachedAt: string | null;
    reason: Record<string, unknown>;
  }[] = [];
  await expect
    .poll(
      async () => {
        items = (await ws.clients.agent.get(api(`/conversations/${conversationId}/sla`))).body.items;
        return items.length;
      },
      { timeout: 20_000 },
    )
    .toBeGreaterThanOrEqual(count);
  return items;
}

async function outboxCount(topic: string, targetId?: string): Promise<number> {
  const result = await server.ctx.db.execute<{ n: number }>(
    sql`select count(*)::int as n from outbox where topic = ${topic} and (${targetId ?? null}::text is null or payload->>'targetId' = ${targetId ?? null})`,
  );
  return result.rows[0]!.n;
}

describe('SLA clocks on conversations', () => {
  it('refuses a policy that counts business time with no calendar, and a calendar in use cannot be deleted', async () => {
    const before = await fingerprint(server.database.url);
    const refused = await ws.clients.admin.post(api('/sla-policies'), {
      name: '无日历',
      targets: { first_response: { minutes: { normal: 30 }, businessTime: true } },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('calendar_required');
    const zero = await ws.clients.admin.post(api('/sla-policies'), {
      name: '零分钟',
      targets: { resolution: { minutes: { normal: 0 }, businessTime: false } },
    });
    expect(zero.status).toBe(400);
    const agent = await ws.clients.agent.post(api('/sla-policies'), {
      name: '代理',
      targets: { resolution: { minutes: { normal: 60 }, businessTime: false } },
    });
    expect(agent.status).toBe(403);
    expect(await fingerprint(server.database.url)).toEqual(before);
  });

  it('first response, next response and resolution start, are met, breach exactly once and say why', async () => {
    const vip = await ws.clients.admin.post(api('/sla-policies'), {
      name: '网页咨询',
      conditions: { channels: ['widget'] },
      calendarId,
      warnBeforeMinutes: 5,
      targets: {
        first_response: { minutes: { normal: 30, urgent: 5 }, businessTime: true },
        next_response: { minutes: { normal: 20 }, businessTime: true },
        resolution: { minutes: { normal: 480 }, businessTime: false },
      },
    });
    expect(vip.status).toBe(201);
    const inUse = await ws.clients.admin.delete(api(`/calendars/${calendarId}`));
    expect(inUse.status).toBe(409);
    expect(inUse.body.error.message).toContain('SLA policy');

    const visitor = await startVisitor(server.url, inboxKey);
    const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '订单一直没发货' });
    const conversationId: string = sent.data.conversation.id;
    const started = await clocks(conversationId, 2);
    const first = started.find((clock) => clock.metric === 'first_response')!;
    const resolution = started.find((clock) => clock.metric === 'resolution')!;
    expect(first.status).toBe('active');
    expect(Date.parse(first.dueAt) - Date.parse(first.startedAt)).toBe(minutes(30));
    expect(Date.parse(resolution.dueAt) - Date.parse(resolution.startedAt)).toBe(minutes(480));
    expect(first.reason).toMatchObject({
      policy: '网页咨询',
      matched: { channels: 'widget' },
      priority: 'normal',
      calendar: '全天',
      businessTime: true,
    });

    // The warning comes 5 minutes before, once; the first response arrives in time.
    const warned = await server.ctx.db.transaction((tx) => sweepClocks(tx, new Date(Date.parse(first.dueAt) - minutes(4))));
    expect(warned.warned).toBeGreaterThanOrEqual(1);
    expect(warned.breached).toBe(0);
    const reply = await ws.clients.admin.post(api(`/conversations/${conversationId}/messages`), { text: '您好，我帮您查一下' });
    expect(reply.status).toBe(201);
    await expect
      .poll(async () => (await clocks(conversationId, 2)).find((clock) => clock.metric === 'first_response')?.status, { timeout: 20_000 })
      .toBe('achieved');

    // The customer writes again: a next-response clock; nobody answers; it breaches once, across sweeps.
    await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '还要多久？' });
    const withNext = await clocks(conversationId, 3);
    const next = withNext.find((clock) => clock.metric === 'next_response')!;
    expect(next.status).toBe('active');
    expect(Date.parse(next.dueAt) - Date.parse(next.startedAt)).toBe(minutes(20));
    const late = new Date(Date.parse(next.dueAt) + minutes(1));
    const sweeps = await Promise.all([1, 2, 3].map(() => server.ctx.db.transaction((tx) => sweepClocks(tx, late))));
    expect(sweeps.reduce((sum, swept) => sum + swept.breached, 0)).toBe(1);
    const breached = (await clocks(conversationId, 3)).find((clock) => clock.metric === 'next_response')!;
    expect(breached).toMatchObject({ status: 'breached', breachedAt: next.dueAt, achievedAt: null });
    const [row] = (
      await server.ctx.db.execute<{ id: string }>(
        sql`select id from sla_targets where subject_id = ${conversationId} and metric = 'next_response'`,
      )
    ).rows;
    expect(await outboxCount('sla.breached', row!.id)).toBe(1);

    // A late reply keeps the breach and records when the answer came; resolving meets the resolution clock.
    await ws.clients.admin.post(api(`/conversations/${conversationId}/messages`), { text: '已经催仓库了' });
    await expect
      .poll(async () => (await clocks(conversationId, 3)).find((clock) => clock.metric === 'next_response')?.achievedAt, {
        timeout: 20_000,
      })
      .not.toBeNull();
    expect((await clocks(conversationId, 3)).find((clock) => clock.metric === 'next_response')?.status).toBe('breached');
    await ws.clients.admin.post(api(`/conversations/${conversationId}/resolve`), { disposition: '已解答', summary: '催发货' });
    await expect
      .poll(async () => (await clocks(conversationId, 3)).find((clock) => clock.metric === 'resolution')?.status, { timeout: 20_000 })
      .toBe('achieved');
    visitor.socket.close();
  });

  it('a conversation resolved before anyone replied cancels its response clock; policies apply in order', async () => {
    const general = await ws.clients.admin.post(api('/sla-policies'), {
      name: '兜底',
      targets: { first_response: { minutes: { normal: 240 }, businessTime: false } },
    });
    const list = await ws.clients.admin.get(api('/sla-policies'));
    const ids: string[] = list.body.items.map((policy: { id: string }) => policy.id);
    // The catch-all first: now it matches before the widget policy.
    const reordered = await ws.clients.admin.put(api('/sla-policies/order'), {
      ids: [general.body.id, ...ids.filter((id) => id !== general.body.id)],
    });
    expect(reordered.status).toBe(200);
    expect(reordered.body.items[0].name).toBe('兜底');
    expect((await ws.clients.admin.put(api('/sla-policies/order'), { ids: [general.body.id] })).status).toBe(422);

    const visitor = await startVisitor(server.url, inboxKey);
    const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '你们几点下班' });
    const conversationId: string = sent.data.conversation.id;
    const started = await clocks(conversationId, 1);
    expect(started.map((clock) => [clock.metric, clock.reason.policy])).toEqual([['first_response', '兜底']]);
    await ws.clients.admin.post(api(`/conversations/${conversationId}/resolve`), { disposition: '已解答', summary: '无需回复' });
    await expect.poll(async () => (await clocks(conversationId, 1))[0]!.status, { timeout: 20_000 }).toBe('cancelled');
    visitor.socket.close();
  });

  it('hundreds of due clocks swept by several nodes at once: each breaches exactly once', async () => {
    const { db } = server.ctx;
    const due = new Date('2026-01-01T00:00:00Z');
    await db.execute(sql`
      insert into sla_targets (workspace_id, subject_type, subject_id, metric, origin, policy_name, business_time, target_minutes, started_at, due_at)
      select ${ws.workspaceId}, 'ticket', gen_random_uuid(), 'resolution', 'bulk', 'bulk', false, 60, ${due}::timestamptz - interval '1 hour', ${due}::timestamptz + (n || ' seconds')::interval
      from generate_series(1, 300) n`);
    const before = await outboxCount('sla.breached');
    const now = new Date(due.getTime() + minutes(10));
    const results = await Promise.all(Array.from({ length: 4 }, () => db.transaction((tx) => sweepClocks(tx, now, 120))));
    let total = results.reduce((sum, swept) => sum + swept.breached, 0);
    // Whatever is left after one round (limit 120 per sweep), the next round takes.
    while (true) {
      const more = await db.transaction((tx) => sweepClocks(tx, now, 120));
      if (more.breached === 0) break;
      total += more.breached;
    }
    expect(total).toBe(300);
    expect((await outboxCount('sla.breached')) - before).toBe(300);
  });
});
