import { and, eq, gt, sql } from 'drizzle-orm';
import { conversations } from '../conversations/schema.js';
import type { Executor } from '../users/service.js';
import { routingEvents } from './schema.js';

export interface QueuePosition {
  conversationId: string;
  customerId: string;
  /** 1 = next to be served in its team's queue. */
  position: number;
  /** From the team's recent pace of assignments; null when there is none to go by. */
  estimatedWaitSeconds: number | null;
}

const PACE_WINDOW_MINUTES = 15;

/** Where every waiting conversation of the workspace stands, for the customers waiting. */
export async function queuePositions(db: Executor, workspaceId: string): Promise<QueuePosition[]> {
  const waiting = await db
    .select({
      conversationId: conversations.id,
      customerId: conversations.customerId,
      teamId: conversations.teamId,
      position: sql<number>`(row_number() over (partition by ${conversations.teamId}, ${conversations.channel} order by ${conversations.queuePriority} desc, ${conversations.queuedAt} asc, ${conversations.id}))::int`,
    })
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.state, 'queued'), sql`${conversations.assigneeId} is null`));
  if (waiting.length === 0) return [];
  const pace = await db
    .select({ teamId: routingEvents.teamId, assigned: sql<number>`count(*)::int` })
    .from(routingEvents)
    .where(
      and(
        eq(routingEvents.workspaceId, workspaceId),
        eq(routingEvents.type, 'assigned'),
        gt(routingEvents.createdAt, sql`now() - make_interval(mins => ${PACE_WINDOW_MINUTES})`),
      ),
    )
    .groupBy(routingEvents.teamId);
  return waiting.map((row) => {
    const perMinute = (pace.find((item) => item.teamId === row.teamId)?.assigned ?? 0) / PACE_WINDOW_MINUTES;
    return {
      conversationId: row.conversationId,
      customerId: row.customerId,
      position: row.position,
      estimatedWaitSeconds: perMinute > 0 ? Math.round((row.position / perMinute) * 60) : null,
    };
  });
}
