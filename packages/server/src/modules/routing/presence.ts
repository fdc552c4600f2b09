import { and, eq, sql } from 'drizzle-orm';
import { writeOutbox } from '../../platform/outbox/outbox.js';
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
  if (before?.status === status) return before;
  const [row] = await db
    .insert(agentStates)
    .values({ workspaceId, userId, status })
    .onConflictDoUpdate({ target: [agentStates.workspaceId, agentStates.userId], set: { status, statusSince: sql`now()` } })
    .returning();
  await db
    .insert(routingEvents)
    .values({ workspaceId, type: 'presence', userId, details: { from: before?.status ?? 'offline', to: status } });
  if (status === 'online') await writeOutbox(db, workspaceId, 'routing.agent_available', { userId });
  return row!;
}

export async function listPresence(db: Executor, workspaceId: string) {
  return db.select().from(agentStates).where(eq(agentStates.workspaceId, workspaceId));
}
