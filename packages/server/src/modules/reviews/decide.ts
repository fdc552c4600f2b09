import { and, eq } from 'drizzle-orm';
import { conflict } from '../../platform/errors.js';
import { writeOutbox } from '../../platform/outbox/outbox.js';
import { appendMessage, lockConversation, type Appended } from '../conversations/write-path.js';
import { addTicketComment } from '../tickets/commands/add-comment.js';
import type { TicketRow } from '../tickets/views.js';
import type { Executor } from '../users/service.js';
import { assertMayDecide, lockReview, type ReviewerContext } from './queue.js';
import { replyReviews } from './schema.js';
import { reviewEvent, type ReviewRow } from './views.js';

export interface Decided {
  review: ReviewRow;
  /** The message the approval sent (null: a repeat of an earlier decision, or a rejection). */
  sent: Appended | null;
  /** Tickets the approved reply changed, for the after-commit broadcast. */
  tickets: TicketRow[];
}

export interface Decision {
  reviewer: ReviewerContext & { name: string | null };
  reviewId: string;
}

/**
 * A decision already made: the same reviewer asking the same again gets it back (a retried
 * request), anyone else — or another decision — a 409 naming who decided.
 */
function repeatOf(review: ReviewRow, who: Decision['reviewer'], same: boolean): Decided {
  if (review.decidedById === who.userId && same) return { review, sent: null, tickets: [] };
  throw conflict(`this reply was already ${review.status} by ${review.decidedByName ?? 'another reviewer'}`, {
    status: review.status,
    decidedById: review.decidedById,
  });
}

/**
 * Approves a held reply (with the reviewer's edit, if any): in one transaction the review turns
 * approved — guarded by the row lock and `status = 'pending'`, so of concurrent reviewers one
 * wins — and the reply goes out through the conversation write path (message + outbox row, so the
 * channel gets it exactly once). A ticket reply goes out as the ticket's public comment, applying
 * the status the author chose with it. The author stays the sender; the reviewer is recorded.
 */
export async function approveReview(db: Executor, decision: Decision, editedText?: string): Promise<Decided> {
  const who = decision.reviewer;
  const review = await lockReview(db, who, decision.reviewId);
  await assertMayDecide(db, who, review);
  const edit = editedText !== undefined && editedText !== review.originalText ? editedText : null;
  if (review.status !== 'pending') return repeatOf(review, who, review.status === 'approved' && review.editedText === edit);
  const text = edit ?? review.originalText;
  const author = { type: 'agent' as const, id: review.authorId, name: review.authorName };
  const tickets: TicketRow[] = [];
  let sent: Appended;
  if (review.ticketId) {
    const result = await addTicketComment(db, {
      viewer: { workspaceId: who.workspaceId, userId: null, readAll: true },
      actor: author,
      ticketId: review.ticketId,
      text,
      visibility: 'public',
      conversationId: review.conversationId,
      ...(review.ticketStatus ? { status: review.ticketStatus as 'open' } : {}),
      changed: tickets,
      approved: true,
    });
    tickets.unshift(result.ticket);
    sent = result.message!;
  } else {
    const conversation = await lockConversation(db, who.workspaceId, review.conversationId);
    if (conversation.state === 'resolved') throw conflict('the conversation is resolved; reopen it to send this reply, or reject it');
    sent = await appendMessage(
      db,
      who.workspaceId,
      conversation.id,
      {
        kind: 'out',
        text,
        attachments: review.attachments,
        senderType: 'agent',
        senderId: author.id,
        senderName: author.name,
        clientMessageId: review.clientMessageId,
        // The author's own key: their retried send after the approval finds this message.
        idempotencyKey: review.clientMessageId && author.id ? `agent:${author.id}:${review.clientMessageId}` : `review:${review.id}`,
        deliveryOptions: review.deliveryOptions,
      },
      conversation,
    );
  }
  const [updated] = await db
    .update(replyReviews)
    .set({
      status: 'approved',
      editedText: edit,
      decidedById: who.userId,
      decidedByName: who.name,
      decidedAt: new Date(),
      messageId: sent.message.id,
    })
    .where(and(eq(replyReviews.id, review.id), eq(replyReviews.status, 'pending')))
    .returning();
  if (!updated) throw conflict('another reviewer decided this reply first');
  await writeOutbox(db, who.workspaceId, 'review.approved', { ...reviewEvent(updated), messageId: sent.message.id, edited: edit !== null });
  return { review: updated, sent, tickets };
}

/** Rejects a held reply with a reason for its author; nothing reaches the customer. */
export async function rejectReview(db: Executor, decision: Decision, reason: string): Promise<Decided> {
  const who = decision.reviewer;
  const review = await lockReview(db, who, decision.reviewId);
  await assertMayDecide(db, who, review);
  if (review.status !== 'pending') return repeatOf(review, who, review.status === 'rejected' && review.rejectionReason === reason);
  const [updated] = await db
    .update(replyReviews)
    .set({ status: 'rejected', rejectionReason: reason, decidedById: who.userId, decidedByName: who.name, decidedAt: new Date() })
    .where(and(eq(replyReviews.id, review.id), eq(replyReviews.status, 'pending')))
    .returning();
  if (!updated) throw conflict('another reviewer decided this reply first');
  await writeOutbox(db, who.workspaceId, 'review.rejected', reviewEvent(updated));
  return { review: updated, sent: null, tickets: [] };
}
