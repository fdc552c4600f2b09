import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveInbound } from '../src/modules/conversations/inbound.js';
import { getInbox } from '../src/modules/inboxes/service.js';
import { queryRows } from './support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'timeline');
});
afterAll(() => server?.stop());

describe('customer timeline', () => {
  it('lists every conversation on every inbox, merged customers’ too, newest first, page by page', async () => {
    const emailInbox = await ws.clients.admin.post(api('/inboxes'), { kind: 'widget', name: '移动端 App', defaultTeamId: ws.teamId });
    expect(emailInbox.status).toBe(201);
    const web = await getInbox(server.ctx.db, ws.workspaceId, ws.ids.inbox!);
    const app = await getInbox(server.ctx.db, ws.workspaceId, emailInbox.body.id);
    const customerId = ws.ids.customer!;
    const email = `customer-timeline@example.test`;
    // A second conversation for the same customer on another inbox…
    const second = await receiveInbound(server.ctx.db, {
      inbox: app,
      identity: { kind: 'email', value: email },
      idempotencyKey: randomUUID(),
      text: '<script>alert(1)</script>App 里怎么改地址？',
    });
    expect(second.conversation.customerId).toBe(customerId);
    // …and one of a phone customer who turns out to be the same person.
    const other = await receiveInbound(server.ctx.db, {
      inbox: web,
      identity: { kind: 'phone', value: '+8613800138000' },
      idempotencyKey: randomUUID(),
      text: '我打过电话',
    });
    await ws.clients.agent.post(api(`/conversations/${other.conversation.id}/assign`), { assigneeId: ws.users.agent.id });
    await ws.clients.agent.post(api(`/conversations/${other.conversation.id}/resolve`), { disposition: '已解答' });
    // Taking a waiting conversation by hand is an `assigned` routing event (it counts as answered on the wallboard).
    const manual = await queryRows<{ user_id: string; details: { algorithm: string; waitedMs: number } }>(
      server.database.url,
      `SELECT user_id, details FROM routing_events WHERE conversation_id = $1 AND type = 'assigned'`,
      [other.conversation.id],
    );
    expect(manual).toHaveLength(1);
    expect(manual[0]).toMatchObject({ user_id: ws.users.agent.id, details: { algorithm: 'manual' } });
    expect(manual[0]!.details.waitedMs).toBeGreaterThanOrEqual(0);
    // Controlled start times: the fixture's first, then the app one, then the phone one.
    for (const [id, minutesAgo] of [
      [ws.ids.conversation!, 30],
      [second.conversation.id, 20],
      [other.conversation.id, 10],
    ] as const)
      await queryRows(server.database.url, `UPDATE conversations SET created_at = now() - make_interval(mins => $2) WHERE id = $1`, [
        id,
        minutesAgo,
      ]);
    const merged = await ws.clients.supervisor.post(api(`/customers/${customerId}/merge`), {
      sourceCustomerId: other.conversation.customerId,
      confirm: true,
    });
    expect(merged.status).toBe(200);

    const all = await ws.clients.agent.get(api(`/customers/${customerId}/timeline`));
    expect(all.status).toBe(200);
    expect(all.body.nextCursor).toBeNull();
    expect(all.body.items.map((item: { id: string }) => item.id)).toEqual([
      other.conversation.id,
      second.conversation.id,
      ws.ids.conversation,
    ]);
    expect(all.body.items[0]).toMatchObject({
      kind: 'conversation',
      channel: 'widget',
      inboxId: ws.ids.inbox,
      inboxName: web.name,
      state: 'resolved',
      preview: '我打过电话',
      assigneeId: ws.users.agent.id,
      assigneeName: 'agent timeline',
      teamId: ws.teamId,
      disposition: '已解答',
      subject: null,
    });
    expect(all.body.items[0].endedAt).not.toBeNull();
    expect(all.body.items[1]).toMatchObject({
      inboxName: '移动端 App',
      state: 'queued',
      preview: '<script>alert(1)</script>App 里怎么改地址？',
      endedAt: null,
      assigneeId: null,
    });

    const first = await ws.clients.agent.get(api(`/customers/${customerId}/timeline?limit=2`));
    expect(first.body.items).toHaveLength(2);
    const rest = await ws.clients.agent.get(api(`/customers/${customerId}/timeline?limit=2&cursor=${first.body.nextCursor}`));
    expect(rest.body).toEqual({ items: [all.body.items[2]], nextCursor: null });

    // The merged-away customer is gone; an unknown one is a 404.
    expect((await ws.clients.agent.get(api(`/customers/${other.conversation.customerId}/timeline`))).status).toBe(404);
    expect((await ws.clients.agent.get(api(`/customers/${randomUUID()}/timeline`))).status).toBe(404);
  });
});

describe('user preferences on /auth/me', () => {
  it('start at the defaults, change one at a time, are kept per user and validated', async () => {
    const me = await ws.clients.agent.get('/api/v1/auth/me');
    expect(me.body.user.preferences).toEqual({
      notifications: { desktop: true, sound: true, onAssignment: true, onCustomerMessage: true },
      enterToSend: true,
    });
    const changed = await ws.clients.agent.patch('/api/v1/auth/me', { preferences: { notifications: { sound: false } } });
    expect(changed.status).toBe(200);
    expect(changed.body.user.preferences).toEqual({
      notifications: { desktop: true, sound: false, onAssignment: true, onCustomerMessage: true },
      enterToSend: true,
    });
    const again = await ws.clients.agent.patch('/api/v1/auth/me', { locale: 'en', preferences: { enterToSend: false } });
    expect(again.body.user).toMatchObject({
      locale: 'en',
      preferences: { notifications: { desktop: true, sound: false, onAssignment: true, onCustomerMessage: true }, enterToSend: false },
    });
    expect((await ws.clients.agent.get('/api/v1/auth/me')).body.user.preferences.enterToSend).toBe(false);
    // Another user's are their own.
    expect((await ws.clients.supervisor.get('/api/v1/auth/me')).body.user.preferences.enterToSend).toBe(true);

    for (const bad of [
      { preferences: { enterToSend: 'yes' } },
      { preferences: { notifications: { loud: true } } },
      { preferences: { theme: 'dark' } },
      { preferences: null },
    ]) {
      const refused = await ws.clients.agent.patch('/api/v1/auth/me', bad);
      expect(refused.status, JSON.stringify(bad)).toBe(400);
      expect(refused.body.error.code).toBe('validation_failed');
    }
    expect((await ws.clients.agent.get('/api/v1/auth/me')).body.user.preferences.enterToSend).toBe(false);
  });
});
