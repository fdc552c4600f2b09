import { and, eq } from 'drizzle-orm';
import type { Executor } from '../../users/service.js';
import { tickets } from '../schema.js';

/** Merge participant: a merged customer's tickets follow them to the surviving customer. */
export async function moveTickets(db: Executor, workspaceId: string, sourceId: string, targetId: string): Promise<void> {
  await db
    .update(tickets)
    .set({ requesterId: targetId })
    .where(and(eq(tickets.workspaceId, workspaceId), eq(tickets.requesterId, sourceId)));
}
