import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from './support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { emitAck, startVisitor } from './support/chat.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
let inboxKey: string;
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;

async function until(check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const eventsOf = (conversationId: string) =>
  queryRows<{ id: string; type: string; user_id: string | null; team_id: string | null; details: Record<string, unknown> }>(
    server.database.url,
    `SELECT id, type, user_id, team_id, details FROM routing_events WHERE conversation_id = $1 ORDER BY id`,
    [conversationId],
  );

beforeAll(async () => {
  server = await startTestServer({ QUEUE_ABANDON_SECONDS: '1' });
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'abandon');
  inboxKey = (await ws.clients.admin.get(api(`/inboxes/${ws.ids.inbox}`))).body.publicKey;
});
afterAll(() => server?.stop());

describe('abandoned: the customer leaves before any agent took the conversation', () => {
  it('a visitor who ends the chat while queued abandons it; the conversation ends and leaves the queue', async () => {
    const visitor = await startVisitor(server.url, inboxKey);
    const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '有人吗？' });
    const conversationId: string = sent.data.conversation.id;
    expect(sent.data.conversation.state).toBe('queued');

    const ended = await emitAck(visitor.socket, 'conversation:end', { conversationId });
    expect(ended).toMatchObject({ ok: true, data: { conversation: { id: conversationId, state: 'resolved' } } });
    const events = await eventsOf(conversationId);
    expect(events.map((event) => event.type)).toEqual(['queued', 'abandoned']);
    expect(events[1]).toMatchObject({ team_id: ws.teamId, details: { reason: 'customer_ended' } });
    expect(typeof events[1]!.details.waitedMs).toBe('number');
    const conversation = await ws.clients.agent.get(api(`/conversations/${conversationId}`));
    expect(conversation.body.state).toBe('resolved');

    // Twice is a clear error, and someone else's conversation is not found.
    expect((await emitAck(visitor.socket, 'conversation:end', { conversationId })).error?.code).toBe('conflict');
    expect((await emitAck(visitor.socket, 'conversation:end', { conversationId: ws.ids.conversation })).error?.code).toBe('not_found');
    expect((await emitAck(visitor.socket, 'conversation:end', { conversationId: 'x' })).error?.code).toBe('validation_failed');
    visitor.socket.close();
  });

  it('the sweep abandons a queued conversation whose customer has been gone past QUEUE_ABANDON_SECONDS, not one still connected', async () => {
    const staying = await startVisitor(server.url, inboxKey);
    const stayingSent = await emitAck(staying.socket, 'message:send', { clientMessageId: randomUUID(), text: '我还在等' });
    const leaving = await startVisitor(server.url, inboxKey);
    const leavingSent = await emitAck(leaving.socket, 'message:send', { clientMessageId: randomUUID(), text: '算了' });
    leaving.socket.close();

    await until(async () => (await eventsOf(leavingSent.data.conversation.id)).some((event) => event.type === 'abandoned'));
    const [, abandoned] = await eventsOf(leavingSent.data.conversation.id);
    expect(abandoned).toMatchObject({ type: 'abandoned', details: { reason: 'customer_gone' } });
    expect((await ws.clients.agent.get(api(`/conversations/${leavingSent.data.conversation.id}`))).body.state).toBe('resolved');
    // The one who stayed was waiting longer, so the same sweep saw it: still queued, nothing recorded.
    expect((await eventsOf(stayingSent.data.conversation.id)).map((event) => event.type)).toEqual(['queued']);
    expect((await ws.clients.agent.get(api(`/conversations/${stayingSent.data.conversation.id}`))).body.state).toBe('queued');
    // A customer with no widget session (the fixture's email customer) is never "gone".
    expect((await ws.clients.agent.get(api(`/conversations/${ws.ids.conversation}`))).body.state).toBe('queued');

    // Offered, then assigned, in one transaction, when an agent comes online.
    expect((await ws.clients.agent.put(api('/presence/me'), { status: 'online' })).status).toBe(200);
    await until(async () => (await eventsOf(stayingSent.data.conversation.id)).some((event) => event.type === 'assigned'));
    const routed = await eventsOf(stayingSent.data.conversation.id);
    expect(routed.map((event) => event.type)).toEqual(['queued', 'offered', 'assigned']);
    expect(routed[1]).toMatchObject({ user_id: ws.users.agent.id, team_id: ws.teamId });
    expect(routed[2]).toMatchObject({ user_id: ws.users.agent.id, team_id: ws.teamId });
    const sameTransaction = await queryRows<{ same: boolean }>(
      server.database.url,
      `SELECT count(DISTINCT xmin::text) = 1 AS same FROM routing_events WHERE conversation_id = $1 AND type IN ('offered', 'assigned')`,
      [stayingSent.data.conversation.id],
    );
    expect(sameTransaction[0]!.same).toBe(true);

    // Ending a chat an agent has is not an abandonment.
    const ended = await emitAck(staying.socket, 'conversation:end', { conversationId: stayingSent.data.conversation.id });
    expect(ended.data.conversation.state).toBe('resolved');
    expect((await eventsOf(stayingSent.data.conversation.id)).map((event) => event.type)).toEqual(['queued', 'offered', 'assigned']);
    staying.socket.close();
  });
});
