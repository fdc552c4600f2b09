import { randomUUID } from 'node:crypto';
import { queryRows } from './support/database.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveInbound } from '../src/modules/conversations/inbound.js';
import { getInbox } from '../src/modules/inboxes/service.js';
import { createWorkspaceFixture, PASSWORD, type WorkspaceFixture } from './support/fixtures.js';
import { HttpClient } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
const agents: Record<'a' | 'b' | 'c', { id: string; client: HttpClient }> = {} as never;
let overflowTeamId: string;

const rows = <T extends Record<string, unknown>>(text: string, values: unknown[] = []) => queryRows<T>(server.database.url, text, values);

async function assigneeOf(conversationId: string, timeoutMs = 10_000): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await rows<{ assignee_id: string | null }>(`SELECT assignee_id FROM conversations WHERE id = $1`, [conversationId]);
    if (row?.assignee_id || Date.now() > deadline) return row?.assignee_id ?? null;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'sticky');
  // The fixture's own conversation would take a slot: out of the way first.
  expect((await ws.clients.admin.post(api(`/conversations/${ws.ids.conversation}/resolve`), {})).status).toBe(200);
  overflowTeamId = (await ws.clients.admin.post(api('/teams'), { name: '二线支援' })).body.id;
  for (const [name, team] of [
    ['a', ws.teamId],
    ['b', ws.teamId],
    ['c', overflowTeamId],
  ] as const) {
    const invite = await ws.clients.admin.post(api('/invites'), { email: `${name}-sticky@example.test`, role: 'agent', teamIds: [team] });
    const client = new HttpClient(server.url);
    const accepted = await client.post(`/api/v1/invites/${invite.body.url.split('/invite/')[1]}/accept`, { name, password: PASSWORD });
    agents[name] = { id: accepted.body.user.id, client };
    await ws.clients.admin.put(api(`/members/${accepted.body.user.id}/capacity`), { channel: 'widget', capacity: 1 });
  }
});
afterAll(() => server?.stop());

describe('sticky agent and overflow', () => {
  it('a returning customer goes back to their last agent (熟人服务), even when the algorithm would pick another', async () => {
    const inbox = await getInbox(server.ctx.db, ws.workspaceId, ws.ids.inbox!);
    await agents.a.client.put(api('/presence/me'), { status: 'online' });
    await agents.b.client.put(api('/presence/me'), { status: 'online' });
    const identity = { kind: 'phone' as const, value: '+8613700000001' };
    const first = await receiveInbound(server.ctx.db, { inbox, identity, idempotencyKey: randomUUID(), text: '第一次咨询' });
    const firstAgent = await assigneeOf(first.conversation.id);
    expect([agents.a.id, agents.b.id]).toContain(firstAgent);
    const owner = firstAgent === agents.a.id ? agents.a : agents.b;
    expect((await owner.client.post(api(`/conversations/${first.conversation.id}/resolve`), {})).status).toBe(200);

    // Least busy would now prefer the other agent (both free, the other idle longer).
    const again = await receiveInbound(server.ctx.db, { inbox, identity, idempotencyKey: randomUUID(), text: '又来了' });
    expect(await assigneeOf(again.conversation.id)).toBe(firstAgent);
    const [event] = await rows<{ details: { algorithm: string } }>(
      `SELECT details FROM routing_events WHERE conversation_id = $1 AND type = 'assigned'`,
      [again.conversation.id],
    );
    expect(event!.details.algorithm).toBe('sticky');
    await owner.client.post(api(`/conversations/${again.conversation.id}/resolve`), {});

    // With the window off, the algorithm decides.
    expect((await ws.clients.admin.patch(api(`/teams/${ws.teamId}`), { stickyHours: 0 })).status).toBe(200);
    const third = await receiveInbound(server.ctx.db, { inbox, identity, idempotencyKey: randomUUID(), text: '第三次' });
    expect(await assigneeOf(third.conversation.id)).not.toBe(firstAgent);
    await (firstAgent === agents.a.id ? agents.b : agents.a).client.post(api(`/conversations/${third.conversation.id}/resolve`), {});
  });

  it('after the overflow wait, the fallback team takes what the home team cannot', async () => {
    const inbox = await getInbox(server.ctx.db, ws.workspaceId, ws.ids.inbox!);
    expect((await ws.clients.admin.patch(api(`/teams/${ws.teamId}`), { overflowTeamId: ws.teamId })).status).toBe(422);
    expect((await ws.clients.admin.patch(api(`/teams/${ws.teamId}`), { overflowTeamId, overflowAfterSeconds: 2 })).status).toBe(200);
    await agents.c.client.put(api('/presence/me'), { status: 'online' });
    // Fill the home team (a and b take one each), then one more.
    const busy = await Promise.all(
      [1, 2].map((n) =>
        receiveInbound(server.ctx.db, {
          inbox,
          identity: { kind: 'phone', value: `+861370000010${n}` },
          idempotencyKey: randomUUID(),
          text: `占线 ${n}`,
        }),
      ),
    );
    for (const item of busy) expect([agents.a.id, agents.b.id]).toContain(await assigneeOf(item.conversation.id));
    const waiting = await receiveInbound(server.ctx.db, {
      inbox,
      identity: { kind: 'phone', value: '+8613700000200' },
      idempotencyKey: randomUUID(),
      text: '需要溢出',
    });
    expect(await assigneeOf(waiting.conversation.id, 1000)).toBeNull();
    expect(await assigneeOf(waiting.conversation.id, 12_000)).toBe(agents.c.id);
    const [overflow] = await rows(`SELECT 1 FROM routing_events WHERE conversation_id = $1 AND type = 'overflowed'`, [
      waiting.conversation.id,
    ]);
    expect(overflow).toBeDefined();
  });
});
