import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/pool.js';
import { assignConversation } from '../conversations/commands.js';
import { conversations } from '../conversations/schema.js';
import type { Appended } from '../conversations/write-path.js';
import { teamMembers, teams } from '../teams/schema.js';
import { memberships } from '../users/schema.js';
import { getWorkspace, workspaceSettings } from '../workspaces/service.js';
import { DEFAULT_CAPACITY, rankAgents, type Algorithm, type Candidate } from './choose.js';
import { agentCapacities, agentStates, routingEvents } from './schema.js';

/** A team's queue on one channel: if its first conversation can't be placed, neither can the rest. */
export interface QueueKey {
  teamId: string;
  channel: string;
}

export type RouteResult =
  | { kind: 'assigned'; appended: Appended; userId: string }
  | { kind: 'blocked'; queue: QueueKey }
  /** Every agent with room was held by another router: try again rather than skip the team. */
  | { kind: 'retry' }
  | { kind: 'empty' };

const ROUTER = { type: 'system' as const, id: null, name: null };

/**
 * One routing step, in one transaction: the first queued conversation nobody else is routing
 * (FOR UPDATE SKIP LOCKED), the team's online agents ranked by the algorithm (sticky agent
 * first), then the best one whose presence row we can lock, its load recounted under the lock.
 * Locks, not process memory, make it safe with any number of routers: a conversation is taken
 * by one router, an agent's capacity checked by one at a time.
 *
 * The router reads the conversations, teams and memberships tables directly: it is the one
 * place that joins them, and only reads them (assignment itself goes through the
 * conversations module).
 */
export async function routeOnce(db: Database, workspaceId: string, skip: QueueKey[] = []): Promise<RouteResult> {
  return db.transaction(async (tx) => {
    const [next] = await tx
      .select({ conversation: conversations, team: teams })
      .from(conversations)
      .innerJoin(teams, eq(teams.id, conversations.teamId))
      .where(
        and(
          eq(conversations.workspaceId, workspaceId),
          eq(conversations.state, 'queued'),
          sql`${conversations.assigneeId} is null`,
          sql`${teams.algorithm} <> 'manual'`,
          ...skip.map((queue) => sql`not (${conversations.teamId} = ${queue.teamId} and ${conversations.channel} = ${queue.channel})`),
        ),
      )
      .orderBy(desc(conversations.queuePriority), asc(conversations.queuedAt), asc(conversations.id))
      .limit(1)
      .for('update', { of: conversations, skipLocked: true });
    if (!next) return { kind: 'empty' };
    const { conversation, team } = next;
    const waitedSeconds = conversation.queuedAt ? (Date.now() - conversation.queuedAt.getTime()) / 1000 : 0;
    const overflowing = Boolean(team.overflowTeamId && team.overflowAfterSeconds !== null && waitedSeconds >= team.overflowAfterSeconds);
    const eligibleTeams = overflowing ? [team.id, team.overflowTeamId!] : [team.id];

    const rows = await tx
      .select({
        userId: agentStates.userId,
        lastAssignedAt: agentStates.lastAssignedAt,
        proficiency: teamMembers.proficiency,
        teamId: teamMembers.teamId,
      })
      .from(agentStates)
      .innerJoin(teamMembers, and(eq(teamMembers.userId, agentStates.userId), inArray(teamMembers.teamId, eligibleTeams)))
      .innerJoin(
        memberships,
        and(eq(memberships.userId, agentStates.userId), eq(memberships.workspaceId, workspaceId), eq(memberships.active, true)),
      )
      .where(and(eq(agentStates.workspaceId, workspaceId), eq(agentStates.status, 'online')));
    // One entry per agent: an agent in both teams counts once, as a member of the home team.
    const online = [
      ...new Map(
        rows
          .filter((row) => row.teamId !== team.id)
          .concat(rows.filter((row) => row.teamId === team.id))
          .map((row) => [row.userId, row]),
      ).values(),
    ];
    const queue = { teamId: conversation.teamId!, channel: conversation.channel };
    if (online.length === 0) return { kind: 'blocked', queue };

    // Loads as of now, without locks: good enough to rank; the chosen agent is re-checked under lock.
    const ids = online.map((agent) => agent.userId);
    const loads = await loadsOf(tx, workspaceId, ids, conversation.channel);
    const overrides = await tx
      .select()
      .from(agentCapacities)
      .where(
        and(
          eq(agentCapacities.workspaceId, workspaceId),
          inArray(agentCapacities.userId, ids),
          eq(agentCapacities.channel, conversation.channel),
        ),
      );
    const defaultCapacity =
      workspaceSettings(await getWorkspace(tx, workspaceId)).defaultCapacities[conversation.channel] ??
      DEFAULT_CAPACITY[conversation.channel] ??
      5;
    const candidates: Candidate[] = online.map((agent) => ({
      userId: agent.userId,
      lastAssignedAt: agent.lastAssignedAt,
      proficiency: agent.proficiency,
      load: loads.get(agent.userId) ?? 0,
      capacity: overrides.find((row) => row.userId === agent.userId)?.capacity ?? defaultCapacity,
    }));
    const sticky = await stickyAgent(tx, workspaceId, conversation, team.stickyHours, candidates);
    const ranked = rankAgents(candidates, team.algorithm as Algorithm, team.roundRobinLastUserId);
    const order = sticky ? [sticky, ...ranked.filter((candidate) => candidate.userId !== sticky.userId)] : ranked;
    if (order.length === 0) return { kind: 'blocked', queue };

    // Lock only the agent about to get it; one another router holds is skipped, not waited for.
    // Under the lock, a fresh count (a new statement sees every committed assignment) decides.
    let chosen: Candidate | undefined;
    let contended = false;
    for (const candidate of order) {
      const [locked] = await tx
        .select({ status: agentStates.status })
        .from(agentStates)
        .where(and(eq(agentStates.workspaceId, workspaceId), eq(agentStates.userId, candidate.userId)))
        .for('update', { skipLocked: true });
      if (!locked) {
        contended = true;
        continue;
      }
      const load = (await loadsOf(tx, workspaceId, [candidate.userId], conversation.channel)).get(candidate.userId) ?? 0;
      if (locked.status === 'online' && load < candidate.capacity) {
        chosen = { ...candidate, load };
        break;
      }
    }
    // Agents busy with another router's assignment may still have room: try again, don't skip the team.
    if (!chosen) return contended ? { kind: 'retry' } : { kind: 'blocked', queue };
    const overflowed = online.find((agent) => agent.userId === chosen.userId)?.teamId !== team.id;

    const appended = await assignConversation(tx, workspaceId, conversation.id, ROUTER, { assigneeId: chosen.userId });
    await tx
      .update(agentStates)
      .set({ lastAssignedAt: sql`now()` })
      .where(and(eq(agentStates.workspaceId, workspaceId), eq(agentStates.userId, chosen.userId)));
    if (team.algorithm === 'round_robin' && sticky?.userId !== chosen.userId && !overflowed) {
      await tx.update(teams).set({ roundRobinLastUserId: chosen.userId }).where(eq(teams.id, team.id));
    }
    if (overflowed) {
      await tx.insert(routingEvents).values({
        workspaceId,
        type: 'overflowed',
        conversationId: conversation.id,
        teamId: team.overflowTeamId,
        details: { fromTeamId: team.id, waitedSeconds },
      });
    }
    // Assignment is immediate (no accept step yet): the offer and the assignment are one moment,
    // written by one statement (rows take their ids in order: offered, then assigned).
    const algorithm = sticky?.userId === chosen.userId ? 'sticky' : team.algorithm;
    const event = { workspaceId, conversationId: conversation.id, userId: chosen.userId, teamId: conversation.teamId };
    await tx.insert(routingEvents).values([
      { ...event, type: 'offered', details: { algorithm } },
      {
        ...event,
        type: 'assigned',
        details: {
          algorithm,
          overflow: overflowed,
          loadBefore: chosen.load,
          capacity: chosen.capacity,
          waitedMs: conversation.queuedAt ? Date.now() - conversation.queuedAt.getTime() : null,
        },
      },
    ]);
    return { kind: 'assigned', appended, userId: chosen.userId };
  });
}

