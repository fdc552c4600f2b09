import { ReportQuery } from '@huiliu/contracts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodDates, runReport } from '../../src/modules/reports/query.js';
import { rebuildRollup, rollUp, rollUpAll } from '../../src/modules/reports/rollup.js';
import { createWorkspaceFixture, type WorkspaceFixture } from '../support/fixtures.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { simulateDay, type Day } from './simulator.js';

let server: TestServer;
let ws: WorkspaceFixture;
let other: WorkspaceFixture;
let day: Day;
// Reports are asked "as of" a fixed moment well after the fixture days: nothing depends on the real date.
const NOW = new Date('2026-03-10T00:00:00Z');
const query = (input: Record<string, unknown>) => ReportQuery.parse({ period: 'custom', from: '2026-03-02', to: '2026-03-02', ...input });
const report = (set: Parameters<typeof runReport>[2], input: Record<string, unknown> = {}, ignoreRollup = false) =>
  runReport(server.ctx.db, ws.workspaceId, set, query(input), NOW, { ignoreRollup });
const totals = async (set: Parameters<typeof runReport>[2], input: Record<string, unknown> = {}) =>
  (await report(set, input)).rows[0]!.totals;

beforeAll(async () => {
  // The rollup job stays off: the test rolls up itself, at the moments it chooses, over back-dated events.
  server = await startTestServer({ REPORTS_ROLLUP: 'false' });
  // The simulator plays the router (who takes which conversation, when): the server's own router
  // would assign the day's queued conversations to its online agents at wall-clock times.
  await server.ctx.routing.stop();
  ws = await createWorkspaceFixture(server.ctx.db, server.url, 'rep');
  other = await createWorkspaceFixture(server.ctx.db, server.url, 'rep-other');
  day = await simulateDay(server.ctx.db, ws.workspaceId, ws.ids.inbox!, ws.ids.team!, 'rep');
}, 120_000);
afterAll(() => server?.stop());

