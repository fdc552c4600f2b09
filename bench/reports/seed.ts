import { sql } from 'drizzle-orm';
import type { Database } from '../../packages/server/src/platform/db/pool.js';
import { createInbox } from '../../packages/server/src/modules/inboxes/service.js';
import { addTeamMember, createTeam } from '../../packages/server/src/modules/teams/service.js';
import { addMembership, createUser } from '../../packages/server/src/modules/users/service.js';
import { createWorkspace } from '../../packages/server/src/modules/workspaces/service.js';

/** The year ends here (fixed, so runs compare): the reports ask about the days before it. */
const END = new Date('2026-12-01T00:00:00Z');

/**
 * A year of events written in bulk, shaped as the conversation and routing modules write them:
 * per conversation a queue entry, then (90 %) an assignment after 0–59 s with its timeline event,
 * the customer's message, a reply 30 s after the answer and a resolution 5–14 min later, or
 * (10 %) an abandon after 0–119 s. Deterministic: everything follows from the conversation number.
 */
export async function seedYear(db: Database, conversations: number) {
  const workspace = await createWorkspace(db, { name: '压测客服中心', slug: `bench-reports-${Date.now()}` });
  const team = await createTeam(db, workspace.id, { name: '一线', description: '' });
  const agents: string[] = [];
  for (let i = 0; i < 50; i++) {
    const user = await createUser(db, { email: `agent${i}@bench.test`, name: `坐席${i}`, passwordHash: 'x' });
    await addMembership(db, { workspaceId: workspace.id, userId: user.id, role: 'agent' });
    await addTeamMember(db, workspace.id, team.id, user.id);
    agents.push(user.id);
  }
  const supervisor = await createUser(db, { email: 'supervisor@bench.test', name: '主管', passwordHash: 'x' });
  await addMembership(db, { workspaceId: workspace.id, userId: supervisor.id, role: 'supervisor' });
  const inboxes: string[] = [];
  for (const kind of ['widget', 'sms', 'api'] as const)
    inboxes.push((await createInbox(db, workspace.id, { kind, name: kind, defaultTeamId: team.id, settings: {} })).id);
  const ws = workspace.id;
  await db.execute(sql`insert into customers (workspace_id, name) select ${ws}::uuid, '顾客' || g from generate_series(1, 5000) g`);
  const start = new Date(END.getTime() - 365 * 86_400_000);
  const step = (365 * 86_400_000) / conversations;
  const agentArray = sql`${`{${agents.join(',')}}`}::uuid[]`;
  const inboxArray = sql`${`{${inboxes.join(',')}}`}::uuid[]`;
  const batch = 50_000;
  for (let from = 0; from < conversations; from += batch) {
    const to = Math.min(conversations, from + batch) - 1;
    await db.transaction(async (tx) => {
      await tx.execute(sql`create temp table seed on commit drop as
        select g as n, gen_random_uuid() as id,
          ${start.toISOString()}::timestamptz + make_interval(secs => g * ${step / 1000}::float8) as created,
          (${inboxArray})[1 + g % 3] as inbox_id, (array['widget', 'sms', 'api'])[1 + g % 3] as channel,
          (${agentArray})[1 + g % 50] as agent_id, g % 10 = 0 as abandoned,
          make_interval(secs => (g * 7919) % 60) as wait, make_interval(secs => 300 + (g * 104729) % 540) as handle
        from generate_series(${from}::int, ${to}::int) g`);
      await tx.execute(sql`insert into conversations (id, workspace_id, inbox_id, channel, customer_id, state, assignee_id, team_id, created_at, updated_at, queued_at, resolved_at, last_seq)
        select s.id, ${ws}::uuid, s.inbox_id, s.channel, (select id from customers where workspace_id = ${ws} order by id offset (s.n % 5000) limit 1),
          'resolved', case when s.abandoned then null else s.agent_id end, ${team.id}::uuid, s.created, s.created, s.created,
          s.created + s.wait + s.handle, 4 from seed s`);
      await tx.execute(sql`insert into routing_events (workspace_id, type, conversation_id, user_id, team_id, created_at)
        select ${ws}::uuid, 'queued', s.id, null, ${team.id}::uuid, s.created from seed s
        union all select ${ws}::uuid, case when s.abandoned then 'abandoned' else 'assigned' end, s.id,
          case when s.abandoned then null else s.agent_id end, ${team.id}::uuid, s.created + case when s.abandoned then s.wait * 2 else s.wait end from seed s`);
      await tx.execute(sql`insert into messages (workspace_id, conversation_id, seq, kind, text, sender_type, sender_id, event, created_at)
        select ${ws}::uuid, s.id, 1, 'in', '你好', 'customer', null, null, s.created from seed s
        union all select ${ws}::uuid, s.id, 2, 'event', '', 'system', null,
          jsonb_build_object('type', 'assigned', 'assigneeId', s.agent_id, 'teamId', ${team.id}::text), s.created + s.wait from seed s where not s.abandoned
        union all select ${ws}::uuid, s.id, 3, 'out', '您好', 'agent', s.agent_id::text, null, s.created + s.wait + interval '30 seconds' from seed s where not s.abandoned
        union all select ${ws}::uuid, s.id, 4, 'event', '', case when s.abandoned then 'system' else 'agent' end, null,
          case when s.abandoned then '{"type":"resolved","endedBy":"customer","abandoned":true}'::jsonb else '{"type":"resolved"}'::jsonb end,
          s.created + case when s.abandoned then s.wait * 2 else s.wait + s.handle end from seed s`);
    });
  }
  await db.execute(sql`analyze`);
  return { workspaceId: ws, supervisorId: supervisor.id, end: END };
}
