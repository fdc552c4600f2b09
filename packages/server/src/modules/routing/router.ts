import { and, asc, desc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { Database } from '../../platform/db/pool.js';
import { assignConversation } from '../conversations/commands.js';
import { conversations } from '../conversations/schema.js';
import type { Appended } from '../conversations/write-path.js';
import { teamMembers, teams } from '../teams/schema.js';
import { memberships } from '../users/schema.js';
import { getWorkspace, workspaceSettings } from '../workspaces/service.js';
import { DEFAULT_CAPACITY, rankAgents, type Algorithm, type Candidate } from './choose.js';
import type { RoutingEvent } from './events.js';
import { agentCapacities, agentStates, routingEvents } from './schema.js';

/** A team's queue on one channel: if its first conversation can't be placed, neither can the rest. */
export interface QueueKey {
  teamId: string;
  channel: string;
}

export interface RouteResult {
  /** Each assignment made, to publish after commit. */
  assigned: { appended: Appended; userId: string }[];
  /** Queues found with no agent that has room: skip them for the rest of the pass. */
  blocked: QueueKey[];
  /** Every agent with room for some conversation was held by another router: try again soon. */
  contended: boolean;
  /** Nothing was queued (beyond the skipped queues). */
  empty: boolean;
}

const ROUTER = { type: 'system' as const, id: null, name: null };
/** Conversations taken per transaction: one ranking of the agents serves the whole batch. */
export const ROUTING_BATCH = 25;

type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
type ConversationRow = typeof conversations.$inferSelect;
type TeamRow = typeof teams.$inferSelect;
interface Agent extends Candidate {
  teamId: string;
}

/**
 * One routing step, in one transaction: the first queued conversations nobody else is routing
 * (FOR UPDATE SKIP LOCKED, in queue order), each team's online agents ranked by its algorithm
 * (sticky agent first), then for each conversation the best agent whose presence row we can
 * lock, its load recounted under the lock the first time. Locks, not process memory, make it
 * safe with any number of routers: a conversation is taken by one router, an agent's capacity
 * checked by one at a time; within the batch the router counts what it gave each agent.
 *
 * The router reads the conversations, teams and memberships tables directly: it is the one
 * place that joins them, and only reads them (assignment itself goes through the
 * conversations module).
 */
export async function routeOnce(db: Database, workspaceId: string, skip: QueueKey[] = []): Promise<RouteResult> {
  return db.transaction(async (tx) => {
    const result: RouteResult = { assigned: [], blocked: [], contended: false, empty: false };
    const batch = await takeQueue(tx, workspaceId, skip, result);
    if (batch.length === 0) return result;

    const pools = new AgentPools(tx, workspaceId);
    const lastAgents = await lastAgentsOf(
      tx,
      workspaceId,
      batch.map((row) => row.conversation),
    );
    const events: RoutingEvent[] = [];
    const isBlocked = (queue: QueueKey) => result.blocked.some((item) => item.teamId === queue.teamId && item.channel === queue.channel);

    for (const { conversation, team } of batch) {
      const queue = { teamId: conversation.teamId!, channel: conversation.channel };
      // Queue order holds within a queue: once one of its conversations waits, the later ones wait too.
      if (isBlocked(queue)) continue;
      const waitedSeconds = conversation.queuedAt ? (Date.now() - conversation.queuedAt.getTime()) / 1000 : 0;
      const overflowing = Boolean(team.overflowTeamId && team.overflowAfterSeconds !== null && waitedSeconds >= team.overflowAfterSeconds);
      const online = await pools.candidates(team, conversation.channel, overflowing);
      const sticky = stickyAgent(team, online, lastAgents.get(conversation.customerId));
      const ranked = rankAgents(online, team.algorithm as Algorithm, pools.roundRobinLast(team));
      const order = sticky ? [sticky, ...ranked.filter((candidate) => candidate.userId !== sticky.userId)] : ranked;

      let chosen: Agent | undefined;
      let contended = false;
      for (const candidate of order) {
        const claim = await pools.claim(candidate, conversation.channel);
        if (claim === 'held') contended = true;
        else if (claim === 'room') {
          chosen = candidate;
          break;
        }
      }
      if (!chosen) {
        // Agents busy with another router's assignment may still have room: retry, don't skip the
        // queue — and stop this batch, so no later conversation gets an agent before this one.
        if (!contended) result.blocked.push(queue);
        result.contended ||= contended;
        if (contended) break;
        continue;
      }
      const overflowed = chosen.teamId !== team.id;
      const loadBefore = chosen.load;
      const appended = await assignConversation(
        tx,
        workspaceId,
        conversation.id,
        ROUTER,
        { assigneeId: chosen.userId },
        {},
        { locked: conversation },
      );
      pools.gave(chosen, conversation.channel, team, sticky?.userId === chosen.userId || overflowed);
      result.assigned.push({ appended, userId: chosen.userId });
      if (overflowed) {
        events.push({
          workspaceId,
          type: 'overflowed',
          conversationId: conversation.id,
          teamId: team.overflowTeamId,
          details: { fromTeamId: team.id, waitedSeconds },
        });
      }
      // Assignment is immediate (no accept step yet): the offer and the assignment are one moment.
      events.push({
        workspaceId,
        type: 'offered',
        conversationId: conversation.id,
        userId: chosen.userId,
        teamId: conversation.teamId,
        details: { algorithm: sticky?.userId === chosen.userId ? 'sticky' : team.algorithm },
      });
      events.push({
        workspaceId,
        type: 'assigned',
        conversationId: conversation.id,
        userId: chosen.userId,
        teamId: conversation.teamId,
        details: {
          algorithm: sticky?.userId === chosen.userId ? 'sticky' : team.algorithm,
          overflow: overflowed,
          loadBefore,
          capacity: chosen.capacity,
          waitedMs: conversation.queuedAt ? Date.now() - conversation.queuedAt.getTime() : null,
        },
      });
    }
    if (events.length > 0) await tx.insert(routingEvents).values(events);
    await pools.save();
    return result;
  });
}

/** Namespace of the routers' advisory locks: one queue (team and channel) is routed by one router at a time. */
const QUEUE_LOCK_NAMESPACE = 0x4855_4c51; // "HULQ"
const MAX_QUEUES_TRIED = 10;

/**
 * The head of the first queue (team and channel) with conversations waiting that no other
 * router is working on: a transaction-level advisory lock per queue keeps its order exact
 * (with two routers in one queue, the second would hand later conversations to agents while
 * the first still places earlier ones), while different queues are routed in parallel. The
 * conversations themselves are locked too (SKIP LOCKED), against manual assignment.
 * A queue another router holds is reported blocked: that router finishes it, and the sweep
 * catches anything left if it dies.
 */
async function takeQueue(tx: Tx, workspaceId: string, skip: QueueKey[], result: RouteResult) {
  const waiting = (queues: QueueKey[]) =>
    and(
      eq(conversations.workspaceId, workspaceId),
      eq(conversations.state, 'queued'),
      sql`${conversations.assigneeId} is null`,
      sql`${teams.algorithm} <> 'manual'`,
      ...queues.map((queue) => sql`not (${conversations.teamId} = ${queue.teamId} and ${conversations.channel} = ${queue.channel})`),
    );
  for (let tries = 0; tries < MAX_QUEUES_TRIED; tries++) {
    const [head] = await tx
      .select({ teamId: conversations.teamId, channel: conversations.channel })
      .from(conversations)
      .innerJoin(teams, eq(teams.id, conversations.teamId))
      .where(waiting([...skip, ...result.blocked]))
      .orderBy(desc(conversations.queuePriority), asc(conversations.queuedAt), asc(conversations.id))
      .limit(1);
    if (!head) {
      result.empty = result.blocked.length === 0;
      return [];
    }
    const queue = { teamId: head.teamId!, channel: head.channel };
    const { rows } = await tx.execute<{ locked: boolean }>(
      sql`select pg_try_advisory_xact_lock(${QUEUE_LOCK_NAMESPACE}, hashtext(${queue.teamId} || ':' || ${queue.channel})) as locked`,
    );
    if (!rows[0]?.locked) {
      result.blocked.push(queue);
      continue;
    }
    return tx
      .select({ conversation: conversations, team: teams })
      .from(conversations)
      .innerJoin(teams, eq(teams.id, conversations.teamId))
      .where(and(waiting([]), eq(conversations.teamId, queue.teamId), sql`${conversations.channel} = ${queue.channel}`))
      .orderBy(desc(conversations.queuePriority), asc(conversations.queuedAt), asc(conversations.id))
      .limit(ROUTING_BATCH)
      .for('update', { of: conversations, skipLocked: true });
  }
  return [];
}

/**
 * The agents a batch may assign to, fetched once per team and channel, with the loads the
 * router knows: recounted under the agent's lock when first claimed for a channel, then
 * counted up as the batch assigns.
 */
class AgentPools {
  private readonly pools = new Map<string, { channel: string; agents: Agent[] }>();
  /** Agents whose presence row this transaction tried to lock: true when it holds it and they are online. */
  private readonly locks = new Map<string, boolean>();
  /** Loads known for certain (counted under the lock, then counted up), by `user:channel`. */
  private readonly loads = new Map<string, number>();
  private readonly idle = new Map<string, Date>();
  private readonly rotation = new Map<string, string>();
  /** The workspace's default capacities per channel, read once per batch. */
  private defaults: Partial<Record<string, number>> | undefined;

  constructor(
    private readonly tx: Tx,
    private readonly workspaceId: string,
  ) {}

  /** The online agents of the team (and of its overflow team when overflowing), one entry each. */
  async candidates(team: TeamRow, channel: string, overflowing: boolean): Promise<Agent[]> {
    const key = `${team.id}:${channel}:${overflowing}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = { channel, agents: await this.fetch(team, channel, overflowing) };
      this.pools.set(key, pool);
    }
    return pool.agents;
  }

  roundRobinLast(team: TeamRow): string | null {
    return this.rotation.get(team.id) ?? team.roundRobinLastUserId;
  }

  /** Locks the agent's presence row (once per batch) and tells whether they still have room. */
  async claim(agent: Agent, channel: string): Promise<'room' | 'full' | 'held'> {
    let mine = this.locks.get(agent.userId);
    if (mine === undefined) {
      const [locked] = await this.tx
        .select({ status: agentStates.status })
        .from(agentStates)
        .where(and(eq(agentStates.workspaceId, this.workspaceId), eq(agentStates.userId, agent.userId)))
        .for('update', { skipLocked: true });
      mine = Boolean(locked && locked.status === 'online');
      this.locks.set(agent.userId, mine);
      if (!locked) return 'held';
    }
    if (!mine) return 'full';
    if (!this.loads.has(`${agent.userId}:${channel}`)) {
      // Under the lock, a fresh count (a new statement sees every committed assignment) decides.
      const load = (await loadsOf(this.tx, this.workspaceId, [agent.userId], channel)).get(agent.userId) ?? 0;
      this.setLoad(agent.userId, channel, load);
    }
    return agent.load < agent.capacity ? 'room' : 'full';
  }

  /** Counts the assignment: the agent's load, idle time and the team's rotation. */
  gave(agent: Agent, channel: string, team: TeamRow, outOfRotation: boolean): void {
    this.setLoad(agent.userId, channel, agent.load + 1);
    const now = new Date();
    this.idle.set(agent.userId, now);
    for (const pool of this.pools.values()) for (const item of pool.agents) if (item.userId === agent.userId) item.lastAssignedAt = now;
    if (team.algorithm === 'round_robin' && !outOfRotation) this.rotation.set(team.id, agent.userId);
  }

  /** Writes what the batch changed: each assigned agent's last assignment, each team's rotation. */
  async save(): Promise<void> {
    if (this.idle.size > 0) {
      await this.tx
        .update(agentStates)
        .set({ lastAssignedAt: sql`now()` })
        .where(and(eq(agentStates.workspaceId, this.workspaceId), inArray(agentStates.userId, [...this.idle.keys()])));
    }
    for (const [teamId, userId] of this.rotation)
      await this.tx.update(teams).set({ roundRobinLastUserId: userId }).where(eq(teams.id, teamId));
  }

  private setLoad(userId: string, channel: string, load: number): void {
    this.loads.set(`${userId}:${channel}`, load);
    for (const pool of this.pools.values()) {
      if (pool.channel !== channel) continue;
      for (const item of pool.agents) if (item.userId === userId) item.load = load;
    }
  }

  private async fetch(team: TeamRow, channel: string, overflowing: boolean): Promise<Agent[]> {
    const eligibleTeams = overflowing ? [team.id, team.overflowTeamId!] : [team.id];
    const rows = await this.tx
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
        and(eq(memberships.userId, agentStates.userId), eq(memberships.workspaceId, this.workspaceId), eq(memberships.active, true)),
      )
      .where(and(eq(agentStates.workspaceId, this.workspaceId), eq(agentStates.status, 'online')));
    // One entry per agent: an agent in both teams counts once, as a member of the home team.
    const online = [
      ...new Map(
        rows
          .filter((row) => row.teamId !== team.id)
          .concat(rows.filter((row) => row.teamId === team.id))
          .map((row) => [row.userId, row]),
      ).values(),
    ];
    if (online.length === 0) return [];
    const ids = online.map((agent) => agent.userId);
    // Loads as of now, without locks: good enough to rank; a claimed agent is recounted under lock.
    const loads = await loadsOf(this.tx, this.workspaceId, ids, channel);
    const overrides = await this.tx
      .select()
      .from(agentCapacities)
      .where(
        and(
          eq(agentCapacities.workspaceId, this.workspaceId),
          inArray(agentCapacities.userId, ids),
          sql`${agentCapacities.channel} = ${channel}`,
        ),
      );
    this.defaults ??= workspaceSettings(await getWorkspace(this.tx, this.workspaceId)).defaultCapacities;
    const defaultCapacity = this.defaults[channel] ?? DEFAULT_CAPACITY[channel] ?? 5;
    return online.map((agent) => ({
      ...agent,
      lastAssignedAt: this.idle.get(agent.userId) ?? agent.lastAssignedAt,
      load: this.loads.get(`${agent.userId}:${channel}`) ?? loads.get(agent.userId) ?? 0,
      capacity: overrides.find((row) => row.userId === agent.userId)?.capacity ?? defaultCapacity,
    }));
  }
}

/**
 * 熟人服务: a returning customer goes back to the agent who served them last, within the
 * team's window, when that agent is among the candidates with room.
 */
function stickyAgent(team: TeamRow, candidates: Agent[], last: { assigneeId: string; at: Date } | undefined) {
  if (team.stickyHours <= 0 || !last || last.at.getTime() < Date.now() - team.stickyHours * 3_600_000) return undefined;
  const candidate = candidates.find((item) => item.userId === last.assigneeId);
  return candidate && candidate.load < candidate.capacity ? candidate : undefined;
}

/** Each customer's most recent other conversation that had an agent: one query for the batch. */
async function lastAgentsOf(tx: Tx, workspaceId: string, batch: ConversationRow[]) {
  const customerIds = [...new Set(batch.map((conversation) => conversation.customerId))];
  const rows = await tx
    .selectDistinctOn([conversations.customerId], {
      customerId: conversations.customerId,
      assigneeId: conversations.assigneeId,
      at: conversations.createdAt,
    })
    .from(conversations)
    .where(
      and(
        eq(conversations.workspaceId, workspaceId),
        inArray(conversations.customerId, customerIds),
        notInArray(
          conversations.id,
          batch.map((conversation) => conversation.id),
        ),
        sql`${conversations.assigneeId} is not null`,
      ),
    )
    .orderBy(conversations.customerId, desc(conversations.createdAt));
  return new Map(rows.map((row) => [row.customerId, { assigneeId: row.assigneeId!, at: row.at }]));
}

/** Open conversations of a channel per agent. */
async function loadsOf(tx: Tx, workspaceId: string, userIds: string[], channel: string) {
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
