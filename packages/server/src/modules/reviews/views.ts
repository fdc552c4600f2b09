import type { ReplyReview } from '@huiliu/contracts';
import type { replyReviews } from './schema.js';

export type ReviewRow = typeof replyReviews.$inferSelect;

export function reviewView(row: ReviewRow, extra: { channel: ReplyReview['channel']; ticketNumber: number | null }): ReplyReview {
  return {
    id: row.id,
    status: row.status,
    subjectType: row.ticketId ? 'ticket' : 'conversation',
    conversationId: row.conversationId,
    ticketId: row.ticketId,
    ticketNumber: extra.ticketNumber,
    channel: extra.channel,
    authorId: row.authorId,
    authorName: row.authorName,
    originalText: row.originalText,
    text: row.editedText ?? row.originalText,
    edited: row.editedText !== null,
    attachments: row.attachments,
    policyId: row.policyId,
    policyName: row.policyName,
    reason: row.reason,
    decidedById: row.decidedById,
    decidedByName: row.decidedByName,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    rejectionReason: row.rejectionReason,
    messageId: row.messageId,
    createdAt: row.createdAt.toISOString(),
  };
}

/** What the outbox carries for a review step; `live.ts` turns it into `review:changed`. */
export function reviewEvent(row: ReviewRow): Record<string, unknown> {
  return {
    reviewId: row.id,
    status: row.status,
    conversationId: row.conversationId,
    ticketId: row.ticketId,
    authorId: row.authorId,
    reviewerTeamId: row.reviewerTeamId,
  };
}
