import type { AgentState, Wallboard, WallboardStats } from '@huiliu/contracts';
import { ChannelKind } from '@huiliu/contracts';
import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import { DEFAULT_CAPACITY } from '../routing/choose.js';
import type { Executor } from '../users/service.js';
import { getWorkspace, workspaceSettings } from '../workspaces/service.js';

/*
 * The supervisor's numbers, read straight from the conversations, routing events, presence and
 * membership tables (never from process memory), so every server process answers the same.
 * Like the router, this is a reader of other modules' tables that writes none of them.
 */

type Stats = z.infer<typeof WallboardStats>;
type Presence = 'online' | 'busy' | 'away' | 'offline';

const rowsOf = async <Row>(db: Executor, query: ReturnType<typeof sql>) => (await db.execute(query)).rows as Row[];

const emptyStats = (): Stats => ({
  waiting: 0,
  longestWaitSeconds: 0,
  agents: { online: 0, busy: 0, away: 0, offline: 0 },
  inProgress: 0,
  offered: 0,
  answered: 0,
  answeredWithinTarget: 0,
  abandoned: 0,
  serviceLevel: null,
});

/** The live queue and today's service figures, per team and overall, "today" in the workspace's time zone. */
export async function computeWallboard(db: Executor, workspaceId: string): Promise<z.infer<typeof Wallboard>> {
  const workspace = await getWorkspace(db, workspaceId);
  const defaultTarget = workspaceSettings(workspace).serviceLevelTargetSeconds;
  const [clock] = await rowsOf<{ now: Date; day_start: Date }>(
    db,
    sql`select now() as now, (date_trunc('day', now() at time zone ${workspace.timezone}) at time zone ${workspace.timezone}) as day_start`,
  );
  const dayStart = new Date(clock!.day_start);

  const teamRows = await rowsOf<{ id: string; name: string; target: number | null }>(
    db,
    sql`select id, name, service_level_target_seconds as target from teams where workspace_id = ${workspaceId} order by name`,
  );
  const targetOf = (teamId: string | null) => teamRows.find((team) => team.id === teamId)?.target ?? defaultTarget;
  const overall = emptyStats();
  const perTeam = new Map(teamRows.map((team) => [team.id, emptyStats()]));
  /** Adds to the team's figures (if it is a team) and the overall ones. */
  const add = (teamId: string | null, apply: (stats: Stats) => void, alsoOverall = true) => {
    const team = teamId ? perTeam.get(teamId) : undefined;
    if (team) apply(team);
    if (alsoOverall) apply(overall);
  };

  const queue = await rowsOf<{ team_id: string | null; waiting: number; longest: number }>(
    db,
    sql`select team_id, count(*)::int as waiting,
          coalesce(floor(extract(epoch from max(now() - coalesce(queued_at, created_at)))), 0)::int as longest
        from conversations
        where workspace_id = ${workspaceId} and state = 'queued' and assignee_id is null
        group by team_id`,
  );
  for (const row of queue)
    add(row.team_id, (stats) => {
      stats.waiting += row.waiting;
      stats.longestWaitSeconds = Math.max(stats.longestWaitSeconds, row.longest);
    });

  const inProgress = await rowsOf<{ team_id: string | null; count: number }>(
    db,
    sql`select team_id, count(*)::int as count from conversations
        where workspace_id = ${workspaceId} and state in ('assigned', 'waiting') and assignee_id is not null
        group by team_id`,
  );
  for (const row of inProgress) add(row.team_id, (stats) => (stats.inProgress += row.count));

  // Agents: per team its active members; overall every active member who is in a team or has a presence.
  const teamPresence = await rowsOf<{ team_id: string; status: Presence; count: number }>(
    db,
    sql`select tm.team_id, coalesce(s.status, 'offline') as status, count(*)::int as count
        from team_members tm
        join memberships m on m.workspace_id = tm.workspace_id and m.user_id = tm.user_id and m.active
        left join agent_states s on s.workspace_id = tm.workspace_id and s.user_id = tm.user_id
        where tm.workspace_id = ${workspaceId}
        group by 1, 2`,
  );
  for (const row of teamPresence) add(row.team_id, (stats) => (stats.agents[row.status] += row.count), false);
  const allPresence = await rowsOf<{ status: Presence; count: number }>(
    db,
    sql`select coalesce(s.status, 'offline') as status, count(*)::int as count
        from memberships m
        left join agent_states s on s.workspace_id = m.workspace_id and s.user_id = m.user_id
        where m.workspace_id = ${workspaceId} and m.active
          and (s.user_id is not null or exists (select 1 from team_members tm where tm.workspace_id = m.workspace_id and tm.user_id = m.user_id))
        group by 1`,
  );
  for (const row of allPresence) overall.agents[row.status] += row.count;

  // Today's flow, from the routing events.
  const offered = await rowsOf<{ team_id: string | null; count: number }>(
    db,
    sql`select team_id, count(distinct conversation_id)::int as count from routing_events
        where workspace_id = ${workspaceId} and type = 'queued' and created_at >= ${dayStart}
        group by team_id`,
  );
  for (const row of offered) add(row.team_id, (stats) => (stats.offered += row.count), false);
  const [offeredOverall] = await rowsOf<{ count: number }>(
    db,
    sql`select count(distinct conversation_id)::int as count from routing_events
        where workspace_id = ${workspaceId} and type = 'queued' and created_at >= ${dayStart}`,
  );
  overall.offered = offeredOverall?.count ?? 0;

  // Each conversation answered once a day: its first assignment today, judged by its wait then.
  const answered = await rowsOf<{ team_id: string | null; waited_ms: number | null }>(
    db,
    sql`select distinct on (conversation_id) team_id, (details->>'waitedMs')::float8 as waited_ms from routing_events
        where workspace_id = ${workspaceId} and type = 'assigned' and created_at >= ${dayStart}
        order by conversation_id, id`,
  );
  for (const row of answered) {
    const within = row.waited_ms !== null && row.waited_ms <= targetOf(row.team_id) * 1000;
    add(row.team_id, (stats) => {
      stats.answered += 1;
      if (within) stats.answeredWithinTarget += 1;
    });
  }

  const abandoned = await rowsOf<{ team_id: string | null; count: number }>(
    db,
    sql`select team_id, count(distinct conversation_id)::int as count from routing_events
        where workspace_id = ${workspaceId} and type = 'abandoned' and created_at >= ${dayStart}
        group by team_id`,
  );
  for (const row of abandoned) add(row.team_id, (stats) => (stats.abandoned += row.count));

  const level = (stats: Stats) => ({ ...stats, serviceLevel: stats.offered > 0 ? stats.answeredWithinTarget / stats.offered : null });
  return {
    generatedAt: new Date(clock!.now).toISOString(),
    timezone: workspace.timezone,
    dayStartedAt: dayStart.toISOString(),
    serviceLevelTargetSeconds: defaultTarget,
    overall: level(overall),
    teams: teamRows.map((team) => ({
      teamId: team.id,
      name: team.name,
      serviceLevelTargetSeconds: team.target ?? defaultTarget,
      ...level(perTeam.get(team.id)!),
    })),
  };
}

