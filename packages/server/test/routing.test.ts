import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveInbound } from '../src/modules/conversations/inbound.js';
import { getInbox } from '../src/modules/inboxes/service.js';
import { createTestDatabase, type TestDatabase, queryRows } from './support/database.js';
import { createWorkspaceFixture, PASSWORD, type WorkspaceFixture } from './support/fixtures.js';
import { connectAgent, emitAck, startVisitor } from './support/chat.js';
import { HttpClient } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';

const query = queryRows;

async function until(check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('routing on two server processes sharing the database', () => {
  let database: TestDatabase;
  let nodes: TestServer[];
  let ws: WorkspaceFixture;
  const agents: { id: string; client: HttpClient }[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    nodes = [
      await startTestServer({ PRESENCE_GRACE_SECONDS: '1' }, database),
      await startTestServer({ PRESENCE_GRACE_SECONDS: '1' }, database),
    ];
    ws = await createWorkspaceFixture(nodes[0]!.ctx.db, nodes[0]!.url, 'routing');
    // Eight more agents in the team, capacity 3 each on chat.
    for (let index = 0; index < 8; index++) {
      const email = `router-agent-${index}@example.test`;
      const invite = await ws.clients.admin.post(`/api/v1/workspaces/${ws.workspaceId}/invites`, {
        email,
        role: 'agent',
        teamIds: [ws.teamId],
      });
      const client = new HttpClient(nodes[index % 2]!.url);
      const accepted = await client.post(`/api/v1/invites/${invite.body.url.split('/invite/')[1]}/accept`, {
        name: `坐席 ${index}`,
        password: PASSWORD,
      });
      agents.push({ id: accepted.body.user.id, client });
      expect(
        (
          await ws.clients.admin.put(`/api/v1/workspaces/${ws.workspaceId}/members/${accepted.body.user.id}/capacity`, {
            channel: 'widget',
            capacity: 3,
          })
        ).status,
      ).toBe(204);
    }
  });
  afterAll(async () => {
    for (const node of nodes ?? []) await node.stop();
    await database?.drop();
  });

  it('assigns every conversation once, never over capacity, VIPs first; freed capacity is used again', async () => {
    const inbox = await getInbox(nodes[0]!.ctx.db, ws.workspaceId, ws.ids.inbox!);
    // 40 conversations arrive at once while nobody is online: they queue.
    const arrivals = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        receiveInbound(nodes[index % 2]!.ctx.db, {
          inbox,
          identity: { kind: 'phone', value: `+86139${String(index).padStart(8, '0')}` },
          idempotencyKey: randomUUID(),
          text: `咨询 ${index}`,
        }),
      ),
    );
    const vipCustomers = arrivals.slice(30).map((arrival) => arrival.conversation.customerId);
    for (const customerId of vipCustomers) {
      expect((await ws.clients.admin.patch(`/api/v1/workspaces/${ws.workspaceId}/customers/${customerId}`, { tier: 'vip' })).status).toBe(
        200,
      );
    }
    // Queue priority is fixed when a conversation queues; re-queue the VIPs' conversations the way an agent would.
    for (const arrival of arrivals.slice(30)) {
      const changed = await ws.clients.admin.post(
        `/api/v1/workspaces/${ws.workspaceId}/conversations/${arrival.conversation.id}/priority`,
        { priority: 'normal' },
      );
      expect(changed.status).toBe(200);
    }

    const priorities = await query<{ queue_priority: number; count: string }>(
      database.url,
      `SELECT queue_priority, count(*) FROM conversations WHERE workspace_id = $1 GROUP BY 1 ORDER BY 1`,
      [ws.workspaceId],
    );
    expect(priorities.map((row) => [row.queue_priority, Number(row.count)])).toEqual([
      [10, 31],
      [110, 10],
    ]);
    // Everyone goes online at once, on both nodes: 8 agents × 3 = 24 slots for 40 conversations.
    await Promise.all(agents.map((agent) => agent.client.put(`/api/v1/workspaces/${ws.workspaceId}/presence/me`, { status: 'online' })));
    await until(async () => {
      const [row] = await query<{ count: string }>(
        database.url,
        `SELECT count(*) FROM conversations WHERE workspace_id = $1 AND state = 'assigned'`,
        [ws.workspaceId],
      );
      return Number(row!.count) === 24;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));

    const events = await query<{ conversation_id: string; user_id: string }>(
      database.url,
      `SELECT conversation_id, user_id FROM routing_events WHERE workspace_id = $1 AND type = 'assigned' ORDER BY id`,
      [ws.workspaceId],
    );
    expect(events).toHaveLength(24);
    expect(new Set(events.map((event) => event.conversation_id)).size).toBe(24);
    const perAgent = new Map<string, number>();
    for (const event of events) perAgent.set(event.user_id, (perAgent.get(event.user_id) ?? 0) + 1);
    expect(Math.max(...perAgent.values())).toBeLessThanOrEqual(3);
    expect(perAgent.size).toBe(8);
    // The 10 VIP conversations were all served before the 16 normal slots ran out.
    const assigned = new Set(events.map((event) => event.conversation_id));
    for (const arrival of arrivals.slice(30)) expect(assigned.has(arrival.conversation.id)).toBe(true);

    // An agent resolves one: a queued conversation takes the freed slot, the oldest normal one.
    const [first] = events;
    const owner = agents.find((agent) => agent.id === first!.user_id)!;
    expect(
      (await owner.client.post(`/api/v1/workspaces/${ws.workspaceId}/conversations/${first!.conversation_id}/resolve`, {})).status,
    ).toBe(200);
    await until(async () => {
      const rows = await query(database.url, `SELECT 1 FROM routing_events WHERE workspace_id = $1 AND type = 'assigned'`, [
        ws.workspaceId,
      ]);
      return rows.length === 25;
    });
    const [latest] = await query<{ user_id: string; conversation_id: string }>(
      database.url,
      `SELECT user_id, conversation_id FROM routing_events WHERE type = 'assigned' ORDER BY id DESC LIMIT 1`,
    );
    expect(latest!.user_id).toBe(owner.id);
    const waiting = arrivals.slice(0, 30).filter((arrival) => !assigned.has(arrival.conversation.id));
    const oldest = waiting.sort(
      (a, b) =>
        a.conversation.queuedAt!.getTime() - b.conversation.queuedAt!.getTime() || a.conversation.id.localeCompare(b.conversation.id),
    )[0]!;
    expect(latest!.conversation_id).toBe(oldest.conversation.id);

    // Presence changes are events too.
    const presence = await query(database.url, `SELECT 1 FROM routing_events WHERE workspace_id = $1 AND type = 'presence'`, [
      ws.workspaceId,
    ]);
    expect(presence.length).toBe(8);
  });

  it('an agent going offline sends their conversations back to the queue with their original wait; others take them', async () => {
    const leaving = agents[0]!;
    const open = await query<{ id: string; queued_at: Date }>(
      database.url,
      `SELECT id, queued_at FROM conversations WHERE assignee_id = $1 AND state = 'assigned'`,
      [leaving.id],
    );
    expect(open.length).toBeGreaterThan(0);
    expect((await leaving.client.put(`/api/v1/workspaces/${ws.workspaceId}/presence/me`, { status: 'offline' })).status).toBe(200);
    const after = await query<{ id: string; queued_at: Date; assignee_id: string | null }>(
      database.url,
      `SELECT id, queued_at, assignee_id FROM conversations WHERE id = ANY($1)`,
      [open.map((row) => row.id)],
    );
    for (const row of after) {
      expect(row.assignee_id).not.toBe(leaving.id);
      expect(row.queued_at.getTime()).toBe(open.find((item) => item.id === row.id)!.queued_at.getTime());
    }
    const requeued = await query(database.url, `SELECT 1 FROM routing_events WHERE type = 'requeued' AND user_id = $1`, [leaving.id]);
    expect(requeued).toHaveLength(open.length);
  });

  it('transfer to an agent or to a team, with a note the receiver sees', async () => {
    const [conversation] = await query<{ id: string; assignee_id: string }>(
      database.url,
      `SELECT id, assignee_id FROM conversations WHERE state = 'assigned' LIMIT 1`,
    );
    const from = agents.find((agent) => agent.id === conversation!.assignee_id)!;
    const to = agents.find((agent) => agent.id !== from.id && agent !== agents[0])!;
    const moved = await from.client.post(`/api/v1/workspaces/${ws.workspaceId}/conversations/${conversation!.id}/transfer`, {
      assigneeId: to.id,
      note: '客户要求开专票，请跟进',
    });
    expect(moved.status).toBe(200);
    expect(moved.body.assigneeId).toBe(to.id);
    const timeline = await to.client.get(`/api/v1/workspaces/${ws.workspaceId}/conversations/${conversation!.id}/messages`);
    const kinds = timeline.body.items.map((item: any) => (item.kind === 'event' ? item.event.type : item.kind));
    expect(kinds.slice(-2)).toEqual(['transferred', 'note']);
    expect(timeline.body.items.at(-1).text).toBe('客户要求开专票，请跟进');
    expect(timeline.body.items[0].kind).toBe('in');
    await until(
      async () =>
        (await query(database.url, `SELECT 1 FROM routing_events WHERE type = 'transferred' AND conversation_id = $1`, [conversation!.id]))
          .length === 1,
    );

    const invalid = await to.client.post(`/api/v1/workspaces/${ws.workspaceId}/conversations/${conversation!.id}/transfer`, {
      note: '没有目标',
    });
    expect(invalid.status).toBe(400);
  });

  it('an agent whose console disconnects for longer than the grace period goes offline', async () => {
    const agent = agents[1]!;
    const socket = await connectAgent(agent.client.baseUrl, agent.client);
    const [before] = await query<{ status: string }>(database.url, `SELECT status FROM agent_states WHERE user_id = $1`, [agent.id]);
    expect(before!.status).toBe('online');
    socket.socket.close();
    await until(async () => {
      const [row] = await query<{ status: string }>(database.url, `SELECT status FROM agent_states WHERE user_id = $1`, [agent.id]);
      return row?.status === 'offline';
    }, 10_000);
  });

  it('a waiting visitor is told their place in the queue and the estimated wait, live', async () => {
    const inbox = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/inboxes/${ws.ids.inbox}`);
    const visitor = await startVisitor(nodes[1]!.url, inbox.body.publicKey);
    const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '排队测试' });
    const update = await visitor.inbox.waitFor('queue', (event) => event.conversationId === sent.data.conversation.id);
    const [expected] = await query<{ position: number }>(
      database.url,
      `SELECT count(*)::int AS position FROM conversations WHERE workspace_id = $1 AND state = 'queued' AND assignee_id IS NULL AND channel = 'widget'`,
      [ws.workspaceId],
    );
    expect(update.position).toBe(expected!.position);
    expect(update.estimatedWaitSeconds).toBeGreaterThan(0);
    visitor.socket.close();
  });

  it('deactivating an agent sends their conversations back to the queue', async () => {
    const leaving = agents[2]!;
    const open = await query<{ id: string }>(database.url, `SELECT id FROM conversations WHERE assignee_id = $1 AND state = 'assigned'`, [
      leaving.id,
    ]);
    expect(open.length).toBeGreaterThan(0);
    expect((await ws.clients.admin.patch(`/api/v1/workspaces/${ws.workspaceId}/members/${leaving.id}`, { active: false })).status).toBe(
      200,
    );
    const still = await query(database.url, `SELECT 1 FROM conversations WHERE assignee_id = $1 AND state IN ('assigned', 'waiting')`, [
      leaving.id,
    ]);
    expect(still).toHaveLength(0);
    const events = await query(database.url, `SELECT 1 FROM routing_events WHERE type = 'requeued' AND user_id = $1`, [leaving.id]);
    expect(events).toHaveLength(open.length);
  });
});
