import { StaffingForecastQuery } from '@huiliu/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentsRequired } from '../../src/modules/staffing/erlang.js';
import { historyDays, measureHandling } from '../../src/modules/staffing/history.js';
import { setPresence } from '../../src/modules/routing/presence.js';
import { staffingForecast } from '../../src/modules/staffing/service.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { seedStaffingHistory, STAFFING_DATE } from '../support/staffing-history.js';

let server: TestServer;
let ws: WorkspaceFixture;
let other: WorkspaceFixture;
/** A fixed "now" well after the forecast day: every interval has its actual agents. */
const LATER = new Date('2026-04-01T00:00:00Z');
const api = (fixture: WorkspaceFixture, path: string) => `/api/v1/workspaces/${fixture.workspaceId}${path}`;
const forecast = (query: Record<string, unknown>, now = LATER, fixture = ws) =>
  staffingForecast(server.ctx.db, fixture.workspaceId, StaffingForecastQuery.parse({ date: STAFFING_DATE, ...query }), now);

beforeAll(async () => {
  server = await startTestServer();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'staffing');
  other = await createWorkspaceFixture(server.ctx.db, server.url, 'staffing-other');
  await seedStaffingHistory(server.ctx.db, {
    workspaceId: ws.workspaceId,
    inboxId: ws.ids.inbox!,
    customerId: ws.ids.customer!,
    users: { admin: ws.users.admin.id, supervisor: ws.users.supervisor.id, agent: ws.users.agent.id },
  });
});
afterAll(() => server?.stop());

describe('history days', () => {
  it('are the N same weekdays before the date, and only finished ones for a future date', () => {
    expect(historyDays('2026-03-09', 4, '2026-12-07')).toEqual(['2026-03-02', '2026-02-23', '2026-02-16', '2026-02-09']);
    expect(historyDays('2026-03-23', 3, '2026-03-10')).toEqual(['2026-03-09', '2026-03-02', '2026-02-23']);
    expect(historyDays('2026-03-16', 2, '2026-03-09')).toEqual(['2026-03-02', '2026-02-23']);
  });

  it('concurrency is handle time over the union of each agent’s busy time', () => {
    const spans = [
      { userId: 'a', startMs: 0, endMs: 600_000 },
      { userId: 'a', startMs: 300_000, endMs: 900_000 },
      { userId: 'b', startMs: 0, endMs: 600_000 },
    ];
    // 1,800 s handled; a busy 900 s, b 600 s.
    expect(measureHandling(spans)).toEqual({ ahtSeconds: 600, concurrency: 1800 / 1500 });
  });
});

