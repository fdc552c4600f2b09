import { METRICS_VERSION, WAIT_EDGES, type MetricSet, type Report, type ReportQuery } from '@huiliu/contracts';
import { type SQL, sql } from 'drizzle-orm';
import { notFound } from '../../platform/errors.js';
import type { Executor } from '../users/service.js';
import { getWorkspace, workspaceSettings } from '../workspaces/service.js';
import { COUNTERS, type Counts, zeroCounts } from './counters.js';
import { COUNTER_LIST, factsQuery, fcrQuery } from './facts.js';
import { METRIC_SET_SHAPES, type MetricSettings, deriveMetrics } from './metrics.js';
import { rolledUntil } from './rollup.js';

const rows = async <Row>(db: Executor, query: SQL) => (await db.execute(query)).rows as Row[];
const DAY = 86_400_000;

/** YYYY-MM-DD plus n days (calendar arithmetic, no time zone involved). */
const addDays = (date: string, n: number) => new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY) + 1;

/** The report's days as local dates, from the preset and today's date in the workspace's zone. */
export function periodDates(query: Pick<ReportQuery, 'period' | 'from' | 'to'>, today: string): { from: string; to: string } {
  switch (query.period) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday':
      return { from: addDays(today, -1), to: addDays(today, -1) };
    case 'last_7_days':
      return { from: addDays(today, -6), to: today };
    case 'last_30_days':
      return { from: addDays(today, -29), to: today };
    case 'custom':
      return { from: query.from!, to: query.to! };
  }
}

interface Filters {
  channel?: string;
  inboxId?: string;
  teamId?: string;
  agentId?: string;
}

/** The filters, applied alike to rollup rows and raw facts. Time rows (presence) follow the team through its members. */
function filterSql(filters: Filters): SQL {
  const parts: SQL[] = [sql`true`];
  if (filters.channel) parts.push(sql`f.channel = ${filters.channel}`);
  if (filters.inboxId) parts.push(sql`f.inbox_id = ${filters.inboxId}`);
  if (filters.teamId)
    parts.push(sql`(f.team_id = ${filters.teamId} or (f.channel is null and f.inbox_id is null and f.team_id is null
      and f.agent_id in (select user_id from team_members where team_id = ${filters.teamId})))`);
  if (filters.agentId) parts.push(sql`f.agent_id = ${filters.agentId}`);
  return sql.join(parts, sql` and `);
}

interface Range {
  start: Date;
  end: Date;
}

/**
 * The facts of a range: closed hours from the rollup (below the watermark), the rest from the
 * events, with the same column list, so a bucket may straddle the watermark and still add up.
 */
function factSource(workspaceId: string, range: Range, watermark: Date | null, now: Date): SQL {
  const end = new Date(Math.min(range.end.getTime(), Math.max(now.getTime(), range.start.getTime())));
  const split = new Date(Math.min(Math.max(watermark?.getTime() ?? range.start.getTime(), range.start.getTime()), end.getTime()));
  const parts: SQL[] = [];
  if (split > range.start)
    parts.push(sql`select hour as t, channel, inbox_id, team_id, agent_id, ${COUNTER_LIST} from report_hourly
      where workspace_id = ${workspaceId} and hour >= ${range.start.toISOString()}::timestamptz and hour < ${split.toISOString()}::timestamptz`);
  // Raw facts start on an hour: a watermark always is, and so is a period start in whole-hour zones.
  if (end > split) parts.push(factsQuery(workspaceId, split, end));
  if (parts.length === 0)
    return sql`select null::timestamptz as t, null::text as channel, null::uuid as inbox_id, null::uuid as team_id, null::uuid as agent_id, ${sql.join(
      COUNTERS.map((name) => sql`0::float8 as ${sql.identifier(name)}`),
      sql`, `,
    )} where false`;
  return sql.join(
    parts.map((part) => sql`(${part})`),
    sql` union all `,
  );
}

type Key = string | null;
interface Cell {
  bucket: string;
  start: string;
  key: Key;
  counts: Counts;
}

