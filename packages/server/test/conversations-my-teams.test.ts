import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveInbound } from '../src/modules/conversations/inbound.js';
import { getInbox } from '../src/modules/inboxes/service.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'myteams');
});
afterAll(() => server?.stop());

describe('the "my teams" conversation view (teamId=mine)', () => {
  it('lists the conversations of the teams the caller belongs to, and nothing for someone in no team', async () => {
    // The fixture's agent is in its team; the supervisor joins a second one; the admin is in none.
    const second = await ws.clients.supervisor.post(api('/teams'), { name: '第二小组' });
    expect(second.status).toBe(201);
    expect((await ws.clients.admin.put(api(`/teams/${second.body.id}/members/${ws.users.supervisor.id}`), { proficiency: 3 })).status).toBe(
      200,
    );

    const inbox = await getInbox(server.ctx.db, ws.workspaceId, ws.ids.inbox!);
    const arrive = async (text: string) =>
      (
        await receiveInbound(server.ctx.db, {
          inbox,
          identity: { kind: 'email', value: `${randomUUID()}@example.test` },
          idempotencyKey: randomUUID(),
          text,
        })
      ).conversation.id;
    const [ofFirst, ofSecond, ofNone] = [await arrive('一队的'), await arrive('二队的'), await arrive('没有队的')];
    expect((await ws.clients.admin.post(api(`/conversations/${ofFirst}/transfer`), { teamId: ws.teamId })).status).toBe(200);
    expect((await ws.clients.admin.post(api(`/conversations/${ofSecond}/transfer`), { teamId: second.body.id })).status).toBe(200);
    // The fixture's inbox files arrivals under its team: take this one out of every team.
    const noTeam = await ws.clients.admin.post(api(`/conversations/${ofNone}/assign`), { assigneeId: null, teamId: null });
    expect(noTeam.body.teamId).toBeNull();

    const ids = async (client: (typeof ws.clients)['admin'], query: string) => {
      const answer = await client.get(api(`/conversations?${query}`));
      expect(answer.status).toBe(200);
      return (answer.body.items as { id: string; teamId: string | null }[]).map((item) => item.id);
    };
    const agentSees = await ids(ws.clients.agent, 'teamId=mine');
    expect(agentSees).toContain(ofFirst);
    expect(agentSees).not.toContain(ofSecond);
    expect(agentSees).not.toContain(ofNone);
    const supervisorSees = await ids(ws.clients.supervisor, 'teamId=mine');
    expect(supervisorSees).toContain(ofSecond);
    expect(supervisorSees).not.toContain(ofFirst);
    expect(supervisorSees).not.toContain(ofNone);
    // Every conversation listed really is of one of the caller's teams.
    const listed = await ws.clients.agent.get(api('/conversations?teamId=mine'));
    expect(listed.body.items.every((item: { teamId: string | null }) => item.teamId === ws.teamId)).toBe(true);
    // Combined with the other filters.
    expect(await ids(ws.clients.agent, 'teamId=mine&state=resolved')).toEqual([]);
    // No team, no conversations: the admin, and an API token, which is nobody's.
    expect(await ids(ws.clients.admin, 'teamId=mine')).toEqual([]);
    expect(await ids(ws.tokenClients.admin, 'teamId=mine')).toEqual([]);
    // A plain team id still works, and anything else is refused with a reason.
    expect(await ids(ws.clients.admin, `teamId=${second.body.id}`)).toEqual([ofSecond]);
    const bad = await ws.clients.agent.get(api('/conversations?teamId=ours'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/teamId/);
  });
});