/**
 * 熟人服务: a returning customer goes back to the agent who served them last, within the
 * team's window, when that agent is among the candidates with room.
 */
async function stickyAgent(
  tx: Parameters<Parameters<Database['transaction']>[0]>[0],
  workspaceId: string,
  conversation: typeof conversations.$inferSelect,
  stickyHours: number,
  candidates: Candidate[],
): Promise<Candidate | undefined> {
  if (stickyHours <= 0) return undefined;
  const [last] = await tx
    .select({ assigneeId: conversations.assigneeId })
    .from(conversations)
    .where(
      and(
        eq(conversations.workspaceId, workspaceId),
        eq(conversations.customerId, conversation.customerId),
        sql`${conversations.id} <> ${conversation.id}`,
        sql`${conversations.assigneeId} is not null`,
        sql`${conversations.createdAt} > now() - make_interval(hours => ${stickyHours})`,
      ),
    )
    .orderBy(desc(conversations.createdAt))
    .limit(1);
  const candidate = last ? candidates.find((item) => item.userId === last.assigneeId) : undefined;
  return candidate && candidate.load < candidate.capacity ? candidate : undefined;
}

/** Open conversations of a channel per agent. */
async function loadsOf(tx: Parameters<Parameters<Database['transaction']>[0]>[0], workspaceId: string, userIds: string[], channel: string) {
  const rows = await tx
    .select({ userId: conversations.assigneeId, load: sql<number>`count(*)::int` })
    .from(conversations)
    .where(
      and(
        eq(conversations.workspaceId, workspaceId),
        inArray(conversations.assigneeId, userIds),
        inArray(conversations.state, ['assigned', 'waiting']),
        sql`${conversations.channel} = ${channel}`,
      ),
    )
    .groupBy(conversations.assigneeId);
  return new Map(rows.map((row) => [row.userId!, row.load]));
}