/** Every active member with their presence, time in it, and load against capacity per channel. */
export async function listAgentStates(db: Executor, workspaceId: string, teamId?: string): Promise<z.infer<typeof AgentState>[]> {
  const defaults = workspaceSettings(await getWorkspace(db, workspaceId)).defaultCapacities;
  const teamFilter = teamId
    ? sql`and exists (select 1 from team_members tm where tm.workspace_id = m.workspace_id and tm.user_id = m.user_id and tm.team_id = ${teamId})`
    : sql``;
  const people = await rowsOf<{
    user_id: string;
    name: string;
    email: string;
    role: 'admin' | 'supervisor' | 'agent';
    status: Presence | null;
    status_since: Date | null;
    last_assigned_at: Date | null;
    seconds: number | null;
    team_ids: string[];
  }>(
    db,
    sql`select m.user_id, u.name, u.email, m.role, s.status, s.status_since, s.last_assigned_at,
          floor(extract(epoch from now() - s.status_since))::int as seconds,
          coalesce((select array_agg(tm.team_id order by tm.created_at) from team_members tm
                    where tm.workspace_id = m.workspace_id and tm.user_id = m.user_id), '{}') as team_ids
        from memberships m
        join users u on u.id = m.user_id
        left join agent_states s on s.workspace_id = m.workspace_id and s.user_id = m.user_id
        where m.workspace_id = ${workspaceId} and m.active ${teamFilter}
        order by u.name, m.user_id`,
  );
  const loads = await rowsOf<{ user_id: string; channel: string; count: number }>(
    db,
    sql`select assignee_id as user_id, channel, count(*)::int as count from conversations
        where workspace_id = ${workspaceId} and state in ('assigned', 'waiting') and assignee_id is not null
        group by 1, 2`,
  );
  const overrides = await rowsOf<{ user_id: string; channel: string; capacity: number }>(
    db,
    sql`select user_id, channel, capacity from agent_capacities where workspace_id = ${workspaceId}`,
  );
  const iso = (value: Date | null) => (value ? new Date(value).toISOString() : null);
  return people.map((person) => {
    const load = ChannelKind.options.map((channel) => ({
      channel,
      active: loads.find((row) => row.user_id === person.user_id && row.channel === channel)?.count ?? 0,
      capacity:
        overrides.find((row) => row.user_id === person.user_id && row.channel === channel)?.capacity ??
        defaults[channel] ??
        DEFAULT_CAPACITY[channel] ??
        5,
    }));
    return {
      userId: person.user_id,
      name: person.name,
      email: person.email,
      role: person.role,
      teamIds: person.team_ids,
      status: person.status ?? 'offline',
      statusSince: iso(person.status_since),
      secondsInStatus: person.seconds,
      lastAssignedAt: iso(person.last_assigned_at),
      activeConversations: load.reduce((sum, item) => sum + item.active, 0),
      load,
    };
  });
}
