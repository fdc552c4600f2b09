import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { teamMembers } from '../teams/schema.js';
import type { Executor } from '../users/service.js';
import { tickets } from './schema.js';

/** Who is looking: without `readAll` (tickets.read_all) an agent sees only the tickets that concern them. */
export interface TicketViewer {
  workspaceId: string;
  userId: string | null;
  readAll: boolean;
}

/**
 * The tickets a viewer may see: all of them with read_all; otherwise those of their teams, and
 * those assigned to, created by or followed by them. An API token without read_all is no user
 * and sees none. Anything outside is reported as not found, so its existence is not revealed.
 */
export function visibleTo(db: Executor, viewer: TicketViewer): SQL | undefined {
  if (viewer.readAll) return undefined;
  if (!viewer.userId) return sql`false`;
  const myTeams = db
    .select({ id: teamMembers.teamId })
    .from(teamMembers)
    .where(and(eq(teamMembers.workspaceId, viewer.workspaceId), eq(teamMembers.userId, viewer.userId)));
  return or(
    inArray(tickets.teamId, myTeams),
    eq(tickets.assigneeId, viewer.userId),
    eq(tickets.createdById, viewer.userId),
    sql`${viewer.userId}::uuid = any(${tickets.followerIds})`,
  );
}
