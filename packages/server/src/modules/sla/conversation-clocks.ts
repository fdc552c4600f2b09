import { eq } from 'drizzle-orm';
import type { AppContext } from '../../platform/context.js';
import type { OutboxEvent } from '../../platform/outbox/relay.js';
import { messages } from '../conversations/schema.js';
import { conversations } from '../conversations/schema.js';
import { customers } from '../customers/schema.js';
import type { Executor } from '../users/service.js';
import { cancelClocks, everStarted, hasOpenClock, meetClocks, startClocks, type Subject } from './clocks.js';
import type { CaseFacts } from './policy-match.js';
import { announceSlaChange, subscribeSlaLive } from './live.js';
import { startSlaSweeper } from './sweeper.js';

async function conversationCase(db: Executor, conversationId: string) {
  const [row] = await db
    .select({ conversation: conversations, tier: customers.tier, tags: customers.tags })
    .from(conversations)
    .innerJoin(customers, eq(customers.id, conversations.customerId))
    .where(eq(conversations.id, conversationId));
  if (!row) return undefined;
  const facts: CaseFacts = {
    channel: row.conversation.channel,
    inboxId: row.conversation.inboxId,
    priority: row.conversation.priority,
    customerTier: row.tier,
    customerTags: row.tags,
  };
  const subject: Subject = { workspaceId: row.conversation.workspaceId, type: 'conversation', id: row.conversation.id };
  return { conversation: row.conversation, facts, subject };
}

/**
 * A conversation's SLA clocks follow what happens to it, from the outbox (at least once, so each
 * step is idempotent): the clocks start when a person is to handle it (created outside the bot,
 * or handed off by the bot); an agent's reply meets the response clocks; the customer writing
 * again while no reply is owed starts a next-response clock; resolving meets the resolution clock
 * and cancels the response clocks nobody needs any more; reopening starts a new resolution clock.
 * A step that moved a clock tells the consoles (`sla:changed`), as the sweep's warnings and
 * breaches do (live.ts).
 */
export function subscribeConversationClocks(ctx: AppContext): { stop(): void } {
  /** Runs a step; when it moved a clock (it returns the subject), the consoles hear it after the commit. */
  const inTransaction = async (run: (tx: Executor) => Promise<Subject | undefined>) => {
    const changed = await ctx.db.transaction(run);
    if (changed) announceSlaChange(ctx.realtime, changed);
  };
  const conversationIdOf = (event: OutboxEvent) => String(event.payload.conversationId);

  const open = (event: OutboxEvent) =>
    inTransaction(async (tx) => {
      const found = await conversationCase(tx, conversationIdOf(event));
      if (!found || found.conversation.state === 'bot' || found.conversation.state === 'resolved') return undefined;
      const started = await startClocks(tx, found.subject, found.facts, ['first_response', 'resolution'], 'opened', new Date());
      return started > 0 ? found.subject : undefined;
    });
  ctx.outbox.subscribe('conversation.created', open);
  ctx.outbox.subscribe('conversation.handed_off', open);

  ctx.outbox.subscribe('conversation.reopened', (event) =>
    inTransaction(async (tx) => {
      const found = await conversationCase(tx, conversationIdOf(event));
      if (!found) return undefined;
      const started = await startClocks(tx, found.subject, found.facts, ['resolution'], `reopened:${event.id}`, new Date());
      return started > 0 ? found.subject : undefined;
    }),
  );

  ctx.outbox.subscribe('conversation.resolved', (event) =>
    inTransaction(async (tx) => {
      const found = await conversationCase(tx, conversationIdOf(event));
      if (!found) return undefined;
      await meetClocks(tx, found.subject, ['resolution'], found.conversation.resolvedAt ?? new Date());
      await cancelClocks(tx, found.subject, ['first_response', 'next_response']);
      return found.subject;
    }),
  );

  ctx.outbox.subscribe('message.created', (event) =>
    inTransaction(async (tx) => {
      const kind = event.payload.kind;
      if (kind !== 'in' && kind !== 'out') return undefined;
      const [message] = await tx
        .select({ senderType: messages.senderType, createdAt: messages.createdAt })
        .from(messages)
        .where(eq(messages.id, String(event.payload.messageId)));
      if (!message) return undefined;
      const found = await conversationCase(tx, conversationIdOf(event));
      if (!found) return undefined;
      if (kind === 'out' && message.senderType === 'agent') {
        const met = await meetClocks(tx, found.subject, ['first_response', 'next_response'], message.createdAt);
        return met > 0 ? found.subject : undefined;
      }
      if (kind === 'in' && message.senderType === 'customer') {
        const { state } = found.conversation;
        if (state === 'bot' || state === 'resolved') return undefined;
        // A reply is owed already, or the first one has not been started: nothing new to start.
        if (await hasOpenClock(tx, found.subject, ['first_response', 'next_response'])) return undefined;
        if (!(await everStarted(tx, found.subject, 'first_response'))) return undefined;
        const started = await startClocks(
          tx,
          found.subject,
          found.facts,
          ['next_response'],
          `message:${String(event.payload.messageId)}`,
          message.createdAt,
        );
        return started > 0 ? found.subject : undefined;
      }
      return undefined;
    }),
  );

  subscribeSlaLive(ctx);
  const sweeper = startSlaSweeper(ctx);
  return { stop: () => sweeper.stop() };
}
