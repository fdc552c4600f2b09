import { sql } from 'drizzle-orm';
import type { InboundMessage } from '../../channels/connector.js';
import type { Database } from '../../platform/db/pool.js';
import { findOrCreateCustomer } from '../customers/service.js';
import { createConversation, findOpenConversation, reopenConversation, type Actor } from './commands.js';
import type { Executor } from '../users/service.js';
import type { ConversationRow } from './views.js';
import { appendMessage, findByIdempotencyKey, isIdempotencyConflict, lockConversation, type Appended } from './write-path.js';

/**
 * The inbound write path every channel uses: in one transaction, find or create the customer
 * and their open conversation on the inbox, then append the message. A retry with the same
 * idempotency key returns the first result and stores nothing.
 */
export async function receiveInbound(db: Database, inbound: InboundMessage): Promise<Appended & { created: boolean }> {
  try {
    return await receiveOnce(db, inbound);
  } catch (error) {
    // A twin with the same key committed between our look-up and our insert: ours rolled
    // back (no sequence number used), and now the look-up finds the twin.
    if (isIdempotencyConflict(error)) return receiveOnce(db, inbound);
    throw error;
  }
}

async function receiveOnce(db: Database, inbound: InboundMessage): Promise<Appended & { created: boolean }> {
  const workspaceId = inbound.inbox.workspaceId;
  return db.transaction(async (tx) => {
    const earlier = await findByIdempotencyKey(tx, workspaceId, inbound.idempotencyKey);
    if (earlier) {
      const conversation = await lockConversation(tx, workspaceId, earlier.conversationId);
      return { conversation, message: earlier, duplicate: true, created: false };
    }
    const customerId = inbound.customerId ?? (await findOrCreateCustomer(tx, workspaceId, inbound.identity, { name: inbound.senderName }));
    let conversation: ConversationRow | undefined;
    let context = inbound.context;
    if (inbound.thread) {
      const threaded = await threadConversation(tx, workspaceId, inbound.thread);
      conversation = threaded.conversation;
      if (threaded.previousConversationId) context = { ...context, previousConversationId: threaded.previousConversationId };
    } else {
      // The open conversation's row lock orders its messages. Opening one takes a per-customer
      // lock first, so two tabs sending at once can't open two conversations.
      conversation = await findOpenConversation(tx, workspaceId, inbound.inbox.id, customerId, true);
      if (!conversation) {
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${customerId}))`);
        conversation = await findOpenConversation(tx, workspaceId, inbound.inbox.id, customerId, true);
      }
    }
    const created = !conversation;
    conversation ??= await createConversation(tx, {
      workspaceId,
      inboxId: inbound.inbox.id,
      channel: inbound.inbox.kind,
      customerId,
      teamId: inbound.inbox.defaultTeamId,
      context,
      preChat: inbound.preChat,
    });
    const appended = await appendMessage(
      tx,
      workspaceId,
      conversation.id,
      {
        kind: 'in',
        text: inbound.text,
        attachments: inbound.attachments,
        senderType: 'customer',
        senderId: customerId,
        senderName: inbound.senderName ?? null,
        clientMessageId: inbound.clientMessageId ?? null,
        idempotencyKey: inbound.idempotencyKey,
        idempotencyCheckedByCaller: true,
      },
      conversation,
    );
    await inbound.afterAppend?.(tx, appended);
    return { ...appended, created };
  });
}

const SYSTEM: Actor = { type: 'system', id: null, name: null };

/** The conversation a threaded message joins (reopened if resolved recently), or none: start a new one. */
async function threadConversation(
  tx: Executor,
  workspaceId: string,
  thread: NonNullable<InboundMessage['thread']>,
): Promise<{ conversation?: ConversationRow; previousConversationId?: string }> {
  if (!thread.conversationId) return {};
  const current = await lockConversation(tx, workspaceId, thread.conversationId);
  if (current.state !== 'resolved') return { conversation: current };
  const resolvedAt = current.resolvedAt?.getTime() ?? 0;
  if (Date.now() - resolvedAt <= thread.reopenWithinMs) {
    const reopened = await reopenConversation(tx, workspaceId, current.id, SYSTEM);
    return { conversation: reopened.conversation };
  }
  return { previousConversationId: current.id };
}
