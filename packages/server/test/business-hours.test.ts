import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOpen, nextOpening, type BusinessHours } from '../src/modules/routing/business-hours.js';
import { emitAck, startVisitor } from './support/chat.js';
import { createWorkspaceFixture, type WorkspaceFixture } from './support/fixtures.js';
import { startTestServer, type TestServer } from './support/server.js';

const shanghai: BusinessHours = {
  timezone: 'Asia/Shanghai',
  weekly: {
    mon: [
      ['09:00', '12:00'],
      ['13:30', '18:00'],
    ],
    tue: [['09:00', '18:00']],
    sat: [['10:00', '16:00']],
  },
  holidays: ['2026-10-01'],
};
// 2026-11-23 is a Monday. 01:00 UTC = 09:00 in Shanghai.
const utc = (iso: string) => new Date(`${iso}Z`);

describe('business hours in the team’s time zone', () => {
  it('open and closed by weekly intervals, lunch breaks and holidays', () => {
    expect(isOpen(shanghai, utc('2026-11-23T01:00:00'))).toBe(true); // Mon 09:00
    expect(isOpen(shanghai, utc('2026-11-23T00:59:00'))).toBe(false); // Mon 08:59
    expect(isOpen(shanghai, utc('2026-11-23T04:30:00'))).toBe(false); // Mon 12:30, lunch
    expect(isOpen(shanghai, utc('2026-11-23T05:30:00'))).toBe(true); // Mon 13:30
    expect(isOpen(shanghai, utc('2026-11-23T10:00:00'))).toBe(false); // Mon 18:00
    expect(isOpen(shanghai, utc('2026-11-25T02:00:00'))).toBe(false); // Wednesday: no hours
    expect(isOpen(shanghai, utc('2026-10-01T02:00:00'))).toBe(false); // Thursday holiday
    expect(isOpen(null)).toBe(true);
  });

  it('tells when it opens next', () => {
    expect(nextOpening(shanghai, utc('2026-11-23T04:30:00'))?.toISOString()).toBe('2026-11-23T05:30:00.000Z'); // after lunch
    expect(nextOpening(shanghai, utc('2026-11-24T11:00:00'))?.toISOString()).toBe('2026-11-28T02:00:00.000Z'); // Tue 19:00 → Sat 10:00
    expect(nextOpening({ timezone: 'Asia/Shanghai', weekly: {}, holidays: [] }, utc('2026-11-24T11:00:00'))).toBeNull();
  });
});

describe('a closed team', () => {
  let server: TestServer;
  let ws: WorkspaceFixture;
  beforeAll(async () => {
    server = await startTestServer();
    ws = await createWorkspaceFixture(server.ctx.db, server.url, 'hours');
  });
  afterAll(() => server?.stop());

  it('shows the widget as offline with the opening time, and answers a customer with when to expect a reply', async () => {
    // Open only on a day that is not today (in Shanghai), so the team is closed now.
    const today = new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', weekday: 'short' })
      .format(new Date())
      .slice(0, 3)
      .toLowerCase();
    const other = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].find((day) => day !== today)!;
    const patched = await ws.clients.admin.patch(`/api/v1/workspaces/${ws.workspaceId}/teams/${ws.teamId}`, {
      businessHours: { timezone: 'Asia/Shanghai', weekly: { [other]: [['09:00', '18:00']] } },
    });
    expect(patched.status).toBe(200);
    expect(
      (
        await ws.clients.admin.patch(`/api/v1/workspaces/${ws.workspaceId}/teams/${ws.teamId}`, {
          businessHours: { timezone: 'Mars/Base', weekly: {} },
        })
      ).status,
    ).toBe(400);

    const inbox = await ws.clients.admin.get(`/api/v1/workspaces/${ws.workspaceId}/inboxes/${ws.ids.inbox}`);
    const config = (await (await fetch(`${server.url}/api/v1/widget/config?inboxKey=${inbox.body.publicKey}`)).json()) as {
      online: boolean;
      opensAt: string;
    };
    expect(config.online).toBe(false);
    expect(new Date(config.opensAt).getTime()).toBeGreaterThan(Date.now());

    const visitor = await startVisitor(server.url, inbox.body.publicKey);
    const sent = await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '周末能发货吗？' });
    const reply = await visitor.inbox.waitFor('message', (event) => event.message.kind === 'out');
    expect(reply.message.text).toMatch(/非工作时间.*上班后尽快回复您/);
    expect(reply.message.senderType).toBe('system');
    // One automatic reply per conversation, however often the customer writes.
    await emitAck(visitor.socket, 'message:send', { clientMessageId: randomUUID(), text: '在吗？' });
    const timeline = await ws.clients.agent.get(`/api/v1/workspaces/${ws.workspaceId}/conversations/${sent.data.conversation.id}/messages`);
    expect(timeline.body.items.filter((item: { kind: string }) => item.kind === 'out')).toHaveLength(1);
    visitor.socket.close();
  });
});
