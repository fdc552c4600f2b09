import { and, eq, sql } from 'drizzle-orm';
import { writeOutbox } from '../../platform/outbox/outbox.js';
import { requeueAgentConversations } from '../conversations/commands.js';
import type { Executor } from '../users/service.js';
import { agentStates, routingEvents } from './schema.js';

export type PresenceStatus = 'online' | 'busy' | 'away' | 'offline';

/** Sets an agent's presence; a change is a routing event, and going online wakes the router. */
export async function setPresence(db: Executor, workspaceId: string, userId: string, status: PresenceStatus) {
  const [before] = await db
    .select()
    .from(agentStates)
    .where(and(eq(agentStates.workspaceId, workspaceId), eq(agentStates.userId, userId)))
    .for('update');
  if (before?.status === status) return { row: before, requeued: [] };
  const [row] = await db
    .insert(agentStates)
    .values({ workspaceId, userId, status })
    .onConflictDoUpdate({ target: [agentStates.workspaceId, agentStates.userId], set: { status, statusSince: sql`now()` } })
    .returning();
  await db
    .insert(routingEvents)
    .values({ workspaceId, type: 'presence', userId, details: { from: before?.status ?? 'offline', to: status } });
  await writeOutbox(db, workspaceId, 'routing.presence_changed', { userId, from: before?.status ?? 'offline', to: status });
  if (status === 'online') await writeOutbox(db, workspaceId, 'routing.agent_available', { userId });
  const requeued = status === 'offline' ? await requeueAgentConversations(db, workspaceId, userId, 'agent offline') : [];
  for (const item of requeued) {
    await db.insert(routingEvents).values({
      workspaceId,
      type: 'requeued',
      conversationId: item.conversation.id,
      userId,
      teamId: item.conversation.teamId,
      details: { reason: 'agent offline' },
    });
  }
  return { row: row!, requeued };
}

export async function listPresence(db: Executor, workspaceId: string) {
  return db.select().from(agentStates).where(eq(agentStates.workspaceId, workspaceId));
}
