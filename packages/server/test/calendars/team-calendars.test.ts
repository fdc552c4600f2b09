import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teamOpenNow } from '../../src/modules/routing/closed-reply.js';
import { emitAck, startVisitor } from '../support/chat.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

const allDays = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, [['00:00', '24:00']]]));
const shanghaiDate = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(at);

/** Teams on shared business calendars: routing asks the team's calendar, holidays and all. */
describe('teams on business calendars', () => {
  let server: TestServer;
  let ws: WorkspaceFixture;
  let other: WorkspaceFixture;
  const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;

  beforeAll(async () => {
    server = await startTestServer();
    ws = await createWorkspaceFixture(server.ctx.db, server.url, 'teamcal');
    other = await createWorkspaceFixture(server.ctx.db, server.url, 'teamcal-other');
  });
  afterAll(() => server?.stop());

  it("PATCH businessHours still works: it writes the team's own calendar, named after the team", async () => {
    // The name the team's calendar would get is taken already.
    const taken = await ws.clients.admin.post(api('/calendars'), { name: '售后服务 营业时间', timezone: 'UTC', weekly: {} });
    expect(taken.status).toBe(201);
    const hours = { timezone: 'Asia/Shanghai', weekly: { mon: [['09:00', '18:00']] }, holidays: ['2026-10-01'] };
    const patched = await ws.clients.admin.patch(api(`/teams/${ws.teamId}`), { businessHours: hours });
    expect(patched.status).toBe(200);
    expect(patched.body.businessHours).toEqual(hours);
    const calendar = await ws.clients.admin.get(api(`/calendars/${patched.body.calendarId}`));
    expect(calendar.body).toMatchObject({
      name: '售后服务 营业时间 (2)',
      timezone: 'Asia/Shanghai',
      weekly: { mon: [['09:00', '18:00']] },
      holidays: [{ kind: 'date', date: '2026-10-01' }],
    });

    // The calendar gets a yearly date of its own; the team's hours edited again keep it.
    await ws.clients.admin.patch(api(`/calendars/${calendar.body.id}`), {
      holidays: [...calendar.body.holidays, { kind: 'yearly', name: '元旦', month: 1, day: 1 }],
    });
    const again = await ws.clients.admin.patch(api(`/teams/${ws.teamId}`), {
      businessHours: { timezone: 'Asia/Shanghai', weekly: { tue: [['10:00', '17:00']] }, holidays: ['2026-12-25'] },
    });
    expect(again.body.calendarId).toBe(calendar.body.id);
    expect(again.body.businessHours).toEqual({
      timezone: 'Asia/Shanghai',
      weekly: { tue: [['10:00', '17:00']] },
      holidays: ['2026-12-25'],
    });
    expect((await ws.clients.admin.get(api(`/calendars/${calendar.body.id}`))).body.holidays).toEqual([
      { kind: 'yearly', name: '元旦', month: 1, day: 1 },
      { kind: 'date', name: '', date: '2026-12-25' },
    ]);

    // null: always open again; the calendar stays for whoever else uses it.
    const open = await ws.clients.admin.patch(api(`/teams/${ws.teamId}`), { businessHours: null });
    expect(open.body).toMatchObject({ calendarId: null, businessHours: null });
    expect((await ws.clients.admin.get(api(`/calendars/${calendar.body.id}`))).status).toBe(200);
  });

  it('a team picks a shared calendar; a used calendar cannot be deleted; bad references are refused', async () => {
    const shared = await ws.clients.admin.post(api('/calendars'), { name: '客服中心', timezone: 'Asia/Shanghai', weekly: allDays });
    const created = await ws.clients.admin.post(api('/teams'), { name: '售前咨询', calendarId: shared.body.id });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ calendarId: shared.body.id, businessHours: { timezone: 'Asia/Shanghai', weekly: allDays } });
    const picked = await ws.clients.admin.patch(api(`/teams/${ws.teamId}`), { calendarId: shared.body.id });
    expect(picked.body.calendarId).toBe(shared.body.id);

    const refused = await ws.clients.admin.delete(api(`/calendars/${shared.body.id}`));
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/used by a team/);

    const foreign = await other.clients.admin.post(`/api/v1/workspaces/${other.workspaceId}/calendars`, {
      name: '别人的',
      timezone: 'UTC',
      weekly: {},
    });
    expect((await ws.clients.admin.patch(api(`/teams/${ws.teamId}`), { calendarId: foreign.body.id })).status).toBe(404);
    expect((await ws.clients.admin.post(api('/teams'), { name: '三线', calendarId: foreign.body.id })).status).toBe(404);
    const both = await ws.clients.admin.patch(api(`/teams/${ws.teamId}`), {
      calendarId: shared.body.id,
      businessHours: { timezone: 'UTC', weekly: {} },
    });
    expect(both.status).toBe(422);
    expect((await ws.clients.admin.get(api(`/teams/${ws.teamId}`))).body.calendarId).toBe(shared.body.id);

    // Nobody uses it any more: now it can go.
    await ws.clients.admin.patch(api(`/teams/${ws.teamId}`), { calendarId: null });
    await ws.clients.admin.patch(api(`/teams/${created.body.id}`), { calendarId: null });
    expect((await ws.clients.admin.delete(api(`/calendars/${shared.body.id}`))).status).toBe(204);
  });

  it("routing honours the calendar's holidays: closed on 国庆, open the day after", async () => {
    const calendar = await ws.clients.admin.post(api('/calendars'), {
      name: '全天候',
      timezone: 'Asia/Shanghai',
      weekly: allDays,
      holidays: [{ kind: 'range', name: '国庆', from: '2026-10-01', to: '2026-10-07' }],
    });
    await ws.clients.admin.patch(api(`/teams/${ws.teamId}`), { calendarId: calendar.body.id });
    const { db } = server.ctx;
    expect(await teamOpenNow(db, ws.teamId, new Date('2026-10-03T04:00:00Z'))).toBe(false);
    expect(await teamOpenNow(db, ws.teamId, new Date('2026-10-08T04:00:00Z'))).toBe(true);
    expect(await teamOpenNow(db, ws.teamId, new Date('2026-09-30T15:59:00Z'))).toBe(true); // 23:59 on 30 September

    // Today a holiday: the widget shows offline, and a customer gets the closed-hours reply.
    await ws.clients.admin.patch(api(`/calendars/${calendar.body.id}`), {
      holidays: [{ kind: 'date', name: '临时休息', date: shanghaiDate(new Date()) }],
    });
    const inbox = await ws.clients.admin.get(api(`/inboxes/${ws.ids.inbox}`));
    const config = (await (await fetch(`${server.url}/api/v1/widget/config?inboxKey=${inbox.body.publicKey}`)).json()) as {
      online: boolean;
      opensAt: string;
    };
    expect(config.online).toBe(false);
    expect(shanghaiDate(new Date(config.opensAt))).not.toBe(shanghaiDate(new Date()));
    const visitor = await startVisitor(server.url, inbox.body.publicKey);
    await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '今天上班吗？' });
    const reply = await visitor.inbox.waitFor('message', (event) => event.message.kind === 'out');
    expect(reply.message.text).toMatch(/非工作时间/);
    visitor.socket.close();

    // The holiday removed: open again.
    await ws.clients.admin.patch(api(`/calendars/${calendar.body.id}`), { holidays: [] });
    const reopened = (await (await fetch(`${server.url}/api/v1/widget/config?inboxKey=${inbox.body.publicKey}`)).json()) as {
      opensAt: string | null;
    };
    expect(reopened.opensAt).toBeNull();
  });
});
