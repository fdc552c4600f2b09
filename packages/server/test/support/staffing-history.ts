import { sql } from 'drizzle-orm';
import type { Database } from '../../src/platform/db/pool.js';

/*
 * Made-up history on fixed past dates (Asia/Shanghai, the default workspace time zone): the
 * forecast tests and the staffing browser test read exactly these rows, whatever day they run on.
 *
 * Widget contacts 09:00–09:30 local (01:00Z) on the four Mondays before 2026-03-09: 8, 6, 4, 2,
 * one a minute (voice: one each 18 s), each assigned 10 s after queueing and resolved 600 s later; plus 3 at 10:00 on
 * 2026-03-02. Voice: 100 calls 09:00–09:30 each Monday (resolved after 180 s). Noise the forecast
 * must ignore: a Tuesday contact, a requeued contact counted once, another channel.
 * Presence on 2026-03-09: the admin online since the day before; the agent online 08:50–09:15
 * local then away; the supervisor busy from 09:00 local on.
 */
export const STAFFING_DATE = '2026-03-09';
export const WIDGET_DAYS = [
  { day: '2026-03-02', count: 8 },
  { day: '2026-02-23', count: 6 },
  { day: '2026-02-16', count: 4 },
  { day: '2026-02-09', count: 2 },
];

interface Seed {
  workspaceId: string;
  inboxId: string;
  customerId: string;
  users: { admin: string; supervisor: string; agent: string };
}

async function contacts(
  db: Database,
  seed: Seed,
  channel: string,
  firstAt: string,
  count: number,
  handleSeconds: number,
  requeue = false,
  spacingSeconds = 60,
) {
  await db.execute(sql`
    with made as (
      insert into conversations (workspace_id, inbox_id, channel, customer_id, state, assignee_id, created_at, resolved_at)
      select ${seed.workspaceId}::uuid, ${seed.inboxId}::uuid, ${channel}, ${seed.customerId}::uuid, 'resolved', ${seed.users.agent}::uuid,
             ${firstAt}::timestamptz + make_interval(secs => i * ${spacingSeconds}::int),
             ${firstAt}::timestamptz + make_interval(secs => i * ${spacingSeconds}::int + 10 + ${handleSeconds}::int)
      from generate_series(0, ${count - 1}::int) i
      returning id, created_at
    ), queued as (
      insert into routing_events (workspace_id, type, conversation_id, created_at)
      select ${seed.workspaceId}::uuid, 'queued', id, created_at from made
      union all
      select ${seed.workspaceId}::uuid, 'queued', id, created_at + interval '5 seconds' from made where ${requeue}::boolean
    )
    insert into routing_events (workspace_id, type, conversation_id, user_id, details, created_at)
    select ${seed.workspaceId}::uuid, 'assigned', id, ${seed.users.agent}::uuid, '{"waitedMs":10000}'::jsonb, created_at + interval '10 seconds' from made`);
}

async function presence(db: Database, workspaceId: string, userId: string, at: string, from: string, to: string) {
  await db.execute(sql`
    insert into routing_events (workspace_id, type, user_id, details, created_at)
    values (${workspaceId}::uuid, 'presence', ${userId}::uuid, ${JSON.stringify({ from, to })}::jsonb, ${at}::timestamptz)`);
}

export async function seedStaffingHistory(db: Database, seed: Seed) {
  for (const { day, count } of WIDGET_DAYS) {
    await contacts(db, seed, 'widget', `${day}T01:00:00Z`, count, 600, day === '2026-02-23');
    await contacts(db, seed, 'voice', `${day}T01:00:00Z`, 100, 180, false, 18);
  }
  await contacts(db, seed, 'widget', '2026-03-02T02:00:00Z', 3, 600);
  await contacts(db, seed, 'widget', '2026-03-03T01:00:00Z', 5, 600);
  await contacts(db, seed, 'email', '2026-03-02T01:00:00Z', 7, 600);
  await presence(db, seed.workspaceId, seed.users.admin, '2026-03-08T01:00:00Z', 'offline', 'online');
  await presence(db, seed.workspaceId, seed.users.agent, '2026-03-09T00:50:00Z', 'offline', 'online');
  await presence(db, seed.workspaceId, seed.users.agent, '2026-03-09T01:15:00Z', 'online', 'away');
  await presence(db, seed.workspaceId, seed.users.supervisor, '2026-03-09T01:00:00Z', 'offline', 'busy');
}
