import { sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/pool.js';
import type { Executor } from '../users/service.js';
import { COUNTERS } from './counters.js';
import { COUNTER_LIST, factsQuery } from './facts.js';

const HOUR = 3_600_000;
export const floorHour = (at: Date) => new Date(Math.floor(at.getTime() / HOUR) * HOUR);

/** How long after an hour ends it is rolled up: writes that commit a little late still land in it. */
export const SETTLE_MS = 2 * 60_000;
/** Hours rolled per transaction, so a rebuild of years never holds one huge transaction. */
const CHUNK_HOURS = 24 * 7;

const rows = async <Row>(db: Executor, query: ReturnType<typeof sql>) => (await db.execute(query)).rows as Row[];

/** The facts of [from, to) summed per hour and dimensions: what report_hourly holds. */
export const hourlyQuery = (workspaceId: string, from: Date, to: Date) => sql`
  select date_trunc('hour', f.t, 'UTC') as hour, f.channel, f.inbox_id, f.team_id, f.agent_id,
    ${sql.join(
      COUNTERS.map((name) => sql`sum(${sql.identifier(name)})::float8 as ${sql.identifier(name)}`),
      sql`, `,
    )}
  from (${factsQuery(workspaceId, from, to)}) f
  group by 1, 2, 3, 4, 5`;

export async function rolledUntil(db: Executor, workspaceId: string): Promise<Date | null> {
  const [state] = await rows<{ rolled_until: Date }>(
    db,
    sql`select rolled_until from report_rollup_state where workspace_id = ${workspaceId}`,
  );
  return state ? new Date(state.rolled_until) : null;
}

/** The hour of the workspace's earliest stored event: where a first rollup starts. */
async function firstEventHour(db: Executor, workspaceId: string): Promise<Date | null> {
  const [row] = await rows<{ first: Date | null }>(
    db,
    sql`select least(
        (select min(created_at) from routing_events where workspace_id = ${workspaceId}),
        (select min(created_at) from messages where workspace_id = ${workspaceId}),
        (select min(created_at) from ticket_events where workspace_id = ${workspaceId}),
        (select min(started_at) from sla_targets where workspace_id = ${workspaceId}),
        (select min(created_at) from bot_sessions where workspace_id = ${workspaceId})) as first`,
  );
  return row?.first ? floorHour(new Date(row.first)) : null;
}

/**
 * Rolls the workspace's closed hours up to `until` (floored to the hour): each chunk of hours is
 * recomputed from the events and replaces what was there, and the watermark moves, in one
 * transaction under a per-workspace lock — so two nodes running the job never double a row.
 * Returns the hours rolled.
 */
export async function rollUp(db: Database, workspaceId: string, until: Date): Promise<number> {
  const end = floorHour(until);
  let rolled = 0;
  for (;;) {
    const step = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('reports.rollup'), hashtext(${workspaceId}))`);
      const start = (await rolledUntil(tx, workspaceId)) ?? (await firstEventHour(tx, workspaceId)) ?? end;
      if (start >= end) {
        await tx.execute(sql`insert into report_rollup_state (workspace_id, rolled_until) values (${workspaceId}, ${start.toISOString()})
          on conflict (workspace_id) do nothing`);
        return 0;
      }
      const stop = new Date(Math.min(end.getTime(), start.getTime() + CHUNK_HOURS * HOUR));
      await tx.execute(sql`delete from report_hourly where workspace_id = ${workspaceId}
        and hour >= ${start.toISOString()}::timestamptz and hour < ${stop.toISOString()}::timestamptz`);
      await tx.execute(sql`insert into report_hourly (workspace_id, hour, channel, inbox_id, team_id, agent_id, ${COUNTER_LIST})
        select ${workspaceId}::uuid, h.* from (${hourlyQuery(workspaceId, start, stop)}) h`);
      await tx.execute(sql`insert into report_rollup_state (workspace_id, rolled_until, updated_at)
        values (${workspaceId}, ${stop.toISOString()}, now())
        on conflict (workspace_id) do update set rolled_until = excluded.rolled_until, updated_at = now()`);
      return (stop.getTime() - start.getTime()) / HOUR;
    });
    if (step === 0) return rolled;
    rolled += step;
  }
}

/** Throws the workspace's rollup away and builds it again from the events (after a definition changes). */
export async function rebuildRollup(db: Database, workspaceId: string, until: Date): Promise<number> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('reports.rollup'), hashtext(${workspaceId}))`);
    await tx.execute(sql`delete from report_hourly where workspace_id = ${workspaceId}`);
    await tx.execute(sql`delete from report_rollup_state where workspace_id = ${workspaceId}`);
  });
  return rollUp(db, workspaceId, until);
}

/** The recurring job: every workspace's hours that closed (and settled) by `now`. */
export async function rollUpAll(db: Database, now: Date): Promise<number> {
  const workspaces = await rows<{ id: string }>(db, sql`select id from workspaces order by id`);
  let hours = 0;
  for (const { id } of workspaces) hours += await rollUp(db, id, new Date(now.getTime() - SETTLE_MS));
  return hours;
}
