import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisReachable } from './support/redis.js';
import { connectAgent, emitAck, startVisitor } from './support/chat.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { HttpClient } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const hasRedis = await redisReachable(REDIS_URL);
if (!hasRedis) console.warn(`skipping the multi-process real-time test: no Redis at ${REDIS_URL} (CI provides one)`);

describe.skipIf(!hasRedis)('two server processes sharing PostgreSQL and Redis', () => {
  let database: TestDatabase;
  let nodeA: TestServer;
  let nodeB: TestServer;
  let ws: WorkspaceFixture;

  beforeAll(async () => {
    database = await createTestDatabase();
    nodeA = await startTestServer({ REDIS_URL }, database);
    nodeB = await startTestServer({ REDIS_URL }, database);
    ws = await createWorkspaceFixture(nodeA.ctx.db, nodeA.url);
  });
  afterAll(async () => {
    await nodeA?.stop();
    await nodeB?.stop();
    await database?.drop();
  });

  it('a visitor on one node and an agent on the other chat in real time', async () => {
    const inbox = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/inboxes/${ws.ids.inbox}`);
    const agentOnB = new HttpClient(nodeB.url);
    agentOnB.cookie = ws.clients.agent.cookie;
    const agent = await connectAgent(nodeB.url, agentOnB);
    const visitor = await startVisitor(nodeA.url, inbox.body.publicKey);

    const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '跨节点测试：你好' });
    const conversationId = sent.data.conversation.id;
    await agent.inbox.waitFor('message', (event) => event.conversationId === conversationId && event.message.text === '跨节点测试：你好');

    const reply = await agentOnB.post(`/api/v1/workspaces/${ws.workspaceId}/conversations/${conversationId}/messages`, {
      text: '您好，B 节点的客服为您服务',
    });
    expect(reply.status).toBe(201);
    const received = await visitor.inbox.waitFor('message', (event) => event.message.id === reply.body.id);
    expect(received.message.text).toBe('您好，B 节点的客服为您服务');
    await agent.inbox.waitFor('message:status', (event) => event.messageId === reply.body.id && event.delivery === 'delivered');

    // Typing crosses nodes too.
    visitor.socket.emit('typing', { typing: true });
    await agent.inbox.waitFor('typing', (event) => event.conversationId === conversationId && event.typing);
    visitor.socket.close();
    agent.socket.close();
  });
});
