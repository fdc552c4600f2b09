import type { ReviewChangedEvent } from '@huiliu/contracts';
import type { AppContext } from '../../platform/context.js';
import { rooms } from '../../platform/realtime.js';

const TOPICS = ['review.held', 'review.approved', 'review.rejected'] as const;

/**
 * Reviewers and authors hear of every step live (`review:changed` on `/agent`), from the outbox:
 * held from any path (a chat reply, a ticket reply, a macro) and decided, each told once the
 * transaction committed. Ids and status only, like `ticket:changed`: the console refetches through
 * the API, which decides who may see the reply.
 */
export function subscribeReviewLive(ctx: Pick<AppContext, 'outbox' | 'realtime'>): void {
  for (const topic of TOPICS)
    ctx.outbox.subscribe(topic, async (event) => {
      const payload = event.payload as unknown as ReviewChangedEvent;
      const message: ReviewChangedEvent = {
        reviewId: payload.reviewId,
        status: payload.status,
        conversationId: payload.conversationId,
        ticketId: payload.ticketId,
        authorId: payload.authorId,
      };
      ctx.realtime.agents.to(rooms.workspace(event.workspaceId)).emit('review:changed', message);
    });
}
