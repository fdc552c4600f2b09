import { sql } from 'drizzle-orm';
import type { Executor } from '../users/service.js';

/*
 * What the forecast learns from: contacts offered to people (a conversation's first `queued`
 * routing event), and how long agents held them (first assignment → resolution). Read straight
 * from the conversations and routing events; this module writes none of those tables.
 */

export const INTERVAL_MINUTES = 30;
export const SLOTS_PER_DAY = (24 * 60) / INTERVAL_MINUTES;

const rowsOf = async <Row>(db: Executor, query: ReturnType<typeof sql>) => (await db.execute(query)).rows as Row[];

/** A UTC-free calendar date shifted by whole days (dates are YYYY-MM-DD strings). */
export const addDays = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Today's date in the time zone. */
export const localDate = (at: Date, timezone: string) =>
  new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

/**
 * The `weeks` most recent same weekdays before `date` that are over (before today): for a future
 * date the forecast reads the latest finished weeks, never days that have not happened.
 */
export function historyDays(date: string, weeks: number, today: string): string[] {
  let first = addDays(date, -7);
  while (first >= today) first = addDays(first, -7);
  return Array.from({ length: weeks }, (_, index) => addDays(first, -7 * index));
}

/** A UTC range that surely holds every local day listed (time zones are within ±14 h). */
const coarseRange = (days: string[]) => ({
  from: new Date(`${addDays(days.at(-1)!, -1)}T00:00:00Z`),
  to: new Date(`${addDays(days[0]!, 2)}T00:00:00Z`),
});

/** Contacts per local day and 30-minute slot (0–47 by the local clock). */
export async function contactsBySlot(db: Executor, workspaceId: string, timezone: string, channel: string, days: string[]) {
  const { from, to } = coarseRange(days);
  const rows = await rowsOf<{ day: string; slot: number; count: number }>(
    db,
    sql`with first_queued as (
          select distinct on (e.conversation_id) e.conversation_id, e.created_at
          from routing_events e
          where e.workspace_id = ${workspaceId} and e.type = 'queued' and e.created_at >= ${from} and e.created_at < ${to}
          order by e.conversation_id, e.id
        ), local as (
          select (f.created_at at time zone ${timezone}) as at
          from first_queued f
          join conversations c on c.id = f.conversation_id and c.workspace_id = ${workspaceId}
          where c.channel = ${channel}
            and not exists (select 1 from routing_events p where p.conversation_id = f.conversation_id
                            and p.type = 'queued' and p.created_at < ${from})
        )
        select to_char(at, 'YYYY-MM-DD') as day,
               floor((extract(hour from at) * 60 + extract(minute from at)) / ${INTERVAL_MINUTES})::int as slot,
               count(*)::int as count
        from local
        where to_char(at, 'YYYY-MM-DD') = any(string_to_array(${days.join(',')}, ','))
        group by 1, 2`,
  );
  return rows;
}

export interface HandledSpan {
  userId: string;
  startMs: number;
  endMs: number;
}

/** Each conversation of the channel first assigned on the listed days and resolved since: who held it, from when to when. */
export async function handledSpans(db: Executor, workspaceId: string, timezone: string, channel: string, days: string[]) {
  const { from, to } = coarseRange(days);
  const rows = await rowsOf<{ user_id: string; start_at: Date; end_at: Date }>(
    db,
    sql`with first_assigned as (
          select distinct on (e.conversation_id) e.conversation_id, e.user_id, e.created_at
          from routing_events e
          where e.workspace_id = ${workspaceId} and e.type = 'assigned' and e.user_id is not null
            and e.created_at >= ${from} and e.created_at < ${to}
          order by e.conversation_id, e.id
        )
        select a.user_id, a.created_at as start_at, c.resolved_at as end_at
        from first_assigned a
        join conversations c on c.id = a.conversation_id and c.workspace_id = ${workspaceId}
        where c.channel = ${channel} and c.resolved_at is not null and c.resolved_at > a.created_at
          and to_char(a.created_at at time zone ${timezone}, 'YYYY-MM-DD') = any(string_to_array(${days.join(',')}, ','))`,
  );
  return rows.map((row) => ({ userId: row.user_id, startMs: new Date(row.start_at).getTime(), endMs: new Date(row.end_at).getTime() }));
}

/** Mean handle seconds, and how many conversations an agent held at once on average while holding any. */
export function measureHandling(spans: HandledSpan[]): { ahtSeconds: number | null; concurrency: number | null } {
  if (spans.length === 0) return { ahtSeconds: null, concurrency: null };
  const total = spans.reduce((sum, span) => sum + (span.endMs - span.startMs), 0);
  // Busy time per agent is the union of their spans, so two chats at once count that time once.
  let busy = 0;
  const byAgent = new Map<string, HandledSpan[]>();
  for (const span of spans) byAgent.set(span.userId, [...(byAgent.get(span.userId) ?? []), span]);
  for (const list of byAgent.values()) {
    list.sort((a, b) => a.startMs - b.startMs);
    let [start, end] = [list[0]!.startMs, list[0]!.endMs];
    for (const span of list.slice(1)) {
      if (span.startMs > end) {
        busy += end - start;
        [start, end] = [span.startMs, span.endMs];
      } else end = Math.max(end, span.endMs);
    }
    busy += end - start;
  }
  return { ahtSeconds: total / spans.length / 1000, concurrency: busy > 0 ? total / busy : null };
}