const keyOf = (groupBy: string | null) => (groupBy ? sql.raw(`f.${groupBy}::text`) : sql`null::text`);

async function sumFacts(db: Executor, source: SQL, filters: Filters, groupBy: string | null, bucket: SQL, tz: string): Promise<Cell[]> {
  const result = await rows<Record<string, unknown>>(
    db,
    sql`select to_char(date_trunc(${bucket}, f.t, ${tz}) at time zone ${tz}, 'YYYY-MM-DD"T"HH24:MI:SS') as bucket,
      ${keyOf(groupBy)} as key, min(date_trunc(${bucket}, f.t, ${tz})) as start,
      ${sql.join(
        COUNTERS.map((name) => sql`sum(${sql.identifier(name)})::float8 as ${sql.identifier(name)}`),
        sql`, `,
      )}
    from (${source}) f where ${filterSql(filters)} group by 1, 2`,
  );
  return result.map((row) => ({
    bucket: String(row.bucket),
    start: new Date(row.start as string).toISOString(),
    key: (row.key as Key) ?? null,
    counts: Object.fromEntries(COUNTERS.map((name) => [name, Number(row[name] ?? 0)])) as Counts,
  }));
}

interface RawCell {
  bucket: string;
  key: Key;
  frtMedianMs: number | null;
  responseMedianMs: number | null;
  fcrResolutions: number;
  fcrResolved: number;
}

/** Medians and FCR, from the events of the whole range (never from rollups). `bucket` null: one figure per group. */
async function rawFigures(
  db: Executor,
  workspaceId: string,
  range: Range,
  filters: Filters,
  groupBy: string | null,
  bucket: SQL | null,
  tz: string,
  fcrDays: number,
): Promise<RawCell[]> {
  const label = bucket ? sql`to_char(date_trunc(${bucket}, f.t, ${tz}) at time zone ${tz}, 'YYYY-MM-DD"T"HH24:MI:SS')` : sql`''`;
  const medians = await rows<{ bucket: string; key: Key; frt: number | null; response: number | null }>(
    db,
    sql`select ${label} as bucket, ${keyOf(groupBy)} as key,
        percentile_cont(0.5) within group (order by f.first_response_ms) filter (where f.first_responses = 1) as frt,
        percentile_cont(0.5) within group (order by f.response_ms) filter (where f.responses = 1) as response
      from (${factsQuery(workspaceId, range.start, range.end, 'responses')}) f where ${filterSql(filters)} group by 1, 2`,
  );
  const fcr = await rows<{ bucket: string; key: Key; resolutions: number; resolved: number }>(
    db,
    sql`select ${label} as bucket, ${keyOf(groupBy)} as key, count(*)::int as resolutions, sum(f.fcr_resolved)::int as resolved
      from (${fcrQuery(workspaceId, range.start, range.end, fcrDays)}) f where ${filterSql(filters)} group by 1, 2`,
  );
  const cells = new Map<string, RawCell>();
  const cell = (bucketLabel: string, key: Key) => {
    const id = `${bucketLabel}|${key}`;
    if (!cells.has(id))
      cells.set(id, { bucket: bucketLabel, key, frtMedianMs: null, responseMedianMs: null, fcrResolutions: 0, fcrResolved: 0 });
    return cells.get(id)!;
  };
  for (const row of medians) {
    const target = cell(row.bucket, row.key);
    target.frtMedianMs = row.frt === null ? null : Number(row.frt);
    target.responseMedianMs = row.response === null ? null : Number(row.response);
  }
  for (const row of fcr) Object.assign(cell(row.bucket, row.key), { fcrResolutions: row.resolutions, fcrResolved: row.resolved });
  return [...cells.values()];
}

const addCounts = (into: Counts, more: Counts) => {
  for (const name of COUNTERS) into[name] += more[name];
};
const noRaw = { frtMedianMs: null, responseMedianMs: null, fcrResolutions: 0, fcrResolved: 0 };

