import { index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { conversations, messages } from '../../modules/conversations/schema.js';
import { customers } from '../../modules/customers/schema.js';
import { inboxes } from '../../modules/inboxes/schema.js';
import { createdAt, primaryId, timestampMs } from '../../platform/db/columns.js';
import { workspaceIdColumn } from '../../modules/workspaces/schema.js';

/** A browser's visitor token (stored hashed) and what we know of where it came from. */
export const widgetVisitors = pgTable(
  'widget_visitors',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    inboxId: uuid('inbox_id')
      .notNull()
      .references(() => inboxes.id, { onDelete: 'cascade' }),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    /** Public visitor id (also the customer's `visitor` identity). */
    visitorId: text('visitor_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    context: jsonb('context').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    lastSeenAt: timestampMs('last_seen_at').notNull().defaultNow(),
  },
  (table) => [uniqueIndex('widget_visitors_token_unique').on(table.tokenHash), index('widget_visitors_customer_idx').on(table.customerId)],
);

/**
 * Agents' replies to a left message that went to the customer by email (they were not on the
 * widget): one row per message, so a redelivery from the outbox sends nothing twice. `toAddress`
 * is what the customer typed on the form for this conversation's replies, not a verified identity.
 */
export const widgetEmailReplies = pgTable(
  'widget_email_replies',
  {
    messageId: uuid('message_id')
      .primaryKey()
      .references(() => messages.id, { onDelete: 'cascade' }),
    workspaceId: workspaceIdColumn(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    toAddress: text('to_address').notNull(),
    /** How it went out: `mailer` (the server's SMTP_URL). */
    via: text('via').notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('widget_email_replies_conversation_idx').on(table.conversationId, table.createdAt)],
);