describe('the forecast on seeded history (2026-03-09, Asia/Shanghai)', () => {
  it('averages the same 30-minute interval over the last four Mondays, per channel', async () => {
    const result = await forecast({ channel: 'widget' });
    expect(result.timezone).toBe('Asia/Shanghai');
    expect(result.intervals).toHaveLength(48);
    expect(result.history).toEqual([
      { date: '2026-03-02', weight: 1, contacts: 11 },
      { date: '2026-02-23', weight: 1, contacts: 6 },
      { date: '2026-02-16', weight: 1, contacts: 4 },
      { date: '2026-02-09', weight: 1, contacts: 2 },
    ]);
    const nine = result.intervals[18]!;
    expect(nine).toMatchObject({ label: '09:00', start: '2026-03-09T01:00:00.000Z', forecastVolume: 5 });
    expect(result.intervals[20]).toMatchObject({ label: '10:00', forecastVolume: 0.75 });
    expect(result.intervals.reduce((sum, item) => sum + item.forecastVolume, 0)).toBeCloseTo(5.75, 6);
    // Every contact was held 600 s; 23 spans of 600 s over 4,080 s of busy time (see the seed).
    expect(result).toMatchObject({ ahtSeconds: 600, ahtSource: 'history', concurrency: 3.38, concurrencySource: 'history' });
    expect(nine.erlangs).toBeCloseTo((5 * 600) / 1800, 4);
    const erlang = agentsRequired({ volume: 5, intervalSeconds: 1800, ahtSeconds: 600, serviceLevel: 0.8, targetSeconds: 20 });
    expect(nine.erlangAgents).toBe(erlang.agents);
    expect(nine.requiredAgents).toBe(Math.ceil(erlang.agents / (13800 / 4080)));
    expect(nine.scheduledAgents).toBe(Math.ceil(erlang.agents / (13800 / 4080) / 0.7));
    expect(result.intervals[3]).toMatchObject({ forecastVolume: 0, erlangAgents: 0, requiredAgents: 0, scheduledAgents: 0 });
    expect(result.notes.join(' ')).toMatch(/approximation/);
  });

  it('weighted: the newest Monday weighs 4, the oldest 1', async () => {
    const result = await forecast({ channel: 'widget', method: 'weighted' });
    expect(result.history.map((day) => day.weight)).toEqual([4, 3, 2, 1]);
    expect(result.intervals[18]!.forecastVolume).toBe(6); // (4·8 + 3·6 + 2·4 + 1·2) ÷ 10
    expect(result.intervals[20]!.forecastVolume).toBe(1.2); // 4·3 ÷ 10
  });

  it('fewer weeks read fewer Mondays', async () => {
    const result = await forecast({ channel: 'widget', weeks: 2 });
    expect(result.intervals[18]!.forecastVolume).toBe(7); // (8 + 6) ÷ 2
  });

  it('voice reproduces the worked example: 100 calls, AHT 180 s, 80/20 → 14 agents, 20 with 30 % shrinkage', async () => {
    const result = await forecast({ channel: 'voice', serviceLevel: 0.8, targetSeconds: 20, shrinkage: 0.3 });
    expect(result).toMatchObject({ ahtSeconds: 180, ahtSource: 'history', concurrency: 1, concurrencySource: 'voice' });
    expect(result.intervals[18]).toMatchObject({
      forecastVolume: 100,
      erlangs: 10,
      erlangAgents: 14,
      probabilityOfWaiting: 0.1741,
      serviceLevel: 0.8884,
      asaSeconds: 7.8,
      requiredAgents: 14,
      scheduledAgents: 20,
    });
    expect(result.notes.join(' ')).not.toMatch(/approximation/);
  });

  it('overrides replace the measured AHT and concurrency', async () => {
    const result = await forecast({ channel: 'widget', ahtSeconds: 360, concurrency: 2, shrinkage: 0 });
    expect(result).toMatchObject({ ahtSeconds: 360, ahtSource: 'override', concurrency: 2, concurrencySource: 'override' });
    const erlang = agentsRequired({ volume: 5, intervalSeconds: 1800, ahtSeconds: 360, serviceLevel: 0.8, targetSeconds: 20 });
    expect(result.intervals[18]!.requiredAgents).toBe(Math.ceil(erlang.agents / 2));
    expect(result.intervals[18]!.scheduledAgents).toBe(Math.ceil(erlang.agents / 2));
  });

  it('actual agents are the time-weighted agents online or busy from the presence history', async () => {
    const result = await forecast({ channel: 'widget' });
    expect(result.intervals[0]!.actualAgents).toBe(1); // the admin, online since the day before
    expect(result.intervals[17]!.actualAgents).toBe(1.33); // + the agent for 10 of 30 minutes
    expect(result.intervals[18]!.actualAgents).toBe(2.5); // admin, agent until 09:15, supervisor busy
    expect(result.intervals[19]!.actualAgents).toBe(2);
    expect(result.intervals[47]!.actualAgents).toBe(2);
  });

  it('an interval not yet begun has no actual; the running one counts up to now', async () => {
    const result = await forecast({ channel: 'widget' }, new Date('2026-03-09T01:15:00Z'));
    expect(result.intervals[18]!.actualAgents).toBe(3);
    expect(result.intervals[19]!.actualAgents).toBeNull();
  });

  it('without a date it forecasts today in the workspace time zone', async () => {
    // 2026-03-08T20:00Z is already Monday 2026-03-09 04:00 in Shanghai.
    const result = await staffingForecast(
      server.ctx.db,
      ws.workspaceId,
      StaffingForecastQuery.parse({ channel: 'voice' }),
      new Date('2026-03-08T20:00:00Z'),
    );
    expect(result.date).toBe(STAFFING_DATE);
    expect(result.intervals[18]!.forecastVolume).toBe(100);
    expect(result.intervals[8]!.actualAgents).toBe(null);
  });

  it('reads the presence events the real presence writer stores', async () => {
    const third = await createWorkspaceFixture(server.ctx.db, server.url, 'staffing-presence');
    await setPresence(server.ctx.db, third.workspaceId, third.users.agent.id, 'online', { chosen: true });
    const [event] = (
      await server.ctx.db.execute(
        sql`select created_at from routing_events where workspace_id = ${third.workspaceId} and type = 'presence'`,
      )
    ).rows as { created_at: Date }[];
    // A minute after the change, whatever the hour: the interval holding "now" has the agent for part of it.
    const now = new Date(new Date(event!.created_at).getTime() + 60_000);
    const result = await staffingForecast(server.ctx.db, third.workspaceId, StaffingForecastQuery.parse({}), now);
    const index = result.intervals.findIndex((item, i) => {
      const next = result.intervals[i + 1];
      return new Date(item.start) <= now && (!next || now < new Date(next.start));
    });
    expect(result.intervals[index]!.actualAgents).toBeGreaterThan(0);
    expect(result.intervals.slice(index + 1).every((item) => item.actualAgents === null)).toBe(true);
  });

  it('another workspace sees none of it', async () => {
    const result = await forecast({ channel: 'voice' }, LATER, other);
    expect(result.intervals.every((item) => item.forecastVolume === 0 && item.actualAgents === 0)).toBe(true);
    expect(result.ahtSource).toBe('default');
  });
});

