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

async function until(check: () => Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'settings');
});
afterAll(() => server?.stop());

describe('workspace settings', () => {
  it('default to a 60 s target and the standard capacities; admins change them, validated', async () => {
    const read = await ws.clients.agent.get(api(''));
    expect(read.body.settings).toEqual({
      serviceLevelTargetSeconds: 60,
      defaultCapacities: { widget: 5, email: 20, sms: 5, wechat: 5, wecom: 5, api: 5, voice: 1 },
      queueWeights: { vip: 100, urgent: 30, high: 20, normal: 10, low: 0 },
      presenceOnLogin: 'remember',
      presenceGraceSeconds: null,
    });
    expect((await ws.clients.supervisor.patch(api(''), { serviceLevelTargetSeconds: 30 })).status).toBe(403);
    for (const bad of [
      { serviceLevelTargetSeconds: 0 },
      { serviceLevelTargetSeconds: 1.5 },
      { defaultCapacities: { widget: 101 } },
      { defaultCapacities: { fax: 1 } },
      { queueWeights: { vip: -1 } },
      { queueWeights: { gold: 5 } },
      { timezone: 'Mars/Olympus' },
    ]) {
      const refused = await ws.clients.admin.patch(api(''), bad);
      expect(refused.status, JSON.stringify(bad)).toBe(400);
    }
    const changed = await ws.clients.admin.patch(api(''), { timezone: 'Europe/Berlin', serviceLevelTargetSeconds: 30 });
    expect(changed.body).toMatchObject({ timezone: 'Europe/Berlin', settings: { serviceLevelTargetSeconds: 30 } });
    // Capacities change one channel at a time; the target set before stays.
    const capacities = await ws.clients.admin.patch(api(''), { defaultCapacities: { widget: 1 } });
    expect(capacities.body.settings).toEqual({
      serviceLevelTargetSeconds: 30,
      defaultCapacities: { widget: 1, email: 20, sms: 5, wechat: 5, wecom: 5, api: 5, voice: 1 },
      queueWeights: { vip: 100, urgent: 30, high: 20, normal: 10, low: 0 },
      presenceOnLogin: 'remember',
      presenceGraceSeconds: null,
    });
  });

  it("queue weights are the workspace's: a new conversation is weighed by the ones set then", async () => {
    const inbox = await getInbox(server.ctx.db, ws.workspaceId, ws.ids.inbox!);
    const weighOne = async (email: string) => {
      const received = await receiveInbound(server.ctx.db, {
        inbox,
        identity: { kind: 'email', value: email },
        idempotencyKey: randomUUID(),
        text: '排队',
      });
      // Out of the queue again, so the capacity test below starts from the fixture's queue alone.
      expect((await ws.clients.admin.post(api(`/conversations/${received.conversation.id}/resolve`), {})).status).toBe(200);
      return received.conversation.queuePriority;
    };
    expect(await weighOne('weights-before@example.test')).toBe(10);
    const changed = await ws.clients.admin.patch(api(''), { queueWeights: { normal: 55 } });
    expect(changed.body.settings.queueWeights).toEqual({ vip: 100, urgent: 30, high: 20, normal: 55, low: 0 });
    expect(await weighOne('weights-after@example.test')).toBe(55);
    await ws.clients.admin.patch(api(''), { queueWeights: { normal: 10 } });
  });

  it('the router gives an agent no more than the workspace default capacity', async () => {
    const inbox = await getInbox(server.ctx.db, ws.workspaceId, ws.ids.inbox!);
    await receiveInbound(server.ctx.db, {
      inbox,
      identity: { kind: 'email', value: 'second-settings@example.test' },
      idempotencyKey: randomUUID(),
      text: '第二位顾客',
    });
    const assigned = () =>
      queryRows<{ details: { capacity: number; loadBefore: number } }>(
        server.database.url,
        `SELECT details FROM routing_events WHERE workspace_id = $1 AND type = 'assigned' ORDER BY id`,
        [ws.workspaceId],
      );
    expect((await ws.clients.agent.put(api('/presence/me'), { status: 'online' })).status).toBe(200);
    await until(async () => (await assigned()).length === 1);
    expect((await assigned())[0]!.details).toMatchObject({ capacity: 1, loadBefore: 0 });
    // Room for one more: the sweep gives the agent the second conversation, under the new capacity.
    await ws.clients.admin.patch(api(''), { defaultCapacities: { widget: 2 } });
    await until(async () => (await assigned()).length === 2);
    expect((await assigned())[1]!.details).toMatchObject({ capacity: 2, loadBefore: 1 });
  });
});