describe('metrics of the fixture day (2026-03-02, Asia/Shanghai), worked out by hand', () => {
  it('contact flow: offered, handled, abandoned, ASA, service level', async () => {
    const t = await totals('overview', { serviceLevelTargetSeconds: 20 });
    // Queue entries: C1, C2, C3 (the hand-off), C5, C6, C7 — C4 never left the bot, C7's reopen kept its agent.
    expect(t.offered).toBe(6);
    // Answered after 15 s (C1), 40 s (C2), 10 s (C3), 50 s (C7): ASA (15 + 40 + 10 + 50) / 4.
    expect(t.handled).toBe(4);
    expect(t.asa_seconds).toBeCloseTo(28.75, 6);
    // Within 20 s: C1 and C3, of 6 offered.
    expect(t.service_level).toBeCloseTo(2 / 6, 6);
    expect(t.abandoned).toBe(2);
    expect(t.abandonment_rate).toBeCloseTo(2 / 6, 6);
  });

  it('a short-abandon threshold takes C5 (8 s) out of offered and abandoned; a longer target counts more as answered in time', async () => {
    const t = await totals('overview', { shortAbandonSeconds: 10, serviceLevelTargetSeconds: 45 });
    expect(t.offered).toBe(5);
    expect(t.abandoned).toBe(1);
    expect(t.abandonment_rate).toBeCloseTo(1 / 5, 6);
    expect(t.service_level).toBeCloseTo(3 / 5, 6);
  });

  it('response times: FRT from the queue entry (or hand-off), each reply to customer messages, medians from the raw replies', async () => {
    const t = await totals('overview');
    // First replies: C1 60 s, C2 300 s, C3 60 s after the hand-off (not the bot's start), C7 60 s.
    expect(t.frt_avg_seconds).toBeCloseTo(120, 6);
    expect(t.frt_median_seconds).toBeCloseTo(60, 6);
    // Replies answering customer messages: 60, 30 (C1); 300, 120 (C2; A's 01:45 follow-up answered nothing); 60 (C3); 60, 60 (C7).
    expect(t.response_avg_seconds).toBeCloseTo(690 / 7, 6);
    expect(t.response_median_seconds).toBeCloseTo(60, 6);
  });

  it('handle time, resolutions, reopens, transfers, FCR', async () => {
    const t = await totals('overview', { fcrDays: 7 });
    // Handled resolutions: C1 585 s, C2 1760 s (from B's answer at 01:30:40 to A's resolution at 02:00), C3 1070 s, C7 550 s, C7 again 600 s (from the reopen).
    expect(t.aht_seconds).toBeCloseTo((585 + 1760 + 1070 + 550 + 600) / 5, 6);
    // Resolutions: C1, C2, C3, C4 (bot), C7 twice; the abandons resolved nothing.
    expect(t.resolutions).toBe(6);
    expect(t.reopen_rate).toBeCloseTo(1 / 6, 6);
    expect(t.transfer_rate).toBeCloseTo(1 / 4, 6);
    // Not first-contact: C1 (its customer came back within 7 days, C8) and C7's first resolution (reopened).
    expect(t.fcr_rate).toBeCloseTo(4 / 6, 6);
    // C8 came 15 h 20 min after C1 was resolved: a one-day window still sees it.
    expect((await totals('overview', { fcrDays: 1 })).fcr_rate).toBeCloseTo(4 / 6, 6);
  });

  it('bot containment and hand-off rate', async () => {
    const t = await totals('bot');
    expect(t.bot_conversations).toBe(2);
    expect(t.bot_contained).toBe(1);
    expect(t.bot_containment_rate).toBeCloseTo(0.5, 6);
    expect(t.bot_handoff_rate).toBeCloseTo(0.5, 6);
  });

  it('SLA compliance per target kind; CSAT; tickets', async () => {
    const s = await totals('sla');
    expect([s.sla_first_response_achieved, s.sla_first_response_breached, s.sla_first_response_compliance]).toEqual([1, 1, 0.5]);
    // The ticket's resolution was met only after its breach: it counts as breached.
    expect([s.sla_resolution_achieved, s.sla_resolution_breached, s.sla_resolution_compliance]).toEqual([1, 1, 0.5]);
    expect(s.sla_next_response_compliance).toBeNull();
    expect(s.sla_compliance).toBeCloseTo(0.5, 6);
    const c = await totals('csat');
    expect(c.csat_responses).toBe(3);
    expect(c.csat_satisfied_rate).toBeCloseTo(2 / 3, 6);
    expect(c.csat_average).toBeCloseTo(11 / 3, 6);
    const o = await totals('overview');
    expect([o.tickets_created, o.tickets_solved, o.tickets_backlog]).toEqual([3, 1, 2]);
  });

  it('agent activity: time in presence states and occupancy', async () => {
    const result = await report('agent-activity');
    const byAgent = new Map(result.rows.map((row) => [row.key, row.totals]));
    const a = byAgent.get(day.agentA)!;
    const b = byAgent.get(day.agentB)!;
    // A: online 00:50–02:30 and 02:45–05:00, away 02:30–02:45. B: online 01:00–05:00.
    expect([a.online_seconds, a.away_seconds, a.busy_seconds]).toEqual([14_100, 900, 0]);
    expect(b.online_seconds).toBe(14_400);
    // A held C1 585 s, C2 1200 s (after the transfer), C7 550 + 600 s; B held C2 560 s and C3 1070 s.
    expect(a.occupied_seconds).toBe(2935);
    expect(b.occupied_seconds).toBe(1630);
    expect(a.occupancy).toBeCloseTo(2935 / 14_100, 6);
    expect(a.handled).toBe(2);
    expect(a.aht_seconds).toBeCloseTo((585 + 1760 + 550 + 600) / 4, 6);
    expect(b.aht_seconds).toBeCloseTo(1070, 6);
  });

  it('groups and filters: channels, teams, an agent, an inbox', async () => {
    const channels = await report('channels');
    const offered = Object.fromEntries(channels.rows.map((row) => [row.key, row.totals.offered]));
    expect(offered).toMatchObject({ widget: 3, api: 1, sms: 2 });
    expect((await totals('overview', { channel: 'sms' })).abandoned).toBe(2);
    expect((await totals('overview', { inboxId: day.inboxes.api })).handled).toBe(1);
    // The transfer counts for the team and agent it left.
    const teams = await report('teams');
    const sales = teams.rows.find((row) => row.key === day.teamSales)!;
    expect(sales.label).toBe('售后服务');
    expect(sales.totals.transfer_rate).toBeCloseTo(1 / 4, 6);
    expect((await totals('overview', { agentId: day.agentB })).handled).toBe(2);
  });
});