describe('the API', () => {
  const path = `/staffing/forecast?date=${STAFFING_DATE}&channel=voice&serviceLevel=0.8&targetSeconds=20&shrinkage=0.3`;

  it('supervisors and admins read it; agents may not', async () => {
    for (const role of ['supervisor', 'admin'] as const) {
      const response = await ws.clients[role].get(api(ws, path));
      expect(response.status).toBe(200);
      expect(response.body.intervals[18]).toMatchObject({ erlangAgents: 14, scheduledAgents: 20 });
    }
    expect((await ws.clients.agent.get(api(ws, path))).status).toBe(403);
    expect((await ws.tokenClients.agent.get(api(ws, path))).status).toBe(403);
    expect((await ws.tokenClients.supervisor.get(api(ws, path))).status).toBe(200);
  });

  it('another workspace’s supervisor gets 404, and their own forecast is empty', async () => {
    expect((await other.clients.supervisor.get(api(ws, path))).status).toBe(404);
    const own = await other.clients.supervisor.get(api(other, path));
    expect(own.status).toBe(200);
    expect(own.body.intervals[18].forecastVolume).toBe(0);
  });

  it('exports CSV: a header and one line per interval', async () => {
    const response = await ws.clients.supervisor.get(api(ws, path.replace('/forecast?', '/forecast.csv?')));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = String(response.body)
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(49);
    expect(lines[0]).toBe(
      'interval_start,local_time,forecast_volume,aht_seconds,erlangs,erlang_agents,probability_of_waiting,service_level,asa_seconds,required_agents,scheduled_agents,actual_agents',
    );
    expect(lines[19]).toBe('2026-03-09T01:00:00.000Z,09:00,100,180,10,14,0.1741,0.8884,7.8,14,20,2.5');
    expect((await ws.clients.agent.get(api(ws, path.replace('/forecast?', '/forecast.csv?')))).status).toBe(403);
  });

  it('is in the OpenAPI document with its parameters', async () => {
    const spec = (await (await fetch(`${server.url}/api/docs/json`)).json()) as {
      paths: Record<string, { get?: { parameters?: { name: string }[] } }>;
    };
    const names = spec.paths['/api/v1/workspaces/{workspaceId}/staffing/forecast']?.get?.parameters?.map((p) => p.name) ?? [];
    expect(names).toEqual(expect.arrayContaining(['date', 'channel', 'serviceLevel', 'targetSeconds', 'shrinkage', 'weeks', 'method']));
    expect(spec.paths['/api/v1/workspaces/{workspaceId}/staffing/forecast.csv']).toBeDefined();
  });

  it('bad parameters are a 400 with the reason', async () => {
    for (const query of [
      'date=2026-02-30',
      'date=yesterday',
      `date=${STAFFING_DATE}&serviceLevel=1.5`,
      `date=${STAFFING_DATE}&channel=fax`,
      `date=${STAFFING_DATE}&shrinkage=-0.1`,
      `date=${STAFFING_DATE}&weeks=0`,
    ]) {
      const response = await ws.clients.supervisor.get(api(ws, `/staffing/forecast?${query}`));
      expect(response.status, query).toBe(400);
      expect(JSON.stringify(response.body)).toMatch(/date|serviceLevel|channel|shrinkage|weeks/);
    }
  });
});
