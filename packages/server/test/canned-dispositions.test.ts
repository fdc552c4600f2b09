import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'canned');
});
afterAll(() => server?.stop());

describe('canned responses', () => {
  it('supervisors manage them; shortcuts are unique per workspace; agents read but cannot write', async () => {
    const created = await ws.clients.supervisor.post(api('/canned-responses'), {
      shortcut: 'Refund',
      title: '退款说明',
      text: '退款将在 1–3 个工作日内原路退回。',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ shortcut: 'refund', teamId: null });
    const duplicate = await ws.clients.admin.post(api('/canned-responses'), { shortcut: 'REFUND', title: 'x', text: 'y' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.message).toBe('a canned response with this shortcut already exists');
    expect((await ws.clients.agent.post(api('/canned-responses'), { shortcut: 'x', title: 'x', text: 'y' })).status).toBe(403);

    const changed = await ws.clients.supervisor.patch(api(`/canned-responses/${created.body.id}`), { title: '退款时效' });
    expect(changed.body).toMatchObject({ title: '退款时效', shortcut: 'refund' });
    expect((await ws.clients.agent.get(api(`/canned-responses/${created.body.id}`))).body.title).toBe('退款时效');
    expect((await ws.clients.supervisor.delete(api(`/canned-responses/${created.body.id}`))).status).toBe(204);
    expect((await ws.clients.agent.get(api(`/canned-responses/${created.body.id}`))).status).toBe(404);

    // Each change is in the audit log, by whom, with what it was and became; refused ones are not.
    const audit = await ws.clients.admin.get(api(`/audit-log?targetType=canned_response`));
    const entries = (audit.body.items as { action: string; targetId: string; actorUserId: string; before: any; after: any }[]).filter(
      (entry) => entry.targetId === created.body.id,
    );
    expect(entries.map((entry) => entry.action)).toEqual(['canned_response.delete', 'canned_response.update', 'canned_response.create']);
    expect(entries.every((entry) => entry.actorUserId === ws.users.supervisor.id)).toBe(true);
    expect(entries.map((entry) => [entry.before?.title ?? null, entry.after?.title ?? null])).toEqual([
      ['退款时效', null],
      ['退款说明', '退款时效'],
      [null, '退款说明'],
    ]);
  });

  it('search finds shortcut, title or text; team-scoped responses are seen only by that team’s agents', async () => {
    const otherTeam = await ws.clients.admin.post(api('/teams'), { name: '技术支持' });
    const mk = (body: Record<string, unknown>) => ws.clients.admin.post(api('/canned-responses'), body);
    const plain = await mk({ shortcut: 'ship', title: '发货时间', text: '付款后 24 小时内发货' });
    const mine = await mk({ shortcut: 'track', title: '物流查询', text: '请提供订单号', teamId: ws.teamId });
    const theirs = await mk({ shortcut: 'reset', title: '设备重置', text: '长按电源键 10 秒', teamId: otherTeam.body.id });
    for (const response of [plain, mine, theirs]) expect(response.status).toBe(201);

    const ids = (body: { items: { id: string }[] }) => body.items.map((item) => item.id);
    const asAgent = await ws.clients.agent.get(api('/canned-responses?limit=200'));
    expect(ids(asAgent.body)).toEqual(expect.arrayContaining([plain.body.id, mine.body.id]));
    expect(ids(asAgent.body)).not.toContain(theirs.body.id);
    expect((await ws.clients.agent.get(api(`/canned-responses/${theirs.body.id}`))).status).toBe(404);
    expect(ids((await ws.clients.supervisor.get(api('/canned-responses?limit=200'))).body)).toContain(theirs.body.id);

    expect(ids((await ws.clients.agent.get(api(`/canned-responses?q=${encodeURIComponent('24 小时')}`))).body)).toEqual([plain.body.id]);
    expect(ids((await ws.clients.agent.get(api('/canned-responses?q=TRA'))).body)).toEqual([mine.body.id]);
    expect(ids((await ws.clients.agent.get(api(`/canned-responses?q=${encodeURIComponent('物流')}`))).body)).toEqual([mine.body.id]);
    expect((await ws.clients.agent.get(api('/canned-responses?q=%25'))).body.items).toEqual([]);
    const teamFilter = await ws.clients.admin.get(api(`/canned-responses?teamId=${otherTeam.body.id}&limit=200`));
    expect(ids(teamFilter.body)).toContain(theirs.body.id);
    expect(ids(teamFilter.body)).not.toContain(mine.body.id);

    // Pages follow each other without overlap.
    const first = await ws.clients.admin.get(api('/canned-responses?limit=2'));
    const second = await ws.clients.admin.get(api(`/canned-responses?limit=2&cursor=${first.body.nextCursor}`));
    expect(first.body.items).toHaveLength(2);
    expect(ids(second.body).some((id) => ids(first.body).includes(id))).toBe(false);
  });

  it('renders variables for a conversation and the calling agent; unknown variables stay visible', async () => {
    await ws.clients.admin.patch(api(`/customers/${ws.ids.customer}`), { name: '王芳' });
    const conversation = await ws.clients.admin.get(api(`/conversations/${ws.ids.conversation}`));
    const created = await ws.clients.admin.post(api('/canned-responses'), {
      shortcut: 'greet',
      title: '问候',
      text: '{{customer.name}}您好，我是{{agent.name}}（{{customer.email}}，{{customer.phone}}），会话 #{{conversation.number}} {{order.id}}',
    });
    const rendered = await ws.clients.agent.post(api(`/canned-responses/${created.body.id}/render`), {
      conversationId: ws.ids.conversation,
    });
    expect(rendered.status).toBe(200);
    expect(rendered.body).toEqual({
      text: `王芳您好，我是agent canned（customer-canned@example.test，），会话 #${conversation.body.number} {{order.id}}`,
      unknownVariables: ['order.id'],
    });
    const unknown = await ws.clients.agent.post(api(`/canned-responses/${created.body.id}/render`), { conversationId: randomUUID() });
    expect(unknown.status).toBe(404);
  });
});

describe('disposition codes and the wrap-up', () => {
  it('resolve needs an enabled code of the workspace when it names one; without one it still works', async () => {
    const codes = await ws.clients.agent.get(api('/disposition-codes'));
    expect(codes.body.items.map((item: { code: string }) => item.code)).toEqual(['已解答']);
    expect((await ws.clients.agent.post(api('/disposition-codes'), { code: 'x', label: 'x' })).status).toBe(403);
    const refund = await ws.clients.supervisor.post(api('/disposition-codes'), { code: 'refund', label: '退款' });
    expect(refund.status).toBe(201);
    expect((await ws.clients.supervisor.post(api('/disposition-codes'), { code: 'refund', label: '重复' })).status).toBe(409);
    expect((await ws.clients.supervisor.patch(api(`/disposition-codes/${refund.body.id}`), { enabled: false })).body.enabled).toBe(false);
    expect(
      (await ws.clients.agent.get(api('/disposition-codes?enabled=true'))).body.items.map((item: { code: string }) => item.code),
    ).toEqual(['已解答']);
    expect(
      (await ws.clients.agent.get(api('/disposition-codes?enabled=false'))).body.items.map((item: { code: string }) => item.code),
    ).toEqual(['refund']);

    const conversationId = ws.ids.conversation!;
    const disabled = await ws.clients.agent.post(api(`/conversations/${conversationId}/resolve`), { disposition: 'refund' });
    expect(disabled.status).toBe(422);
    expect(disabled.body.error.code).toBe('disabled_disposition');
    const unknown = await ws.clients.agent.post(api(`/conversations/${conversationId}/resolve`), { disposition: '不存在' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('unknown_disposition');
    expect((await ws.clients.agent.get(api(`/conversations/${conversationId}`))).body.state).not.toBe('resolved');

    const resolved = await ws.clients.agent.post(api(`/conversations/${conversationId}/resolve`), {
      disposition: '已解答',
      summary: '已告知',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body.state).toBe('resolved');
    await ws.clients.agent.post(api(`/conversations/${conversationId}/reopen`), {});
    const plain = await ws.clients.agent.post(api(`/conversations/${conversationId}/resolve`), {});
    expect(plain.status).toBe(200);
    expect(plain.body.state).toBe('resolved');

    expect((await ws.clients.supervisor.delete(api(`/disposition-codes/${refund.body.id}`))).status).toBe(204);
    expect((await ws.clients.supervisor.delete(api(`/disposition-codes/${refund.body.id}`))).status).toBe(404);
  });
});
