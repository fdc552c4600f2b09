import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAgent, emitAck, startVisitor } from './support/chat.js';
import { fingerprint } from './support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
let inboxKey: string;

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url);
  inboxKey = (await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/inboxes/${ws.ids.inbox}`)).body.publicKey;
});
afterAll(() => server?.stop());

/** NUL (U+0000) on the sockets: PostgreSQL cannot store it; it used to fail the event with an internal error. */
describe('a NUL character on the sockets', () => {
  it('is refused on the widget socket with a validation error naming the field, and nothing is stored', async () => {
    const visitor = await startVisitor(server.url, inboxKey);
    try {
      const before = await fingerprint(server.database.url);
      const cases = [
        [{ clientMessageId: randomUUID(), text: '你好\u0000' }, 'payload.text'],
        [{ clientMessageId: randomUUID(), text: '你好', preChat: { 'name\u0000': '张三' } }, 'payload.preChat.name\\0'],
        [{ clientMessageId: `id-\u0000`, text: '你好' }, 'payload.clientMessageId'],
      ] as const;
      for (const [payload, path] of cases) {
        const ack = await emitAck(visitor.socket, 'message:send', payload);
        expect(ack.ok, path).toBe(false);
        expect(ack.error?.code).toBe('validation_failed');
        expect(ack.error?.message).toContain(path);
      }
      const offline = await emitAck(visitor.socket, 'offline:submit', { clientMessageId: randomUUID(), text: '留言\u0000' });
      expect(offline.error?.code).toBe('validation_failed');
      expect(await fingerprint(server.database.url)).toEqual(before);
      // The same socket still works for a clean message.
      expect((await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '你好' })).ok).toBe(true);
    } finally {
      visitor.socket.close();
    }
  });

  it('is refused on the agent socket too', async () => {
    const agent = await connectAgent(server.url, ws.clients.agent);
    try {
      const ack = await emitAck(agent.socket, 'sync', { conversationId: ws.ids.conversation, afterSeq: 0, note: 'x\u0000' });
      expect(ack).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      expect(ack.error?.message).toContain('payload.note');
    } finally {
      agent.socket.close();
    }
  });
});
