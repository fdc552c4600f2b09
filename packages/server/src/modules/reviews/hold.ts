import type { Attachment, Role } from '@huiliu/contracts';
import { and, asc, eq } from 'drizzle-orm';
import { writeOutbox } from '../../platform/outbox/outbox.js';
import type { DeliveryOptions } from '../conversations/schema.js';
import type { ConversationRow } from '../conversations/views.js';
import { findByIdempotencyKey } from '../conversations/write-path.js';
import { teamMembers } from '../teams/schema.js';
import { activeRole, type Executor } from '../users/service.js';
import { matchPolicy } from './match.js';
import { replyReviews, reviewPolicies } from './schema.js';
import { reviewEvent, type ReviewRow } from './views.js';

export interface PublicReply {
  workspaceId: string;
  /** The conversation the reply goes out on, locked by the caller in this transaction. */
  conversation: ConversationRow;
  ticketId?: string | null;
  author: { type: 'agent' | 'customer' | 'system' | 'bot'; id: string | null; name: string | null };
  /** The author's role when the caller knows it (an API token's); otherwise looked up. */
  authorRole?: Role;
  text: string;
  attachments?: Attachment[];
  deliveryOptions?: DeliveryOptions | null;
  clientMessageId?: string | null;
  /** The conversation write path's idempotency key for this reply. */
  idempotencyKey?: string | null;
  ticketStatus?: string | null;
}

/**
 * Whether a review policy holds this public reply; when it does, the reply is stored as a
 * pending review (and its outbox event written) instead of a channel message, and returned.
 * Only agents' replies are reviewed (automations and the bot speak for the workspace), and
 * never an admin's or a supervisor's: they are the reviewers. Inside the caller's transaction.
 */
export async function holdIfReviewed(db: Executor, reply: PublicReply): Promise<ReviewRow | null> {
  if (reply.author.type !== 'agent') return null;
  const { workspaceId } = reply;
  const role = reply.authorRole ?? (reply.author.id ? await activeRole(db, reply.author.id, workspaceId) : undefined);
  if (role === 'admin' || role === 'supervisor') return null;
  if (reply.clientMessageId && reply.author.id) {
    // A retried send: the review it created the first time, whatever became of it.
    const [earlier] = await db
      .select()
      .from(replyReviews)
      .where(
        and(
          eq(replyReviews.workspaceId, workspaceId),
          eq(replyReviews.authorId, reply.author.id),
          eq(replyReviews.clientMessageId, reply.clientMessageId),
        ),
      );
    if (earlier) return earlier;
  }
  const policies = await db
    .select()
    .from(reviewPolicies)
    .where(and(eq(reviewPolicies.workspaceId, workspaceId), eq(reviewPolicies.enabled, true)))
    .orderBy(asc(reviewPolicies.position), asc(reviewPolicies.name));
  if (policies.length === 0) return null;
  // …or one that went out before a policy existed: the write path returns that message.
  if (reply.idempotencyKey && (await findByIdempotencyKey(db, workspaceId, reply.idempotencyKey))) return null;
  const teams = reply.author.id
    ? await db
        .select({ teamId: teamMembers.teamId })
        .from(teamMembers)
        .where(and(eq(teamMembers.workspaceId, workspaceId), eq(teamMembers.userId, reply.author.id)))
    : [];
  const found = matchPolicy(policies, {
    authorId: reply.author.id,
    authorTeamIds: teams.map((team) => team.teamId),
    channel: reply.conversation.channel,
    text: reply.text,
  });
  if (!found) return null;
  const [row] = await db
    .insert(replyReviews)
    .values({
      workspaceId,
      conversationId: reply.conversation.id,
      ticketId: reply.ticketId ?? null,
      authorId: reply.author.id,
      authorName: reply.author.name,
      originalText: reply.text,
      attachments: reply.attachments ?? [],
      deliveryOptions: reply.deliveryOptions ?? null,
      ticketStatus: reply.ticketStatus ?? null,
      clientMessageId: reply.clientMessageId ?? null,
      policyId: found.policy.id,
      policyName: found.policy.name,
      reviewerTeamId: found.policy.reviewerTeamId,
      reason: found.reason,
    })
    .returning();
  await writeOutbox(db, workspaceId, 'review.held', reviewEvent(row!));
  return row!;
}