describe('time zone bucketing (Asia/Shanghai)', () => {
  it('hours and days are local: C8 at 16:30Z falls on 3 March', async () => {
    const hourly = (await report('overview', { bucket: 'hour' })).rows[0]!.buckets;
    const offeredByHour = Object.fromEntries(hourly.map((bucket) => [bucket.label, bucket.metrics.offered]));
    expect(offeredByHour).toMatchObject({ '2026-03-02T09:00:00': 2, '2026-03-02T10:00:00': 1, '2026-03-02T11:00:00': 3 });
    expect(hourly[0]!.start).toBe('2026-03-02T00:00:00.000Z');
    const days = (await report('overview', { to: '2026-03-03' })).rows[0]!.buckets;
    expect(days.map((bucket) => [bucket.label, bucket.metrics.offered])).toEqual([
      ['2026-03-02T00:00:00', 6],
      ['2026-03-03T00:00:00', 1],
    ]);
    expect(days[0]!.start).toBe('2026-03-01T16:00:00.000Z');
    const week = (await report('overview', { to: '2026-03-08', bucket: 'week' })).rows[0]!.buckets;
    expect(week.map((bucket) => [bucket.label, bucket.metrics.offered])).toEqual([['2026-03-02T00:00:00', 7]]);
  });

  it('compares with the previous period of the same length', async () => {
    const result = await report('overview', { from: '2026-03-03', to: '2026-03-03' });
    expect(result.previousPeriod).toEqual({ start: '2026-03-01T16:00:00.000Z', end: '2026-03-02T16:00:00.000Z' });
    expect(result.rows[0]!.totals.offered).toBe(1);
    expect(result.rows[0]!.totals.abandonment_rate).toBe(1);
    expect(result.rows[0]!.previous!.offered).toBe(6);
    // The backlog carries over: the day before left 2 open tickets.
    expect(result.rows[0]!.totals.tickets_backlog).toBe(2);
  });
});

describe('rollups', () => {
  const sets = ['overview', 'channels', 'teams', 'agents', 'agent-activity', 'sla', 'bot'] as const;
  const everything = async (ignoreRollup: boolean) =>
    Promise.all(sets.map((set) => report(set, { to: '2026-03-03', bucket: 'hour', shortAbandonSeconds: 10 }, ignoreRollup)));
  const rollupRows = async () =>
    (
      await server.ctx.db.execute(
        sql`select * from report_hourly where workspace_id = ${ws.workspaceId} order by hour, channel, inbox_id, team_id, agent_id, offered, online_ms`,
      )
    ).rows;

  it('equal the raw computation part-way (the watermark inside the day), after every hour, and after a rebuild', async () => {
    const raw = await everything(true);
    expect(await rollUp(server.ctx.db, ws.workspaceId, new Date('2026-03-02T02:30:00Z'))).toBeGreaterThan(0);
    const [state] = (await server.ctx.db.execute(sql`select rolled_until from report_rollup_state where workspace_id = ${ws.workspaceId}`))
      .rows;
    expect(new Date(state!.rolled_until as string).toISOString()).toBe('2026-03-02T02:00:00.000Z');
    expect(await everything(false)).toEqual(raw);
    // Incremental: the next run takes only the hours after the watermark.
    await rollUp(server.ctx.db, ws.workspaceId, new Date('2026-03-02T04:00:00Z'));
    expect(await everything(false)).toEqual(raw);
    await rollUp(server.ctx.db, ws.workspaceId, new Date('2026-03-04T00:00:00Z'));
    expect(await rollUp(server.ctx.db, ws.workspaceId, new Date('2026-03-04T00:00:00Z'))).toBe(0);
    expect(await everything(false)).toEqual(raw);
    const [sum] = (
      await server.ctx.db.execute(
        sql`select sum(offered)::int as offered, sum(online_ms)::float8 as online from report_hourly where workspace_id = ${ws.workspaceId}`,
      )
    ).rows;
    expect(sum).toEqual({ offered: 7, online: 28_500_000 });
    const incremental = await rollupRows();
    await rebuildRollup(server.ctx.db, ws.workspaceId, new Date('2026-03-04T00:00:00Z'));
    expect(await rollupRows()).toEqual(incremental);
    expect(await everything(false)).toEqual(raw);
  });
});

