import { and, eq, ne } from 'drizzle-orm';
import { conflict, notFound } from '../../platform/errors.js';
import { writeOutbox } from '../../platform/outbox/outbox.js';
import type { Executor } from '../users/service.js';
import type { AppContext } from '../../platform/context.js';
import type { OutboxEvent } from '../../platform/outbox/relay.js';
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
    const outcome = await connector.deliver(row.conversation, row.message, { retry: event.payload.retry === true });
    if (outcome.delivery === 'sent') return;
    const [updated] = await ctx.db
      .update(messages)
      .set({ delivery: outcome.delivery, failureReason: outcome.delivery === 'failed' ? outcome.reason : null })
      .where(and(eq(messages.id, row.message.id), eq(messages.delivery, 'sent')))
      .returning({ id: messages.id, seq: messages.seq });
    if (updated)
      publishStatus(ctx.realtime, row.conversation, [updated], outcome.delivery, outcome.delivery === 'failed' ? outcome.reason : null);
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

/**
 * Marks an outbound message failed after the fact (an email bounce arrives later) and tells
 * the agents. Returns false when it was failed already or is not an outbound message.
 */
export async function markDeliveryFailed(ctx: Pick<AppContext, 'db' | 'realtime'>, workspaceId: string, messageId: string, reason: string) {
  const [updated] = await ctx.db
    .update(messages)
    .set({ delivery: 'failed', failureReason: reason.slice(0, 1000) })
    .where(
      and(eq(messages.workspaceId, workspaceId), eq(messages.id, messageId), eq(messages.kind, 'out'), ne(messages.delivery, 'failed')),
    )
    .returning({ id: messages.id, seq: messages.seq, conversationId: messages.conversationId });
  if (!updated) return false;
  const [conversation] = await ctx.db.select().from(conversations).where(eq(conversations.id, updated.conversationId));
  if (conversation) publishStatus(ctx.realtime, conversation, [updated], 'failed', reason.slice(0, 1000));
  return true;
}

/**
 * An agent retries a failed outbound message: it goes back to `sent` and through the outbox to
 * its connector again (same message id, so the channel can tell it is the same message).
 */
export async function retryDelivery(db: Executor, workspaceId: string, conversationId: string, messageId: string) {
  const [row] = await db
    .select({ message: messages, conversation: conversations })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(messages.workspaceId, workspaceId), eq(messages.conversationId, conversationId), eq(messages.id, messageId)))
    .for('update');
  if (!row) throw notFound('message');
  if (row.message.kind !== 'out' || row.message.delivery !== 'failed') throw conflict('only a failed outgoing message can be retried');
  const [message] = await db.update(messages).set({ delivery: 'sent', failureReason: null }).where(eq(messages.id, messageId)).returning();
  await writeOutbox(db, workspaceId, 'message.created', {
    conversationId,
    messageId,
    seq: message!.seq,
    kind: message!.kind,
    inboxId: row.conversation.inboxId,
    channel: row.conversation.channel,
    retry: true,
  });
  return message!;
}
