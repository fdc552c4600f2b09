import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../support/database.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let ws: WorkspaceFixture;
let base: string;

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'cal');
  base = `/api/v1/workspaces/${ws.workspaceId}/calendars`;
});
afterAll(() => server?.stop());

const officeHours = {
  timezone: 'Asia/Shanghai',
  weekly: {
    mon: [
      ['09:00', '12:00'],
      ['13:00', '18:00'],
    ],
    tue: [['09:00', '18:00']],
    wed: [['09:00', '18:00']],
    thu: [['09:00', '18:00']],
    fri: [['09:00', '18:00']],
  },
};

/** Two days of 春节 as a multi-day all-day event, 元旦 yearly, a one-off day, and a timed meeting that is not a holiday. */
const ics = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Huiliu test//holidays//ZH',
  'BEGIN:VEVENT',
  'UID:spring-festival-2027@example.com',
  'DTSTAMP:20261201T000000Z',
  'DTSTART;VALUE=DATE:20270206',
  'DTEND;VALUE=DATE:20270209',
  'SUMMARY:春节',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:new-year@example.com',
  'DTSTAMP:20261201T000000Z',
  'DTSTART;VALUE=DATE:20270101',
  'DTEND;VALUE=DATE:20270102',
  'RRULE:FREQ=YEARLY',
  'SUMMARY:元旦',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:company-day@example.com',
  'DTSTAMP:20261201T000000Z',
  'DTSTART;VALUE=DATE:20261218',
  'SUMMARY:公司年会',
  'END:VEVENT',
  'BEGIN:VEVENT',
  'UID:meeting@example.com',
  'DTSTAMP:20261201T000000Z',
  'DTSTART:20261216T060000Z',
  'DTEND:20261216T070000Z',
  'SUMMARY:例会',
  'END:VEVENT',
  'END:VCALENDAR',
].join('\r\n');

describe('business calendars', () => {
  it('creates a calendar and answers business-time questions in its zone', async () => {
    const created = await ws.clients.admin.post(base, { name: '客服中心', ...officeHours });
    expect(created.status).toBe(201);
    expect(created.body.holidays).toEqual([]);
    // Monday 2026-12-07 17:30 Shanghai + 60 business minutes → Tuesday 09:30.
    const answer = await ws.clients.agent.get(`${base}/${created.body.id}/business-time?from=2026-12-07T17:30:00%2B08:00&minutes=60`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ due: '2026-12-08T01:30:00.000Z', openNow: true, minutes: null });
    const between = await ws.clients.agent.get(
      `${base}/${created.body.id}/business-time?from=2026-12-07T11:30:00%2B08:00&to=2026-12-07T13:30:00%2B08:00`,
    );
    expect(between.body).toMatchObject({ minutes: 60, due: null });
  });

  it('imports holidays from an iCalendar file, idempotently, and the arithmetic honours them', async () => {
    const created = await ws.clients.admin.post(base, { name: '含节假日', ...officeHours });
    const imported = await ws.clients.admin.post(`${base}/${created.body.id}/holidays/import`, { ics });
    expect(imported.status).toBe(200);
    expect(imported.body.imported).toBe(3);
    expect(imported.body.skipped).toEqual([{ summary: '例会', reason: 'not an all-day event' }]);
    expect(imported.body.calendar.holidays).toEqual([
      { kind: 'range', name: '春节', from: '2027-02-06', to: '2027-02-08' },
      { kind: 'yearly', name: '元旦', month: 1, day: 1 },
      { kind: 'date', name: '公司年会', date: '2026-12-18' },
    ]);
    const again = await ws.clients.admin.post(`${base}/${created.body.id}/holidays/import`, { ics });
    expect(again.body.imported).toBe(0);
    expect(again.body.calendar.holidays).toHaveLength(3);

    // Thursday 2026-12-17 17:30 + 60: Friday the 18th is the company day → Monday 21st 09:30.
    const answer = await ws.clients.agent.get(`${base}/${created.body.id}/business-time?from=2026-12-17T17:30:00%2B08:00&minutes=60`);
    expect(answer.body.due).toBe('2026-12-21T01:30:00.000Z');
  });

  it('refuses bad calendars and bad files with a reason, changing nothing', async () => {
    const before = await fingerprint(server.database.url);
    const bad = [
      { name: 'x', timezone: 'Mars/Olympus', weekly: {} },
      { name: 'x', timezone: 'Asia/Shanghai', weekly: { mon: [['9:00', '18:00']] } },
      { name: 'x', timezone: 'Asia/Shanghai', weekly: { mon: [['24:00', '06:00']] } },
      { name: 'x', timezone: 'Asia/Shanghai', weekly: { funday: [['09:00', '18:00']] } },
      { name: 'x', timezone: 'Asia/Shanghai', weekly: {}, holidays: [{ kind: 'date', date: '2026-02-30' }] },
      { name: 'x', timezone: 'Asia/Shanghai', weekly: {}, holidays: [{ kind: 'range', from: '2026-10-07', to: '2026-10-01' }] },
      { name: 'x', timezone: 'Asia/Shanghai', weekly: {}, holidays: [{ kind: 'yearly', month: 13, day: 1 }] },
    ];
    for (const body of bad) {
      const response = await ws.clients.admin.post(base, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.message).toBeTruthy();
    }
    const duplicate = await ws.clients.admin.post(base, { name: `工作日 cal`, ...officeHours });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.message).toContain('calendar with this name');
    for (const file of ['not a calendar', 'BEGIN:VEVENT\r\nEND:VEVENT', 'BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:2027']) {
      const response = await ws.clients.admin.post(`${base}/${ws.ids.calendar}/holidays/import`, { ics: file });
      expect(response.status, file).toBe(422);
      expect(response.body.error.code).toBe('invalid_ical');
    }
    for (const query of ['from=2026-12-07', 'from=2026-12-07T10:00:00Z&minutes=-5', 'minutes=abc', 'to=tomorrow']) {
      const response = await ws.clients.agent.get(`${base}/${ws.ids.calendar}/business-time?${query}`);
      expect(response.status, query).toBe(400);
    }
    const now = await ws.clients.agent.get(`${base}/${ws.ids.calendar}/business-time`);
    expect(now.status).toBe(200);
    expect(typeof now.body.openNow).toBe('boolean');
    expect(await fingerprint(server.database.url)).toEqual(before);
  });

  it('lets agents read calendars but not change them', async () => {
    expect((await ws.clients.agent.get(base)).status).toBe(200);
    expect((await ws.clients.agent.post(base, { name: '代理建的', ...officeHours })).status).toBe(403);
    expect((await ws.clients.agent.patch(`${base}/${ws.ids.calendar}`, { name: '改名' })).status).toBe(403);
    expect((await ws.clients.supervisor.patch(`${base}/${ws.ids.calendar}`, { description: '主管可以改' })).status).toBe(200);
  });
});
