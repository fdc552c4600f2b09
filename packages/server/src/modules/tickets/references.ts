import { and, eq, inArray } from 'drizzle-orm';
import { notFound } from '../../platform/errors.js';
import { customers } from '../customers/schema.js';
import { teams } from '../teams/schema.js';
import { memberships } from '../users/schema.js';
import type { Executor } from '../users/service.js';

/**
 * Every id a ticket points at must belong to its workspace: another workspace's id is
 * "not found", exactly like an id that does not exist. Checked before anything is written.
 */
export async function assertReferences(
  db: Executor,
  workspaceId: string,
  refs: { requesterId?: string; assigneeId?: string | null; teamId?: string | null; followerIds?: string[] },
): Promise<void> {
  if (refs.requesterId) {
    const [row] = await db
      .select({ id: customers.id })
      .from(customers)
      .where(and(eq(customers.workspaceId, workspaceId), eq(customers.id, refs.requesterId)));
    if (!row) throw notFound('customer');
  }
  if (refs.teamId) {
    const [row] = await db
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.workspaceId, workspaceId), eq(teams.id, refs.teamId)));
    if (!row) throw notFound('team');
  }
  const people = [...new Set([...(refs.assigneeId ? [refs.assigneeId] : []), ...(refs.followerIds ?? [])])];
  if (people.length) {
    const rows = await db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.workspaceId, workspaceId), inArray(memberships.userId, people), eq(memberships.active, true)));
    if (rows.length !== people.length) throw notFound('agent');
  }
}
