import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMembership } from '../src/modules/users/service.js';
import { connectAgent, connectSocket, emitAck, startVisitor } from './support/chat.js';
import { createTestDatabase, queryRows, type TestDatabase } from './support/database.js';
import { createWorkspaceFixture, PASSWORD, type WorkspaceFixture } from './support/fixtures.js';
import { HttpClient } from './support/http.js';
import { redisReachable } from './support/redis.js';
import { startTestServer, type TestServer } from './support/server.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const hasRedis = await redisReachable(REDIS_URL);
if (!hasRedis) console.warn(`skipping the multi-process socket-session test: no Redis at ${REDIS_URL} (CI provides one)`);

/** Resolves with what the server said when it closed the socket: the `session_gone` / `access_changed` event, then the disconnect. */
function closedByServer(socket: Socket): Promise<{ event: string; payload: { code: string }; reason: string }> {
  return new Promise((resolve) => {
    let said: { event: string; payload: { code: string } } | undefined;
    for (const event of ['session_gone', 'access_changed']) socket.on(event, (payload: { code: string }) => (said = { event, payload }));
    socket.on('disconnect', (reason) => resolve({ ...said!, reason }));
  });
}

describe.skipIf(!hasRedis)('agent sockets end with their session, on every node', () => {
  let database: TestDatabase;
  let nodeA: TestServer;
  let nodeB: TestServer;
  let ws: WorkspaceFixture;

  beforeAll(async () => {
    database = await createTestDatabase();
    nodeA = await startTestServer({ REDIS_URL, PUBLIC_URL: 'https://support.example.test' }, database);
    nodeB = await startTestServer({ REDIS_URL, PUBLIC_URL: 'https://support.example.test' }, database);
    ws = await createWorkspaceFixture(nodeA.ctx.db, nodeA.url);
  });
  afterAll(async () => {
    await nodeA?.stop();
    await nodeB?.stop();
    await database?.drop();
  });

  async function loggedIn(email: string, url = nodeA.url) {
    const client = new HttpClient(url);
    await client.login(email, PASSWORD);
    return client;
  }

  it('logging out on node A disconnects the socket on node B, which then cannot reconnect', async () => {
    const agentOnA = await loggedIn(ws.users.agent.email);
    const agentOnB = new HttpClient(nodeB.url);
    agentOnB.cookie = agentOnA.cookie;
    const { socket } = await connectAgent(nodeB.url, agentOnB);
    // Another session of the same user is not touched.
    const other = await connectAgent(nodeB.url, await loggedIn(ws.users.agent.email, nodeB.url));
    const closed = closedByServer(socket);

    expect((await agentOnA.post('/api/v1/auth/logout')).status).toBe(204);
    expect(await closed).toEqual({
      event: 'session_gone',
      payload: expect.objectContaining({ code: 'session_gone' }),
      reason: 'io server disconnect',
    });
    expect(other.socket.connected).toBe(true);
    await expect(connectSocket(`${nodeB.url}/agent`, { extraHeaders: { cookie: agentOnA.cookie ?? '' } })).rejects.toThrow(
      /^session_gone$/,
    );
    other.socket.close();
  });

  it('a user deactivated on node A stops hearing the workspace on node B', async () => {
    const member = await loggedIn(ws.users.supervisor.email, nodeB.url);
    const agent = await connectAgent(nodeB.url, member);
    const inbox = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/inboxes/${ws.ids.inbox}`);
    const visitor = await startVisitor(nodeA.url, inbox.body.publicKey);
    await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '停用前的消息' });
    await agent.inbox.waitFor('message', (event) => event.message.text === '停用前的消息');
    const closed = closedByServer(agent.socket);

    const deactivated = await ws.clients.admin.patch(`/api/v1/workspaces/${ws.workspaceId}/members/${ws.users.supervisor.id}`, {
      active: false,
    });
    expect(deactivated.status).toBe(200);
    expect((await closed).event).toBe('session_gone');
    await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '停用后的消息' });
    expect(agent.inbox.of('message', (event) => event.message.text === '停用后的消息')).toEqual([]);
    await expect(connectSocket(`${nodeB.url}/agent`, { extraHeaders: { cookie: member.cookie ?? '' } })).rejects.toThrow(/^session_gone$/);
    expect(
      (await ws.clients.admin.patch(`/api/v1/workspaces/${ws.workspaceId}/members/${ws.users.supervisor.id}`, { active: true })).status,
    ).toBe(200);
    visitor.socket.close();
  });

  it('removed from one of two workspaces, the socket reconnects hearing only the other', async () => {
    const ws2 = await createWorkspaceFixture(nodeA.ctx.db, nodeA.url);
    await addMembership(nodeA.ctx.db, { workspaceId: ws2.workspaceId, userId: ws.users.agent.id, role: 'agent' });
    const client = await loggedIn(ws.users.agent.email, nodeB.url);
    const first = await connectAgent(nodeB.url, client);
    const closed = closedByServer(first.socket);
    expect((await ws.clients.admin.delete(`/api/v1/workspaces/${ws.workspaceId}/members/${ws.users.agent.id}`)).status).toBe(204);
    expect((await closed).event).toBe('access_changed');

    // The session lives on (still a member of ws2); the new socket joins ws2's rooms only.
    const again = await connectAgent(nodeB.url, client);
    const inboxOf = async (fixture: WorkspaceFixture) =>
      (await fixture.clients.admin.get(`/api/v1/workspaces/${fixture.workspaceId}/inboxes/${fixture.ids.inbox}`)).body.publicKey;
    const visitorOfLeft = await startVisitor(nodeA.url, await inboxOf(ws));
    const visitorOfKept = await startVisitor(nodeA.url, await inboxOf(ws2));
    await emitAck(visitorOfLeft.socket, 'message:send', { clientMessageId: randomUUID(), text: '已离开的工作区' });
    await emitAck(visitorOfKept.socket, 'message:send', { clientMessageId: randomUUID(), text: '仍在的工作区' });
    await again.inbox.waitFor('message', (event) => event.message.text === '仍在的工作区');
    expect(again.inbox.of('message', (event) => event.message.text === '已离开的工作区')).toEqual([]);
    for (const socket of [again.socket, visitorOfLeft.socket, visitorOfKept.socket]) socket.close();
  });

  it('a session past its lifetime is refused at the handshake', async () => {
    const client = await loggedIn(ws.users.agent.email, nodeB.url);
    // In use every day, but logged in longer ago than the maximum lifetime.
    await queryRows(
      database.url,
      `UPDATE sessions SET created_at = now() - interval '400 days'
       WHERE id = (SELECT id FROM sessions WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1)`,
      [ws.users.agent.id],
    );
    await expect(connectSocket(`${nodeB.url}/agent`, { extraHeaders: { cookie: client.cookie ?? '' } })).rejects.toThrow(/^session_gone$/);
    expect((await client.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('the handshake refuses a page of another origin carrying the agent’s cookie', async () => {
    const client = await loggedIn(ws.users.agent.email, nodeB.url);
    const cookie = client.cookie ?? '';
    await expect(connectSocket(`${nodeB.url}/agent`, { extraHeaders: { cookie, origin: 'https://evil.example' } })).rejects.toThrow(
      /^origin_not_allowed$/,
    );
    await expect(connectSocket(`${nodeB.url}/agent`, { extraHeaders: { cookie, origin: 'null' } })).rejects.toThrow(/origin_not_allowed/);
    // The console itself: served by this node, or under the configured public URL.
    const own = await connectSocket(`${nodeB.url}/agent`, { extraHeaders: { cookie, origin: nodeB.url } });
    const published = await connectSocket(`${nodeB.url}/agent`, { extraHeaders: { cookie, origin: 'https://support.example.test' } });
    own.close();
    published.close();
  });

  // Last: it logs out the fixture's admin client too.
  it('a password change on node A closes the user’s other sockets on node B', async () => {
    const first = await loggedIn(ws.users.admin.email, nodeB.url);
    const socket = (await connectAgent(nodeB.url, first)).socket;
    const closed = closedByServer(socket);
    const second = await loggedIn(ws.users.admin.email);
    const changed = await second.post('/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'granite-orchard-77' });
    expect(changed.status).toBe(204);
    expect((await closed).event).toBe('session_gone');
  });
});