describe('periods and the rollup job', () => {
  it('presets are local calendar days counted back from today', () => {
    const dates = (period: 'today' | 'yesterday' | 'last_7_days' | 'last_30_days') => periodDates({ period }, '2026-03-01');
    expect(dates('today')).toEqual({ from: '2026-03-01', to: '2026-03-01' });
    expect(dates('yesterday')).toEqual({ from: '2026-02-28', to: '2026-02-28' });
    expect(dates('last_7_days')).toEqual({ from: '2026-02-23', to: '2026-03-01' });
    expect(dates('last_30_days')).toEqual({ from: '2026-01-31', to: '2026-03-01' });
  });

  it('the job rolls every workspace up to the last hour closed two minutes before its run', async () => {
    await rollUpAll(server.ctx.db, new Date('2026-03-04T05:01:00Z'));
    const state = async (id: string) =>
      (await server.ctx.db.execute(sql`select rolled_until from report_rollup_state where workspace_id = ${id}`)).rows[0]?.rolled_until;
    // 05:01 minus the settle is 04:59: the 04:00 hour is not closed long enough yet.
    expect(new Date((await state(ws.workspaceId)) as string).toISOString()).toBe('2026-03-04T04:00:00.000Z');
    expect(await state(other.workspaceId)).toBeDefined();
  });
});

describe('the reports API', () => {
  const api = (path: string) => `/api/v1/workspaces/${ws.workspaceId}/reports/${path}`;
  const period = 'period=custom&from=2026-03-02&to=2026-03-02';

  it('answers supervisors and admins, refuses agents', async () => {
    const response = await ws.clients.supervisor.get(api(`overview?${period}&serviceLevelTargetSeconds=20`));
    expect(response.status).toBe(200);
    expect(response.body.metricsVersion).toBe('1.0');
    expect(response.body.rows[0].totals.offered).toBe(6);
    expect((await ws.clients.admin.get(api(`agents?${period}`))).status).toBe(200);
    expect((await ws.clients.agent.get(api(`overview?${period}`))).status).toBe(403);
  });

  it('CSV by Accept header or ?format=csv', async () => {
    const byQuery = await ws.clients.supervisor.get<string>(api(`channels?${period}&format=csv`));
    expect(byQuery.headers.get('content-type')).toMatch(/text\/csv/);
    const text = byQuery.body;
    const lines = text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]!.startsWith('group,group_label,bucket,bucket_start,offered,handled')).toBe(true);
    expect(lines.some((line) => line.startsWith('sms,sms,total,'))).toBe(true);
    const byAccept = await ws.clients.supervisor.request('GET', api(`overview?${period}`), undefined, { headers: { accept: 'text/csv' } });
    expect(byAccept.headers.get('content-type')).toMatch(/text\/csv/);
  });

  it('bad input is a 400 with the reason; another workspace’s team, inbox or agent is a 404', async () => {
    const bad = await ws.clients.supervisor.get(api(`overview?${period}&serviceLevelTargetSeconds=25`));
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('serviceLevelTargetSeconds');
    expect((await ws.clients.supervisor.get(api('overview?period=custom&from=2026-03-05&to=2026-03-01'))).status).toBe(400);
    for (const filter of [`teamId=${other.ids.team}`, `inboxId=${other.ids.inbox}`, `agentId=${other.ids.agent}`])
      expect((await ws.clients.supervisor.get(api(`overview?${period}&${filter}`))).status).toBe(404);
    // Another workspace's reports are a 404 too.
    expect((await ws.clients.supervisor.get(`/api/v1/workspaces/${other.workspaceId}/reports/overview?${period}`)).status).toBe(404);
  });
});