/** Checks that the filters name this workspace's inbox, team and agent: another tenant's id is a 404. */
async function assertFilters(db: Executor, workspaceId: string, filters: Filters) {
  const checks: [string | undefined, SQL, string][] = [
    [filters.inboxId, sql`select 1 from inboxes where workspace_id = ${workspaceId} and id = ${filters.inboxId ?? null}`, 'inbox'],
    [filters.teamId, sql`select 1 from teams where workspace_id = ${workspaceId} and id = ${filters.teamId ?? null}`, 'team'],
    [filters.agentId, sql`select 1 from memberships where workspace_id = ${workspaceId} and user_id = ${filters.agentId ?? null}`, 'agent'],
  ];
  for (const [id, check, what] of checks) if (id && (await rows(db, check)).length === 0) throw notFound(what);
}

async function labels(db: Executor, workspaceId: string, groupBy: string | null, keys: Key[]): Promise<Map<Key, string | null>> {
  const ids = keys.filter((key): key is string => !!key);
  const map = new Map<Key, string | null>(keys.map((key) => [key, key]));
  if (groupBy === 'channel' || !groupBy || ids.length === 0) return map;
  const table =
    groupBy === 'inbox_id'
      ? sql`select id::text as id, name from inboxes where workspace_id = ${workspaceId}`
      : groupBy === 'team_id'
        ? sql`select id::text as id, name from teams where workspace_id = ${workspaceId}`
        : sql`select u.id::text as id, u.name from users u join memberships m on m.user_id = u.id and m.workspace_id = ${workspaceId}`;
  for (const row of await rows<{ id: string; name: string }>(db, table)) if (map.has(row.id)) map.set(row.id, row.name);
  return map;
}

