import { and, eq } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import type { OutboxEvent } from '../../platform/outbox/relay.js';
import type { Executor } from '../users/service.js';
import { publishStatus } from './events.js';
import { conversations, messages } from './schema.js';

/**
 * Outbound delivery: every agent or bot message goes to its channel's connector from the
 * outbox (so a crash between commit and send loses nothing), and the outcome is stored and
 * shown to agents.
 */
export function subscribeDelivery(ctx: AppContext): void {
  ctx.outbox.subscribe('message.created', async (event: OutboxEvent) => {
    if (event.payload.kind !== 'out') return;
    const [row] = await ctx.db
      .select({ conversation: conversations, message: messages })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(and(eq(messages.workspaceId, event.workspaceId), eq(messages.id, String(event.payload.messageId))));
    if (!row || row.message.delivery !== 'sent') return;
    const connector = ctx.connectors.get(row.conversation.channel);
    if (!connector) {
      ctx.logger.warn({ channel: row.conversation.channel }, 'no connector for channel; message stays unsent');
      return;
    }
    const outcome = await connector.deliver(row.conversation, row.message);
    if (outcome.delivery === 'sent') return;
    const [updated] = await ctx.db
      .update(messages)
      .set({ delivery: outcome.delivery, failureReason: outcome.delivery === 'failed' ? outcome.reason : null })
      .where(and(eq(messages.id, row.message.id), eq(messages.delivery, 'sent')))
      .returning({ id: messages.id, seq: messages.seq });
    if (updated) publishStatus(ctx.realtime, row.conversation, [updated], outcome.delivery);
  });
}

/** Marks a message delivered unless it already has a final state; returns it when it changed. */
export async function markDelivered(db: Executor, workspaceId: string, messageId: string) {
  const [updated] = await db
    .update(messages)
    .set({ delivery: 'delivered', failureReason: null })
    .where(and(eq(messages.workspaceId, workspaceId), eq(messages.id, messageId), eq(messages.delivery, 'sent')))
    .returning({ id: messages.id, seq: messages.seq });
  return updated;
}

/** Marks a message failed with a reason (a channel reported it later); returns it when it changed. */
export async function markFailed(db: Executor, workspaceId: string, messageId: string, reason: string) {
  const [updated] = await db
    .update(messages)
    .set({ delivery: 'failed', failureReason: reason })
    .where(and(eq(messages.workspaceId, workspaceId), eq(messages.id, messageId), eq(messages.kind, 'out')))
    .returning({ id: messages.id, seq: messages.seq, conversationId: messages.conversationId });
  return updated;
}
