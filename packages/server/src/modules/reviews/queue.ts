import type { ReplyReview, Role } from '@huiliu/contracts';
import { and, asc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import { forbidden, notFound } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/pagination.js';
import { conversations } from '../conversations/schema.js';
import { teamMembers } from '../teams/schema.js';
import { tickets } from '../tickets/schema.js';
import type { Executor } from '../users/service.js';
import { replyReviews } from './schema.js';
import { reviewView, type ReviewRow } from './views.js';

/** Who asks: the member's workspace, user (null for an API token) and role. */
export interface ReviewerContext {
  workspaceId: string;
  userId: string | null;
  role: Role;
}

const decidesAll = (role: Role) => role === 'admin' || role === 'supervisor';

function myTeams(db: Executor, who: ReviewerContext) {
  return db
    .select({ id: teamMembers.teamId })
    .from(teamMembers)
    .where(and(eq(teamMembers.workspaceId, who.workspaceId), eq(teamMembers.userId, who.userId ?? '00000000-0000-0000-0000-000000000000')));
}

/**
 * The reviews a member sees in the queue: admins and supervisors all of them; an agent their own
 * held replies and those their reviewer team decides. A review outside is reported as not found.
 */
function visibleTo(db: Executor, who: ReviewerContext): SQL | undefined {
  if (decidesAll(who.role)) return undefined;
  if (!who.userId) return sql`false`;
  return or(eq(replyReviews.authorId, who.userId), inArray(replyReviews.reviewerTeamId, myTeams(db, who)));
}

const withContext = (db: Executor) =>
  db
    .select({ review: replyReviews, channel: conversations.channel, ticketNumber: tickets.number })
    .from(replyReviews)
    .innerJoin(conversations, eq(conversations.id, replyReviews.conversationId))
    .leftJoin(tickets, eq(tickets.id, replyReviews.ticketId));

type Joined = { review: ReviewRow; channel: ReplyReview['channel']; ticketNumber: number | null };
const view = (row: Joined) => reviewView(row.review, row);

export interface ReviewListQuery {
  status?: ReviewRow['status'];
  conversationId?: string;
  ticketId?: string;
  authorId?: string;
  cursor?: string;
  limit: number;
}

/**
 * The queue, oldest first (who waited longest is decided first). With a conversation or ticket the
 * caller has already checked they may read, every review of it: colleagues on the case see what
 * waits for review too (the customer never does).
 */
export async function listReviews(db: Executor, who: ReviewerContext, query: ReviewListQuery, caseChecked = false) {
  const position = query.cursor ? decodeCursor(query.cursor) : null;
  const rows = await withContext(db)
    .where(
      and(
        eq(replyReviews.workspaceId, who.workspaceId),
        caseChecked ? undefined : visibleTo(db, who),
        query.status ? eq(replyReviews.status, query.status) : undefined,
        query.conversationId ? eq(replyReviews.conversationId, query.conversationId) : undefined,
        query.ticketId ? eq(replyReviews.ticketId, query.ticketId) : undefined,
        query.authorId ? eq(replyReviews.authorId, query.authorId) : undefined,
        position
          ? or(
              gt(replyReviews.createdAt, position.createdAt),
              and(eq(replyReviews.createdAt, position.createdAt), gt(replyReviews.id, position.id)),
            )
          : undefined,
      ),
    )
    .orderBy(asc(replyReviews.createdAt), asc(replyReviews.id))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit);
  const last = items.at(-1);
  return { items: items.map(view), nextCursor: rows.length > query.limit && last ? encodeCursor(last.review) : null };
}

export async function getReview(db: Executor, who: ReviewerContext, id: string) {
  const [row] = await withContext(db).where(
    and(eq(replyReviews.workspaceId, who.workspaceId), eq(replyReviews.id, id), visibleTo(db, who)),
  );
  if (!row) throw notFound('review');
  return view(row);
}

/**
 * Only a reviewer decides: an admin or supervisor, or an agent of the policy's reviewer team —
 * and never on their own reply. Seeing a review (its author does) is not deciding it.
 */
export async function assertMayDecide(db: Executor, who: ReviewerContext, review: ReviewRow): Promise<void> {
  if (who.userId && review.authorId === who.userId) throw forbidden('a reply is reviewed by someone other than its author');
  if (decidesAll(who.role)) return;
  if (!who.userId || !review.reviewerTeamId)
    throw forbidden('only a supervisor, an admin or the policy’s reviewer team decides this reply');
  const [member] = await db
    .select({ id: teamMembers.teamId })
    .from(teamMembers)
    .where(
      and(eq(teamMembers.workspaceId, who.workspaceId), eq(teamMembers.teamId, review.reviewerTeamId), eq(teamMembers.userId, who.userId)),
    );
  if (!member) throw forbidden('only a supervisor, an admin or the policy’s reviewer team decides this reply');
}

/** The review row, locked for its decision (concurrent reviewers queue here; one decides). */
export async function lockReview(db: Executor, who: ReviewerContext, id: string): Promise<ReviewRow> {
  const [row] = await db
    .select()
    .from(replyReviews)
    .where(and(eq(replyReviews.workspaceId, who.workspaceId), eq(replyReviews.id, id), visibleTo(db, who)))
    .for('update', { of: replyReviews });
  if (!row) throw notFound('review');
  return row;
}

/** A review as the API shows it, for a caller that just wrote it (the author's own). */
export async function reviewById(db: Executor, workspaceId: string, id: string): Promise<ReplyReview> {
  const [row] = await withContext(db).where(and(eq(replyReviews.workspaceId, workspaceId), eq(replyReviews.id, id)));
  if (!row) throw notFound('review');
  return view(row);
}
