import { and, eq, inArray, sql } from 'drizzle-orm';
import { writeOutbox } from '../../platform/outbox/outbox.js';
import { requeueAgentConversations } from '../conversations/commands.js';
import type { Executor } from '../users/service.js';
import { agentStates, routingEvents } from './schema.js';

export type PresenceStatus = 'online' | 'busy' | 'away' | 'offline';

/**
 * Sets an agent's presence; a change is a routing event, and going online wakes the router.
 * `chosen` marks the agent's own choice (kept to restore at the next login); a disconnect or a
 * deactivation sets the status without touching what the agent chose.
 */
export async function setPresence(
  db: Executor,
  workspaceId: string,
  userId: string,
  status: PresenceStatus,
  options: { chosen?: boolean } = {},
) {
  const [before] = await db
    .select()
    .from(agentStates)
    .where(and(eq(agentStates.workspaceId, workspaceId), eq(agentStates.userId, userId)))
    .for('update');
  const chosen = options.chosen ? { chosenStatus: status } : {};
  if (before?.status === status) {
    if (!options.chosen || before.chosenStatus === status) return { row: before, requeued: [] };
    const [row] = await db
      .update(agentStates)
      .set(chosen)
      .where(and(eq(agentStates.workspaceId, workspaceId), eq(agentStates.userId, userId)))
      .returning();
    return { row: row!, requeued: [] };
  }
  const [row] = await db
    .insert(agentStates)
    .values({ workspaceId, userId, status, ...chosen })
    .onConflictDoUpdate({ target: [agentStates.workspaceId, agentStates.userId], set: { status, statusSince: sql`now()`, ...chosen } })
    .returning();
  await db
    .insert(routingEvents)
    .values({ workspaceId, type: 'presence', userId, details: { from: before?.status ?? 'offline', to: status } });
  await writeOutbox(db, workspaceId, 'routing.presence_changed', { userId, from: before?.status ?? 'offline', to: status });
  if (status === 'online') await writeOutbox(db, workspaceId, 'routing.agent_available', { userId });
  const requeued = status === 'offline' ? await requeueAgentConversations(db, workspaceId, userId, 'offline') : [];
  for (const item of requeued) {
    await db.insert(routingEvents).values({
      workspaceId,
      type: 'requeued',
      conversationId: item.conversation.id,
      userId,
      teamId: item.conversation.teamId,
      details: { reason: 'offline' },
    });
  }
  return { row: row!, requeued };
}

export async function listPresence(db: Executor, workspaceId: string) {
  return db.select().from(agentStates).where(eq(agentStates.workspaceId, workspaceId));
}

/**
 * Whether any agent of the workspace is working now (online, or busy with chats and so still
 * there to take the next). The bot reads it to tell a customer who wants a person that nobody is
 * there, and to offer leaving a message instead.
 */
export async function agentsAvailable(db: Executor, workspaceId: string): Promise<boolean> {
  const [row] = await db
    .select({ userId: agentStates.userId })
    .from(agentStates)
    .where(and(eq(agentStates.workspaceId, workspaceId), inArray(agentStates.status, ['online', 'busy'])))
    .limit(1);
  return row !== undefined;
}
