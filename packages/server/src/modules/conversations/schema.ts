import type { MessagePayload } from '@huiliu/contracts';
import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, smallint, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId, timestampMs } from '../../platform/db/columns.js';
import { customers } from '../customers/schema.js';
import { inboxes } from '../inboxes/schema.js';
import { teams } from '../teams/schema.js';
import { users } from '../users/schema.js';
import { workspaceIdColumn } from '../workspaces/schema.js';

/** Per-message delivery choices a channel understands (only email has any: the CC list). */
export interface DeliveryOptions {
  cc?: string[];
}

export const conversations = pgTable(
  'conversations',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    /** Human-friendly number (#1234), used in email subjects and by agents on the phone. */
    number: bigserial('number', { mode: 'number' }).notNull(),
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    channel: text('channel', { enum: ['widget', 'email', 'sms', 'wechat', 'wecom', 'api', 'voice'] }).notNull(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    state: text('state', { enum: ['bot', 'queued', 'assigned', 'waiting', 'resolved'] }).notNull(),
    priority: text('priority', { enum: ['low', 'normal', 'high', 'urgent'] })
      .notNull()
      .default('normal'),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'`),
    /** The sequence number of the newest message; the next message takes lastSeq + 1. */
    lastSeq: integer('last_seq').notNull().default(0),
    /** Queue order: higher first (VIP, urgent), then the longest waiting (queuedAt). */
    queuePriority: integer('queue_priority').notNull().default(0),
    /** When it started waiting for an agent; kept when re-queued, so the wait is not reset. */
    queuedAt: timestampMs('queued_at'),
    lastMessagePreview: text('last_message_preview'),
    /** The customer's own last words, for the list: a bot's or agent's reply does not replace them. */
    lastCustomerMessagePreview: text('last_customer_message_preview'),
    context: jsonb('context').$type<Record<string, unknown>>().notNull().default({}),
    preChat: jsonb('pre_chat').$type<Record<string, string>>().notNull().default({}),
    csatRating: smallint('csat_rating'),
    csatComment: text('csat_comment'),
    disposition: text('disposition'),
    summary: text('summary'),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
    firstResponseAt: timestampMs('first_response_at'),
    lastCustomerMessageAt: timestampMs('last_customer_message_at'),
    lastMessageAt: timestampMs('last_message_at'),
    resolvedAt: timestampMs('resolved_at'),
  },
  (table) => [
    uniqueIndex('conversations_number_unique').on(table.number),
    index('conversations_workspace_state_idx').on(table.workspaceId, table.state, table.createdAt),
    index('conversations_customer_idx').on(table.customerId, table.createdAt),
    index('conversations_assignee_idx').on(table.assigneeId, table.state),
    index('conversations_queue_idx')
      .on(table.workspaceId, table.queuePriority, table.queuedAt)
      .where(sql`state = 'queued' and assignee_id is null`),
  ],
);

export const messages = pgTable(
  'messages',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    kind: text('kind', { enum: ['in', 'out', 'note', 'event'] }).notNull(),
    text: text('text').notNull().default(''),
    attachments: jsonb('attachments')
      .$type<{ id: string; name: string; contentType: string; size: number; url: string }[]>()
      .notNull()
      .default([]),
    senderType: text('sender_type', { enum: ['customer', 'agent', 'bot', 'system'] }).notNull(),
    senderId: text('sender_id'),
    senderName: text('sender_name'),
    clientMessageId: text('client_message_id'),
    /** Channel-specific dedupe key (widget client id, WeChat MsgId, Message-ID…): a retry stores nothing new. */
    idempotencyKey: text('idempotency_key'),
    delivery: text('delivery', { enum: ['sent', 'delivered', 'read', 'failed'] })
      .notNull()
      .default('sent'),
    failureReason: text('failure_reason'),
    event: jsonb('event').$type<Record<string, unknown>>(),
    /** Structured content of a bot message (buttons, choices, a vote). */
    payload: jsonb('payload').$type<MessagePayload>(),
    /** What the sender chose for this message's delivery on its channel (email: who gets a copy); the connector reads it. */
    deliveryOptions: jsonb('delivery_options').$type<DeliveryOptions>(),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('messages_conversation_seq_unique').on(table.conversationId, table.seq),
    uniqueIndex('messages_idempotency_unique')
      .on(table.workspaceId, table.idempotencyKey)
      .where(sql`${table.idempotencyKey} is not null`),
  ],
);
