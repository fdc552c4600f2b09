import type { Attachment, MessagePayload } from '@huiliu/contracts';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { notFound } from '../../platform/errors.js';
import { writeOutbox } from '../../platform/outbox/outbox.js';
import type { Executor } from '../users/service.js';
import { conversations, messages, type DeliveryOptions } from './schema.js';
import type { ConversationRow, MessageRow } from './views.js';

export interface NewMessage {
  kind: 'in' | 'out' | 'note' | 'event';
  text?: string;
  attachments?: Attachment[];
  senderType: 'customer' | 'agent' | 'bot' | 'system';
  senderId?: string | null;
  senderName?: string | null;
  clientMessageId?: string | null;
  idempotencyKey?: string | null;
  event?: Record<string, unknown> | null;
  payload?: MessagePayload | null;
  deliveryOptions?: DeliveryOptions | null;
  /**
   * The caller looked the key up already and retries on a unique violation of
   * messages_idempotency_unique (a concurrent twin committed first), so no second look-up.
   */
  idempotencyCheckedByCaller?: boolean;
}

/** True for the error a concurrent message with the same idempotency key causes. */
export function isIdempotencyConflict(error: unknown): boolean {
  const cause = ((error as { cause?: unknown })?.cause ?? error) as { code?: string; constraint?: string };
  return cause?.code === '23505' && cause.constraint === 'messages_idempotency_unique';
}

export interface Appended {
  conversation: ConversationRow;
  message: MessageRow;
  /** True when the idempotency key matched an earlier message: nothing was stored. */
  duplicate: boolean;
}

const PREVIEW_LENGTH = 140;

type ConversationInsert = typeof conversations.$inferInsert;
export type ConversationChange = { [K in keyof ConversationInsert]?: ConversationInsert[K] | SQL };

/** The message stored earlier under this idempotency key, if any. */
export async function findByIdempotencyKey(db: Executor, workspaceId: string, key: string) {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.workspaceId, workspaceId), eq(messages.idempotencyKey, key)));
  return row;
}

/** Locks the conversation row: messages of one conversation are written one at a time, in seq order. */
export async function lockConversation(db: Executor, workspaceId: string, conversationId: string): Promise<ConversationRow> {
  const [row] = await db
    .select()
    .from(conversations)
    .where(and(eq(conversations.workspaceId, workspaceId), eq(conversations.id, conversationId)))
    .for('update');
  if (!row) throw notFound('conversation');
  return row;
}

/**
 * The write path's core, inside the caller's transaction: takes the next sequence number,
 * stores the message, updates the conversation's timestamps and writes the outbox event.
 * The caller publishes the real-time events after commit.
 */
export async function appendMessage(
  db: Executor,
  workspaceId: string,
  conversationId: string,
  input: NewMessage,
  /** The conversation row, when the caller already holds its lock in this transaction. */
  alreadyLocked?: ConversationRow,
  /** A change to the conversation made by the same statement that takes the sequence number. */
  change: ConversationChange = {},
): Promise<Appended> {
  const locked = alreadyLocked ?? (await lockConversation(db, workspaceId, conversationId));
  if (input.idempotencyKey && !input.idempotencyCheckedByCaller) {
    const existing = await findByIdempotencyKey(db, workspaceId, input.idempotencyKey);
    if (existing) return { conversation: locked, message: existing, duplicate: true };
  }
  const text = input.text ?? '';
  const visible = input.kind === 'in' || input.kind === 'out';
  const preview = visible
    ? (text || (input.attachments?.length ? `[${input.attachments[0]!.name}]` : '')).slice(0, PREVIEW_LENGTH)
    : undefined;
  const [conversation] = await db
    .update(conversations)
    .set({
      ...change,
      lastSeq: sql`${conversations.lastSeq} + 1`,
      updatedAt: sql`now()`,
      ...(visible ? { lastMessageAt: sql`now()`, lastMessagePreview: preview } : {}),
      ...(input.kind === 'in' ? { lastCustomerMessageAt: sql`now()`, lastCustomerMessagePreview: preview } : {}),
      ...(input.kind === 'out' && input.senderType === 'agent'
        ? { firstResponseAt: sql`coalesce(${conversations.firstResponseAt}, now())` }
        : {}),
    })
    .where(eq(conversations.id, locked.id))
    .returning();
  const [message] = await db
    .insert(messages)
    .values({
      workspaceId,
      conversationId,
      seq: conversation!.lastSeq,
      kind: input.kind,
      text,
      attachments: input.attachments ?? [],
      senderType: input.senderType,
      senderId: input.senderId ?? null,
      senderName: input.senderName ?? null,
      clientMessageId: input.clientMessageId ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      event: input.event ?? null,
      payload: input.payload ?? null,
      deliveryOptions: input.deliveryOptions ?? null,
    })
    .returning();
  await writeOutbox(db, workspaceId, 'message.created', {
    conversationId,
    messageId: message!.id,
    seq: message!.seq,
    kind: message!.kind,
    inboxId: conversation!.inboxId,
    channel: conversation!.channel,
  });
  return { conversation: conversation!, message: message!, duplicate: false };
}

/** Messages after `afterSeq`, in order: what a reconnecting client missed. */
export function messagesAfter(
  db: Executor,
  workspaceId: string,
  conversationId: string,
  afterSeq: number,
  limit: number,
  includeNotes = true,
) {
  return db
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.workspaceId, workspaceId),
        eq(messages.conversationId, conversationId),
        sql`${messages.seq} > ${afterSeq}`,
        includeNotes ? undefined : sql`${messages.kind} <> 'note'`,
      ),
    )
    .orderBy(messages.seq)
    .limit(limit);
}
