import { sql } from 'drizzle-orm';
import type { InboundMessage } from '../../channels/connector.js';
import type { Database } from '../../platform/db/pool.js';
import type { Executor } from '../users/service.js';
import type { ConversationRow } from './views.js';
import { findOrCreateCustomer } from '../customers/service.js';
import { createConversation, findOpenConversation, reopenConversation, type Actor } from './commands.js';
import { appendMessage, findByIdempotencyKey, isIdempotencyConflict, lockConversation, type Appended } from './write-path.js';

/**
 * The inbound write path every channel uses: in one transaction, find or create the customer
 * and their open conversation on the inbox, then append the message. A retry with the same
 * idempotency key returns the first result and stores nothing.
 */
export type Received = Appended & { created: boolean };

/**
 * What other modules (the bot) add to the inbound path, per application (keyed by its database
 * handle): the state of a new conversation, and a turn inside the inbound transaction right
 * after the customer's message — so a reply is committed together with the message it answers
 * and is there for any channel the moment the message is.
 */
export interface InboundHook {
  /**
   * Slow preparation that must not hold the transaction (its connection and its row locks)
   * open, such as loading an in-memory index the turn will read. It must not throw: the
   * message is received whatever happens here.
   */
  prepare?(inbound: InboundMessage): Promise<void>;
  initialState?(tx: Executor, inbox: InboundMessage['inbox']): Promise<ConversationRow['state'] | undefined>;
  /** Returns what to do after commit (publish the messages it wrote). */
  afterMessage?(tx: Executor, received: Received, inbound: InboundMessage): Promise<(() => void) | undefined>;
}

const hooks = new WeakMap<Database, InboundHook[]>();

export function registerInboundHook(db: Database, hook: InboundHook): void {
  hooks.set(db, [...(hooks.get(db) ?? []), hook]);
}

export async function receiveInbound(db: Database, inbound: InboundMessage): Promise<Received> {
  for (const hook of hooks.get(db) ?? []) await hook.prepare?.(inbound);
  const afterCommit: (() => void)[] = [];
  let received: Received;
  try {
    received = await receiveOnce(db, inbound, afterCommit);
  } catch (error) {
    // A twin with the same key committed between our look-up and our insert: ours rolled
    // back (no sequence number used), and now the look-up finds the twin.
    if (!isIdempotencyConflict(error)) throw error;
    afterCommit.length = 0;
    received = await receiveOnce(db, inbound, afterCommit);
  }
  for (const run of afterCommit) run();
  return received;
}

async function receiveOnce(db: Database, inbound: InboundMessage, afterCommit: (() => void)[]): Promise<Received> {
  const workspaceId = inbound.inbox.workspaceId;
  const extensions = hooks.get(db) ?? [];
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
    let state: ConversationRow['state'] | undefined;
    if (!conversation && !inbound.humanOnly) for (const hook of extensions) state ??= await hook.initialState?.(tx, inbound.inbox);
    conversation ??= await createConversation(tx, {
      state,
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
    // afterAppend may change the conversation (a left message takes it from the bot): read it anew.
    const after = await inbound.afterAppend?.(tx, appended);
    const received = { ...appended, ...(after ? { conversation: after } : {}), created };
    if (inbound.humanOnly) return received;
    for (const hook of extensions) {
      const after = await hook.afterMessage?.(tx, received, inbound);
      if (after) afterCommit.push(after);
    }
    return received;
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