/** One report: the metric set's groups, each with its totals, the previous period's, and its buckets. */
export async function runReport(
  db: Executor,
  workspaceId: string,
  metricSet: MetricSet,
  query: ReportQuery,
  now: Date,
  /** Compute everything from the events, as if nothing were rolled up (what tests compare the rollup with). */
  options: { ignoreRollup?: boolean } = {},
): Promise<Report> {
  const workspace = await getWorkspace(db, workspaceId);
  const tz = workspace.timezone;
  const filters: Filters = { channel: query.channel, inboxId: query.inboxId, teamId: query.teamId, agentId: query.agentId };
  await assertFilters(db, workspaceId, filters);
  const settings: MetricSettings = {
    serviceLevelTargetSeconds: query.serviceLevelTargetSeconds ?? nearestEdge(workspaceSettings(workspace).serviceLevelTargetSeconds),
    shortAbandonSeconds: query.shortAbandonSeconds,
    fcrDays: query.fcrDays,
  };
  const shape = METRIC_SET_SHAPES[metricSet];
  const [{ today }] = (await rows<{ today: string }>(
    db,
    sql`select to_char(${now.toISOString()}::timestamptz at time zone ${tz}, 'YYYY-MM-DD') as today`,
  )) as [{ today: string }];
  const dates = periodDates(query, today);
  const length = daysBetween(dates.from, dates.to);
  const previousDates = { from: addDays(dates.from, -length), to: addDays(dates.from, -1) };
  const instants = async (from: string, to: string): Promise<Range> => {
    const [row] = await rows<{ start: Date; end: Date }>(
      db,
      sql`select (${from}::date)::timestamp at time zone ${tz} as start, (${addDays(to, 1)}::date)::timestamp at time zone ${tz} as end`,
    );
    return { start: new Date(row!.start), end: new Date(row!.end) };
  };
  const range = await instants(dates.from, dates.to);
  const previous = query.compare ? await instants(previousDates.from, previousDates.to) : null;
  const watermark = options.ignoreRollup ? null : await rolledUntil(db, workspaceId);
  const bucket = sql.raw(`'${query.bucket}'`);

  const cells = await sumFacts(db, factSource(workspaceId, range, watermark, now), filters, shape.groupBy, bucket, tz);
  const raw = await rawFigures(db, workspaceId, range, filters, shape.groupBy, bucket, tz, settings.fcrDays);
  const rawTotals = await rawFigures(db, workspaceId, range, filters, shape.groupBy, null, tz, settings.fcrDays);
  // The backlog before the period: every ticket delta since the first event.
  const needsBacklog = shape.metrics.includes('tickets_backlog');
  const before = !needsBacklog
    ? []
    : await sumFacts(
        db,
        factSource(workspaceId, { start: new Date(0), end: range.start }, watermark, now),
        filters,
        shape.groupBy,
        sql`'millennium'`,
        tz,
      );
  const previousCells = previous
    ? await sumFacts(db, factSource(workspaceId, previous, watermark, now), filters, shape.groupBy, bucket, tz)
    : [];
  const previousRaw = previous ? await rawFigures(db, workspaceId, previous, filters, shape.groupBy, null, tz, settings.fcrDays) : [];
  const previousBefore =
    previous && needsBacklog
      ? await sumFacts(
          db,
          factSource(workspaceId, { start: new Date(0), end: previous.start }, watermark, now),
          filters,
          shape.groupBy,
          sql`'millennium'`,
          tz,
        )
      : [];

  const keys = [...new Set([...cells, ...previousCells].map((cell) => cell.key))];
  if (!shape.groupBy && keys.length === 0) keys.push(null);
  const names = await labels(db, workspaceId, shape.groupBy, keys);
  const backlogBase = (list: Cell[], key: Key) =>
    list.filter((cell) => cell.key === key).reduce((sum, cell) => sum + cell.counts.tickets_backlog_delta, 0);
  const pick = (values: Record<string, number | null>) => Object.fromEntries(shape.metrics.map((name) => [name, values[name] ?? null]));
  const total = (list: Cell[], key: Key) => {
    const sum = zeroCounts();
    for (const cell of list) if (cell.key === key) addCounts(sum, cell.counts);
    return sum;
  };

  const report: Report['rows'] = keys
    .sort((a, b) => String(names.get(a) ?? a).localeCompare(String(names.get(b) ?? b)))
    .map((key) => {
      let backlog = needsBacklog ? backlogBase(before, key) : null;
      const buckets = cells
        .filter((cell) => cell.key === key)
        .sort((a, b) => a.bucket.localeCompare(b.bucket))
        .map((cell) => {
          if (backlog !== null) backlog += cell.counts.tickets_backlog_delta;
          const rawCell = raw.find((item) => item.key === key && item.bucket === cell.bucket) ?? noRaw;
          return { start: cell.start, label: cell.bucket, metrics: pick(deriveMetrics(cell.counts, rawCell, settings, backlog)) };
        });
      const totals = total(cells, key);
      const endBacklog = needsBacklog ? backlogBase(before, key) + totals.tickets_backlog_delta : null;
      const previousTotals = previous
        ? pick(
            deriveMetrics(
              total(previousCells, key),
              previousRaw.find((item) => item.key === key) ?? noRaw,
              settings,
              needsBacklog ? backlogBase(previousBefore, key) + total(previousCells, key).tickets_backlog_delta : null,
            ),
          )
        : null;
      return {
        key,
        label: names.get(key) ?? null,
        totals: pick(deriveMetrics(totals, rawTotals.find((item) => item.key === key) ?? noRaw, settings, endBacklog)),
        previous: previousTotals,
        buckets,
      };
    });
  return {
    metricSet,
    metricsVersion: METRICS_VERSION,
    timezone: tz,
    bucket: query.bucket,
    period: { start: range.start.toISOString(), end: range.end.toISOString(), from: dates.from, to: dates.to },
    previousPeriod: previous ? { start: previous.start.toISOString(), end: previous.end.toISOString() } : null,
    settings,
    metrics: shape.metrics,
    rows: report,
  };
}

/** The workspace's own target, as the nearest threshold the rollups keep. */
function nearestEdge(seconds: number): number {
  return WAIT_EDGES.reduce<number>((best, edge) => (Math.abs(edge - seconds) < Math.abs(best - seconds) ? edge : best), WAIT_EDGES[0]);
}
