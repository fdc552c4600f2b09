import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, emitAck, EventInbox } from './support/chat.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

const SHOP = 'https://shop.example';

let server: TestServer;
let ws: WorkspaceFixture;
let inboxKey: string;

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url);
  inboxKey = (await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/inboxes/${ws.ids.inbox}`)).body.publicKey;
});
afterAll(async () => {
  await server?.stop();
});

const preflight = (path: string, method: string, headers: string, origin = SHOP) =>
  fetch(`${server.url}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers },
  });

/** Every problem the server logged that says it answered a request twice. */
const doubleAnswers = () => server.recentProblems().filter((line) => line.includes('ERR_HTTP_HEADERS_SENT'));

/** A socket that can only long-poll, as in a browser whose WebSockets a proxy blocks. */
function pollingSocket(namespace: string, options: Record<string, unknown>): Promise<Socket> {
  const socket = io(`${server.url}${namespace}`, { transports: ['polling'], reconnection: false, forceNew: true, ...options });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

describe('the widget API from a customer’s site', () => {
  it('answers the preflight of a session start and of an upload with the visitor token, without credentials', async () => {
    const session = await preflight('/api/v1/widget/sessions', 'POST', 'content-type');
    expect(session.status).toBe(204);
    expect(session.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(session.headers.get('access-control-allow-methods')).toContain('POST');
    expect(session.headers.get('access-control-allow-headers')).toContain('content-type');
    expect(session.headers.get('access-control-allow-credentials')).toBeNull();
    expect(session.headers.get('vary')).toContain('Origin');

    const upload = await preflight('/api/v1/widget/attachments', 'POST', 'x-visitor-token');
    expect(upload.status).toBe(204);
    expect(upload.headers.get('access-control-allow-headers')).toContain('x-visitor-token');
    const code = await preflight('/api/v1/widget/identity/code', 'POST', 'content-type, x-visitor-token');
    expect(code.status).toBe(204);
  });

  it('refuses a preflight for a method or header the widget never sends', async () => {
    for (const refused of [
      await preflight('/api/v1/widget/sessions', 'DELETE', 'content-type'),
      await preflight('/api/v1/widget/sessions', 'POST', 'authorization'),
    ]) {
      expect(refused.status).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('lets the page read the config and a new session', async () => {
    const config = await fetch(`${server.url}/api/v1/widget/config?inboxKey=${inboxKey}`, { headers: { origin: SHOP } });
    expect(config.status).toBe(200);
    expect(config.headers.get('access-control-allow-origin')).toBe(SHOP);
    const session = await fetch(`${server.url}/api/v1/widget/sessions`, {
      method: 'POST',
      headers: { origin: SHOP, 'content-type': 'application/json' },
      body: JSON.stringify({ inboxKey, context: { pageUrl: `${SHOP}/item/1`, language: 'zh-CN' } }),
    });
    expect(session.status).toBe(200);
    expect(session.headers.get('access-control-allow-origin')).toBe(SHOP);
    // A refusal is readable too, so the widget can say why.
    const missing = await fetch(`${server.url}/api/v1/widget/config?inboxKey=nope`, { headers: { origin: SHOP } });
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.headers.get('access-control-allow-origin')).toBe(SHOP);
  });

  it('serves files and the widget script for other sites’ pages to load', async () => {
    const script = await fetch(`${server.url}/widget.js`, { headers: { origin: SHOP } });
    expect(script.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const file = await fetch(`${server.url}/files/${randomUUID()}/nokey/a.png`, { headers: { origin: SHOP } });
    expect(file.status).toBe(404);
    expect(file.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  });
});

describe('console routes from another site', () => {
  it('send no CORS headers, to a preflight or a request', async () => {
    const login = await preflight('/api/v1/auth/login', 'POST', 'content-type');
    expect(login.headers.get('access-control-allow-origin')).toBeNull();
    expect(login.headers.get('access-control-allow-credentials')).toBeNull();
    const members = await preflight(`/api/v1/workspaces/${ws.workspaceId}/members`, 'GET', 'content-type');
    expect(members.headers.get('access-control-allow-origin')).toBeNull();

    const me = await fetch(`${server.url}/api/v1/auth/me`, { headers: { origin: SHOP, cookie: ws.clients.agent.cookie ?? '' } });
    expect(me.status).toBe(200);
    expect(me.headers.get('access-control-allow-origin')).toBeNull();
    const conversations = await fetch(`${server.url}/api/v1/workspaces/${ws.workspaceId}/conversations`, {
      headers: { origin: SHOP, cookie: ws.clients.agent.cookie ?? '' },
    });
    expect(conversations.headers.get('access-control-allow-origin')).toBeNull();
    // A path that only looks like the widget's is not one.
    const lookalike = await preflight(`/api/v1/widgetx/sessions`, 'POST', 'content-type');
    expect(lookalike.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the socket transport from another site', () => {
  it('allows long-polling without credentials to other origins, with them to the console’s own', async () => {
    const foreign = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: SHOP } });
    expect(foreign.status).toBe(200);
    expect(foreign.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(foreign.headers.get('access-control-allow-credentials')).toBeNull();
    const own = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: server.url } });
    expect(own.headers.get('access-control-allow-credentials')).toBe('true');
    const preflighted = await preflight('/socket.io/?EIO=4&transport=polling', 'POST', 'content-type');
    expect(preflighted.status).toBe(204);
    expect(preflighted.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(doubleAnswers()).toEqual([]);
  });

  it('a visitor chats over long-polling only, and the server answers each request once', async () => {
    const agent = await connectAgent(server.url, ws.clients.agent);
    const session = await fetch(`${server.url}/api/v1/widget/sessions`, {
      method: 'POST',
      headers: { origin: SHOP, 'content-type': 'application/json' },
      body: JSON.stringify({ inboxKey, context: { pageUrl: `${SHOP}/item/2`, language: 'zh-CN' } }),
    }).then((response) => response.json() as Promise<{ visitorToken: string }>);
    const socket = await pollingSocket('/widget', { auth: { visitorToken: session.visitorToken }, extraHeaders: { origin: SHOP } });
    try {
      const inbox = new EventInbox(socket, ['message']);
      const text = '轮询也能聊天吗？';
      const sent = await emitAck(socket, 'message:send', { clientMessageId: randomUUID(), text });
      expect(sent.ok).toBe(true);
      const received = await agent.inbox.waitFor('message', (event) => event.message.text === text);
      const reply = await ws.clients.agent.post(`/api/v1/workspaces/${ws.workspaceId}/conversations/${received.conversationId}/messages`, {
        text: '可以的。',
      });
      expect(reply.status).toBe(201);
      await inbox.waitFor('message', (event) => event.message.id === reply.body.id);
      expect(socket.io.engine.transport.name).toBe('polling');
      expect(doubleAnswers()).toEqual([]);
    } finally {
      socket.close();
      agent.socket.close();
    }
  });

  it('the agent socket refuses another site over long-polling too', async () => {
    await expect(pollingSocket('/agent', { extraHeaders: { origin: SHOP, cookie: ws.clients.agent.cookie ?? '' } })).rejects.toThrow(
      'origin_not_allowed',
    );
  });
});
