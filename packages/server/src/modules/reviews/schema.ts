import type { Attachment, ReviewConditions } from '@huiliu/contracts';
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId, timestampMs } from '../../platform/db/columns.js';
import { conversations, type DeliveryOptions } from '../conversations/schema.js';
import { teams } from '../teams/schema.js';
import { tickets } from '../tickets/schema.js';
import { users } from '../users/schema.js';
import { workspaceIdColumn } from '../workspaces/schema.js';

/** Review policies: ordered, the first enabled one whose conditions a public reply meets holds it. */
export const reviewPolicies = pgTable(
  'review_policies',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    position: integer('position').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    conditions: jsonb('conditions').$type<ReviewConditions>().notNull().default({}),
    reviewerTeamId: uuid('reviewer_team_id').references(() => teams.id, { onDelete: 'restrict' }),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('review_policies_workspace_name_unique').on(table.workspaceId, table.name),
    index('review_policies_workspace_position_idx').on(table.workspaceId, table.position),
  ],
);

/**
 * A public reply a policy held. It is no channel message (so no widget history, no outbox row,
 * no first response) until it is approved; the approval writes the message and flips the status
 * in one transaction, guarded by `status = 'pending'`, so it goes out exactly once.
 */
export const replyReviews = pgTable(
  'reply_reviews',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    status: text('status', { enum: ['pending', 'approved', 'rejected'] })
      .notNull()
      .default('pending'),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    authorName: text('author_name'),
    originalText: text('original_text').notNull(),
    /** The reviewer's edit; null: the original goes out. */
    editedText: text('edited_text'),
    attachments: jsonb('attachments').$type<Attachment[]>().notNull().default([]),
    deliveryOptions: jsonb('delivery_options').$type<DeliveryOptions>(),
    /** A ticket reply's status change, applied when it goes out. */
    ticketStatus: text('ticket_status'),
    /** The author's idempotency key: a retried send finds the review it created. */
    clientMessageId: text('client_message_id'),
    policyId: uuid('policy_id').references(() => reviewPolicies.id, { onDelete: 'set null' }),
    policyName: text('policy_name').notNull(),
    reviewerTeamId: uuid('reviewer_team_id').references(() => teams.id, { onDelete: 'set null' }),
    reason: jsonb('reason').$type<Record<string, unknown>>().notNull().default({}),
    decidedById: uuid('decided_by_id').references(() => users.id, { onDelete: 'set null' }),
    decidedByName: text('decided_by_name'),
    decidedAt: timestampMs('decided_at'),
    rejectionReason: text('rejection_reason'),
    messageId: uuid('message_id'),
    createdAt: createdAt(),
  },
  (table) => [
    index('reply_reviews_queue_idx').on(table.workspaceId, table.status, table.createdAt),
    index('reply_reviews_conversation_idx').on(table.conversationId),
    uniqueIndex('reply_reviews_client_message_unique')
      .on(table.workspaceId, table.authorId, table.clientMessageId)
      .where(sql`client_message_id is not null`),
  ],
);
