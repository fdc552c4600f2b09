import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveInbound } from '../src/modules/conversations/inbound.js';
import { messagesAfter } from '../src/modules/conversations/write-path.js';
import { getInbox } from '../src/modules/inboxes/service.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;

beforeAll(async () => {
  server = await startTestServer({ DATABASE_POOL_SIZE: '12' });
  ws = await createWorkspaceFixture(server.ctx.db, server.url);
});
afterAll(() => server?.stop());

describe('the inbound write path under concurrency', () => {
  it('the same idempotency key arriving many times at once stores one message', async () => {
    const inbox = await getInbox(server.ctx.db, ws.workspaceId, ws.ids.inbox!);
    const key = `retry-${randomUUID()}`;
    const inbound = { inbox, identity: { kind: 'phone' as const, value: '+8613900000001' }, idempotencyKey: key, text: '重试风暴' };
    const results = await Promise.all(Array.from({ length: 10 }, () => receiveInbound(server.ctx.db, inbound)));
    expect(new Set(results.map((result) => result.message.id)).size).toBe(1);
    expect(results.filter((result) => !result.duplicate)).toHaveLength(1);
    const stored = await messagesAfter(server.ctx.db, ws.workspaceId, results[0]!.conversation.id, 0, 100);
    expect(stored.map((message) => message.seq)).toEqual([1]);
  });

  it('many messages at once into one conversation get gapless, unique sequence numbers, in one conversation', async () => {
    const inbox = await getInbox(server.ctx.db, ws.workspaceId, ws.ids.inbox!);
    const identity = { kind: 'phone' as const, value: '+8613900000002' };
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        receiveInbound(server.ctx.db, { inbox, identity, idempotencyKey: `burst-${randomUUID()}`, text: `第 ${index} 条` }),
      ),
    );
    const conversations = new Set(results.map((result) => result.conversation.id));
    expect(conversations.size).toBe(1);
    const stored = await messagesAfter(server.ctx.db, ws.workspaceId, [...conversations][0]!, 0, 100);
    expect(stored.map((message) => message.seq)).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
    expect(new Set(stored.map((message) => message.text)).size).toBe(40);
  });
});
