import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restorePresenceOnResume } from '../src/modules/routing/presence-restore.js';
import { connectAgent } from './support/chat.js';
import { queryRows } from './support/database.js';
import { createWorkspaceFixture, PASSWORD, type WorkspaceFixture } from './support/fixtures.js';
import { HttpClient } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
let other: WorkspaceFixture;

beforeAll(async () => {
  // A grace period longer than the test: only what the test does changes presence.
  server = await startTestServer({ PRESENCE_GRACE_SECONDS: '3600' });
  ws = await createWorkspaceFixture(server.ctx.db, server.url);
  other = await createWorkspaceFixture(server.ctx.db, server.url);
});
afterAll(async () => {
  await server?.stop();
});

const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
const statusOf = async () =>
  (await ws.clients.admin.get(api('/presence'))).body.items.find((item: { userId: string }) => item.userId === ws.users.agent.id)?.status;
/** What the system does when the agent's console has been gone for the grace period: offline, not chosen. */
const lapse = () => queryRows(server.database.url, `update agent_states set status = 'offline' where user_id = $1`, [ws.users.agent.id]);

describe('an agent’s chosen presence comes back however a session starts', () => {
  it('when they accept an invite to another workspace with their existing account', async () => {
    expect((await ws.clients.agent.put(api('/presence/me'), { status: 'online' })).status).toBe(200);
    await lapse();
    expect(await statusOf()).toBe('offline');
    const invite = await other.clients.admin.post(`/api/v1/workspaces/${other.workspaceId}/invites`, {
      email: ws.users.agent.email,
      role: 'agent',
    });
    expect(invite.status).toBe(201);
    const token = invite.body.url.split('/invite/')[1];
    const accepted = await new HttpClient(server.url).post(`/api/v1/invites/${token}/accept`, { name: 'x', password: PASSWORD });
    expect(accepted.status).toBe(200);
    expect(await statusOf()).toBe('online');
  });

  it('when the console opens again on a session that is still valid (no login)', async () => {
    expect((await ws.clients.agent.put(api('/presence/me'), { status: 'away' })).status).toBe(200);
    await lapse();
    const console = await connectAgent(server.url, ws.clients.agent);
    try {
      await expect.poll(statusOf, { timeout: 10_000 }).toBe('away');
    } finally {
      console.socket.close();
    }
  });

  it('under the “start offline” policy a console reconnecting changes nothing', async () => {
    expect((await ws.clients.admin.patch(api(''), { presenceOnLogin: 'offline' })).status).toBe(200);
    try {
      // Set offline by the system: stays offline until the agent chooses (the policy's point).
      expect((await ws.clients.agent.put(api('/presence/me'), { status: 'online' })).status).toBe(200);
      await lapse();
      expect(await restorePresenceOnResume(server.ctx.db, ws.users.agent.id, [ws.workspaceId])).toEqual([]);
      expect(await statusOf()).toBe('offline');
      // Online in this session: a reconnect does not knock them offline.
      expect((await ws.clients.agent.put(api('/presence/me'), { status: 'online' })).status).toBe(200);
      await restorePresenceOnResume(server.ctx.db, ws.users.agent.id, [ws.workspaceId]);
      expect(await statusOf()).toBe('online');
    } finally {
      await ws.clients.admin.patch(api(''), { presenceOnLogin: 'remember' });
    }
  });
});
