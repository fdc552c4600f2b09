import { sql } from 'drizzle-orm';
import type { Executor } from '../users/service.js';
import { INTERVAL_MINUTES, SLOTS_PER_DAY } from './history.js';

/*
 * Agents actually working per interval, rebuilt from the presence history that routing already
 * keeps: every presence change is a `presence` routing event ({from, to}) written in the same
 * transaction as the agent's state, so no extra table is needed.
 */

const WORKING = new Set(['online', 'busy']);
const rowsOf = async <Row>(db: Executor, query: ReturnType<typeof sql>) => (await db.execute(query)).rows as Row[];

/** Where each local 30-minute slot of the day starts (and where the day ends), as instants. */
export async function slotBoundaries(db: Executor, date: string, timezone: string): Promise<Date[]> {
  const rows = await rowsOf<{ at: Date }>(
    db,
    sql`select ((${date}::date + make_interval(mins => s * ${INTERVAL_MINUTES})) at time zone ${timezone}) as at
        from generate_series(0, ${SLOTS_PER_DAY}) s order by s`,
  );
  return rows.map((row) => new Date(row.at));
}

/**
 * Time-weighted average of agents online or busy in each slot, up to `now`; null for a slot
 * that has not begun. An agent with no presence event before the day counts as offline.
 */
export async function actualAgents(db: Executor, workspaceId: string, bounds: Date[], now: Date): Promise<(number | null)[]> {
  const dayStart = bounds[0]!;
  const dayEnd = bounds.at(-1)!;
  const before = await rowsOf<{ user_id: string; status: string }>(
    db,
    sql`select distinct on (user_id) user_id, details->>'to' as status from routing_events
        where workspace_id = ${workspaceId} and type = 'presence' and user_id is not null and created_at < ${dayStart}
        order by user_id, created_at desc, id desc`,
  );
  const changes = await rowsOf<{ user_id: string; status: string; at: Date }>(
    db,
    sql`select user_id, details->>'to' as status, created_at as at from routing_events
        where workspace_id = ${workspaceId} and type = 'presence' and user_id is not null
          and created_at >= ${dayStart} and created_at < ${dayEnd}
        order by created_at, id`,
  );
  const end = Math.min(now.getTime(), dayEnd.getTime());
  /** Working periods per agent over the day, as [from, to) milliseconds. */
  const periods: [number, number][] = [];
  const since = new Map<string, number>();
  for (const row of before) if (WORKING.has(row.status)) since.set(row.user_id, dayStart.getTime());
  for (const change of changes) {
    const at = new Date(change.at).getTime();
    const started = since.get(change.user_id);
    if (WORKING.has(change.status)) {
      if (started === undefined) since.set(change.user_id, at);
    } else if (started !== undefined) {
      periods.push([started, at]);
      since.delete(change.user_id);
    }
  }
  for (const started of since.values()) periods.push([started, Math.max(started, end)]);

  return bounds.slice(0, -1).map((start, index) => {
    const from = start.getTime();
    const to = Math.min(bounds[index + 1]!.getTime(), end);
    if (from >= end || to <= from) return from >= end ? null : 0;
    let ms = 0;
    for (const [a, b] of periods) ms += Math.max(0, Math.min(b, to) - Math.max(a, from));
    return Math.round((ms / (to - from)) * 100) / 100;
  });
}
