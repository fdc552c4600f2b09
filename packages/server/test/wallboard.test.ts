import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { receiveInbound } from '../src/modules/conversations/inbound.js';
import { getInbox } from '../src/modules/inboxes/service.js';
import { Throttle } from '../src/modules/wallboard/notifier.js';
import { queryRows } from './support/database.js';
import { connectSocket, EventInbox } from './support/chat.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
const sql = (text: string, values: unknown[] = []) => queryRows(server.database.url, text, values);

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'wall');
});
afterAll(() => server?.stop());

describe('Throttle', () => {
  it('fires at once, folds a burst into one call at the end of the interval, per key', () => {
    vi.useFakeTimers();
    try {
      const fired: string[] = [];
      const throttle = new Throttle(1000, (key) => fired.push(key));
      throttle.call('a');
      throttle.call('a');
      throttle.call('a');
      throttle.call('b');
      expect(fired).toEqual(['a', 'b']);
      vi.advanceTimersByTime(999);
      expect(fired).toEqual(['a', 'b']);
      vi.advanceTimersByTime(1);
      expect(fired).toEqual(['a', 'b', 'a']);
      vi.advanceTimersByTime(5000);
      expect(fired).toEqual(['a', 'b', 'a']);
      throttle.call('a');
      expect(fired).toEqual(['a', 'b', 'a', 'a']);
      throttle.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('wallboard', () => {
  it('counts a scripted day exactly: queue, agents, in progress, offered, answered within target, abandoned, service level', async () => {
    // Settings: the workspace target is 20 s; the second team's own target is 120 s.
    const settings = await ws.clients.admin.patch(api(''), { serviceLevelTargetSeconds: 20, defaultCapacities: { widget: 4 } });
    expect(settings.status).toBe(200);
    expect(settings.body.settings).toEqual({
      serviceLevelTargetSeconds: 20,
      defaultCapacities: { widget: 4, email: 20, sms: 5, wechat: 5, wecom: 5, api: 5, voice: 1 },
      queueWeights: { vip: 100, urgent: 30, high: 20, normal: 10, low: 0 },
      presenceOnLogin: 'remember',
      presenceGraceSeconds: null,
    });
    const t2 = await ws.clients.supervisor.post(api('/teams'), { name: '技术支持' });
    expect((await ws.clients.supervisor.patch(api(`/teams/${t2.body.id}`), { serviceLevelTargetSeconds: 120 })).body).toMatchObject({
      serviceLevelTargetSeconds: 120,
    });
    const t1 = ws.teamId;
    await ws.clients.admin.put(api(`/teams/${t2.body.id}/members/${ws.users.supervisor.id}`), { proficiency: 3 });
    await ws.clients.admin.put(api(`/teams/${t2.body.id}/members/${ws.users.admin.id}`), { proficiency: 3 });
    // Nobody is online, so the router leaves the script alone: the agent is busy, the supervisor away, the admin never set.
    expect((await ws.clients.agent.put(api('/presence/me'), { status: 'busy' })).status).toBe(200);
    expect((await ws.clients.supervisor.put(api('/presence/me'), { status: 'away' })).status).toBe(200);

    const inbox = await getInbox(server.ctx.db, ws.workspaceId, ws.ids.inbox!);
    const arrive = async (index: number) =>
      (
        await receiveInbound(server.ctx.db, {
          inbox,
          identity: { kind: 'email', value: `wall-${index}@example.test` },
          idempotencyKey: randomUUID(),
          text: `问题 ${index}`,
        })
      ).conversation.id;
    const c0 = ws.ids.conversation!; // the fixture's: still waiting, for 90 s
    const [c1, c2, c3, c4, c5, c6] = [await arrive(1), await arrive(2), await arrive(3), await arrive(4), await arrive(5), await arrive(6)];
    const agent = ws.users.agent.id;
    const assign = (id: string, state: string, waitedMs: number, at = 'now()') =>
      Promise.all([
        sql(`UPDATE conversations SET state = $2, assignee_id = $3 WHERE id = $1`, [id, state, agent]),
        sql(
          `INSERT INTO routing_events (workspace_id, type, conversation_id, user_id, team_id, details, created_at)
           SELECT workspace_id, 'assigned', id, $2, team_id, jsonb_build_object('waitedMs', $3::int), ${at} FROM conversations WHERE id = $1`,
          [id, agent, waitedMs],
        ),
      ]);
    await sql(`UPDATE conversations SET queued_at = now() - interval '90 seconds' WHERE id = $1`, [c0]);
    await assign(c1, 'assigned', 5_000); // team 1, within 20 s, in progress
    await assign(c1, 'assigned', 300_000); // re-assigned later today: still answered once, judged by the first
    await assign(c2, 'resolved', 45_000); // team 1, late, resolved
    await sql(`UPDATE conversations SET state = 'resolved' WHERE id = $1`, [c3]);
    await sql(
      `INSERT INTO routing_events (workspace_id, type, conversation_id, team_id, details) VALUES ($1, 'abandoned', $2, $3, '{"reason":"customer_ended"}')`,
      [ws.workspaceId, c3, t1],
    );
    for (const id of [c4, c5]) {
      await sql(`UPDATE conversations SET team_id = $2 WHERE id = $1`, [id, t2.body.id]);
      await sql(`UPDATE routing_events SET team_id = $2 WHERE conversation_id = $1`, [id, t2.body.id]);
    }
    await assign(c4, 'waiting', 45_000); // team 2: within its 120 s, in progress (waiting on the customer)
    await sql(`UPDATE conversations SET queued_at = now() - interval '30 seconds' WHERE id = $1`, [c5]);
    // Yesterday (in Shanghai): offered and answered then, not today.
    await assign(c6, 'resolved', 1_000);
    await sql(
      `UPDATE routing_events SET created_at = (date_trunc('day', now() at time zone 'Asia/Shanghai') at time zone 'Asia/Shanghai') - interval '1 minute' WHERE conversation_id = $1`,
      [c6],
    );

    const board = await ws.clients.supervisor.get(api('/wallboard'));
    expect(board.status).toBe(200);
    expect(board.body).toMatchObject({ timezone: 'Asia/Shanghai', serviceLevelTargetSeconds: 20 });
    const dayStart = new Date(board.body.dayStartedAt);
    // Midnight in Shanghai is 16:00 UTC.
    expect(dayStart.getUTCHours()).toBe(16);
    expect(Date.now() - dayStart.getTime()).toBeLessThan(24 * 3600 * 1000);

    const team1 = board.body.teams.find((team: { teamId: string }) => team.teamId === t1);
    const team2 = board.body.teams.find((team: { teamId: string }) => team.teamId === t2.body.id);
    const { longestWaitSeconds: wait1, ...rest1 } = team1;
    expect(rest1).toEqual({
      teamId: t1,
      name: '售后服务',
      serviceLevelTargetSeconds: 20,
      waiting: 1,
      agents: { online: 0, busy: 1, away: 0, offline: 0 },
      inProgress: 1,
      offered: 4,
      answered: 2,
      answeredWithinTarget: 1,
      abandoned: 1,
      serviceLevel: 0.25,
    });
    expect(wait1).toBeGreaterThanOrEqual(90);
    expect(wait1).toBeLessThan(90 + 60);
    const { longestWaitSeconds: wait2, ...rest2 } = team2;
    expect(rest2).toEqual({
      teamId: t2.body.id,
      name: '技术支持',
      serviceLevelTargetSeconds: 120,
      waiting: 1,
      agents: { online: 0, busy: 0, away: 1, offline: 1 },
      inProgress: 1,
      offered: 2,
      answered: 1,
      answeredWithinTarget: 1,
      abandoned: 0,
      serviceLevel: 0.5,
    });
    expect(wait2).toBeGreaterThanOrEqual(30);
    expect(wait2).toBeLessThan(wait1);
    const { longestWaitSeconds: waitAll, ...overall } = board.body.overall;
    expect(overall).toEqual({
      waiting: 2,
      agents: { online: 0, busy: 1, away: 1, offline: 1 },
      inProgress: 2,
      offered: 6,
      answered: 3,
      answeredWithinTarget: 2,
      abandoned: 1,
      serviceLevel: 2 / 6,
    });
    expect(waitAll).toBe(wait1);

    // Agents only see it refused; the agent list shows presence, time in it and load against capacity.
    expect((await ws.clients.agent.get(api('/wallboard'))).status).toBe(403);
    expect((await ws.clients.admin.put(api(`/members/${agent}/capacity`), { channel: 'widget', capacity: 2 })).status).toBe(204);
    const agents = await ws.clients.supervisor.get(api('/agents'));
    expect(agents.status).toBe(200);
    const row = agents.body.items.find((item: { userId: string }) => item.userId === agent);
    expect(row).toMatchObject({ role: 'agent', status: 'busy', teamIds: [t1], activeConversations: 2 });
    expect(row.secondsInStatus).toBeGreaterThanOrEqual(0);
    expect(row.load.find((item: { channel: string }) => item.channel === 'widget')).toEqual({ channel: 'widget', active: 2, capacity: 2 });
    expect(row.load.find((item: { channel: string }) => item.channel === 'email')).toEqual({ channel: 'email', active: 0, capacity: 20 });
    const admin = agents.body.items.find((item: { userId: string }) => item.userId === ws.users.admin.id);
    expect(admin).toMatchObject({ status: 'offline', statusSince: null, secondsInStatus: null, activeConversations: 0 });
    expect(admin.load.find((item: { channel: string }) => item.channel === 'widget').capacity).toBe(4);
    const ofTeam2 = await ws.clients.supervisor.get(api(`/agents?teamId=${t2.body.id}`));
    expect(ofTeam2.body.items.map((item: { userId: string }) => item.userId).sort()).toEqual(
      [ws.users.admin.id, ws.users.supervisor.id].sort(),
    );
    expect((await ws.clients.supervisor.get(api(`/agents?teamId=${randomUUID()}`))).status).toBe(404);
  });

  it('pushes wallboard:changed to supervisors (not agents) when presence or the queue changes', async () => {
    const supervisorSocket = await connectSocket(`${server.url}/agent`, { extraHeaders: { cookie: ws.clients.supervisor.cookie ?? '' } });
    const agentSocket = await connectSocket(`${server.url}/agent`, { extraHeaders: { cookie: ws.clients.agent.cookie ?? '' } });
    const supervisorEvents = new EventInbox(supervisorSocket, ['wallboard:changed']);
    const agentEvents = new EventInbox(agentSocket, ['wallboard:changed']);
    try {
      expect((await ws.clients.agent.put(api('/presence/me'), { status: 'online' })).status).toBe(200);
      const event = await supervisorEvents.waitFor('wallboard:changed', (payload) => payload.workspaceId === ws.workspaceId);
      expect(typeof event.at).toBe('string');
      // The agent going online lets the router assign; the board now shows them online.
      const board = await ws.clients.supervisor.get(api('/wallboard'));
      expect(board.body.overall.agents.online).toBe(1);
      expect(agentEvents.of('wallboard:changed')).toEqual([]);
    } finally {
      supervisorSocket.close();
      agentSocket.close();
    }
  });
});
