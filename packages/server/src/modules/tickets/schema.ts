import type { TicketEscalation, TicketFieldValues } from '@huiliu/contracts';
import { sql } from 'drizzle-orm';
import { type AnyPgColumn, customType, index, integer, jsonb, pgTable, smallint, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId, timestampMs } from '../../platform/db/columns.js';
import { conversations, messages } from '../conversations/schema.js';
import { customers } from '../customers/schema.js';
import { teams } from '../teams/schema.js';
import { users } from '../users/schema.js';
import { workspaceIdColumn, workspaces } from '../workspaces/schema.js';
import { ticketForms } from './fields/schema.js';

/**
 * The last ticket number a workspace handed out. One row per workspace, bumped by an upsert in
 * the creating transaction: numbers are distinct under concurrency and have no gaps on rollback.
 */
export const ticketCounters = pgTable('ticket_counters', {
  workspaceId: uuid('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  lastNumber: integer('last_number').notNull(),
});

/** PostgreSQL's full-text document type (drizzle has none built in); only ever read by `@@`. */
const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const tickets = pgTable(
  'tickets',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    number: integer('number').notNull(),
    subject: text('subject').notNull(),
    status: text('status', { enum: ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] })
      .notNull()
      .default('new'),
    priority: text('priority', { enum: ['low', 'normal', 'high', 'urgent'] })
      .notNull()
      .default('normal'),
    type: text('type', { enum: ['question', 'incident', 'problem', 'task'] })
      .notNull()
      .default('question'),
    requesterId: uuid('requester_id')
      .notNull()
      .references(() => customers.id),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
    followerIds: uuid('follower_ids')
      .array()
      .notNull()
      .default(sql`'{}'`),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'`),
    dueAt: timestampMs('due_at'),
    sourceChannel: text('source_channel', { enum: ['widget', 'email', 'sms', 'wechat', 'wecom', 'api', 'voice', 'web_form'] }).notNull(),
    idempotencyKey: text('idempotency_key'),
    followUpOfId: uuid('follow_up_of_id').references((): AnyPgColumn => tickets.id, { onDelete: 'set null' }),
    /** Set on a duplicate merged into another ticket: it is closed and its thread shows on that one. */
    mergedIntoId: uuid('merged_into_id').references((): AnyPgColumn => tickets.id, { onDelete: 'set null' }),
    /** The escalation to tier 2 in force (null once handed back). */
    escalation: jsonb('escalation').$type<TicketEscalation>(),
    formId: uuid('form_id').references(() => ticketForms.id),
    /** Custom field values by field key, as written (old values outlive changes to their definitions). */
    fields: jsonb('fields').$type<TicketFieldValues>().notNull().default({}),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    /** Subject and thread cut into words (jieba for Chinese), for `to_tsvector('simple', …)`. */
    searchText: text('search_text').notNull().default(''),
    /**
     * The words as a stored tsvector. Matching against `to_tsvector(…)` of the text made a
     * newest-first index walk compute it again for every row it looked at (25–30 µs each, at
     * 1M tickets most of a search's time); stored, it is read, and the GIN index is on it.
     */
    searchVector: tsvector('search_vector').generatedAlwaysAs(sql`to_tsvector('simple'::regconfig, search_text)`),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
    solvedAt: timestampMs('solved_at'),
    closedAt: timestampMs('closed_at'),
    /** The requester's rating (1–5) from the solved email's link: set once, never overwritten. */
    csatRating: smallint('csat_rating'),
    csatComment: text('csat_comment'),
    csatRatedAt: timestampMs('csat_rated_at'),
  },
  (table) => [
    uniqueIndex('tickets_workspace_number_unique').on(table.workspaceId, table.number),
    uniqueIndex('tickets_workspace_idempotency_unique')
      .on(table.workspaceId, table.idempotencyKey)
      .where(sql`${table.idempotencyKey} is not null`),
    index('tickets_workspace_created_idx').on(table.workspaceId, table.createdAt, table.id),
    index('tickets_workspace_status_idx').on(table.workspaceId, table.status, table.createdAt),
    index('tickets_requester_idx').on(table.requesterId),
    index('tickets_assignee_idx').on(table.assigneeId),
    // "My tickets, newest first" (and searches within them) walk this in order.
    index('tickets_workspace_assignee_created_idx').on(table.workspaceId, table.assigneeId, table.createdAt, table.id),
    index('tickets_team_idx').on(table.teamId),
    index('tickets_merged_into_idx')
      .on(table.mergedIntoId)
      .where(sql`${table.mergedIntoId} is not null`),
    index('tickets_search_idx').using('gin', table.searchVector),
  ],
);

/** A conversation belongs to at most one ticket; its customer messages join that ticket's thread. */
export const ticketConversations = pgTable(
  'ticket_conversations',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('ticket_conversations_conversation_unique').on(table.conversationId),
    index('ticket_conversations_ticket_idx').on(table.ticketId),
  ],
);

export const ticketComments = pgTable(
  'ticket_comments',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    visibility: text('visibility', { enum: ['public', 'internal'] }).notNull(),
    authorType: text('author_type', { enum: ['agent', 'customer', 'system'] }).notNull(),
    authorId: text('author_id'),
    authorName: text('author_name'),
    text: text('text').notNull(),
    conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'set null' }),
    /** The channel message this comment is: a public reply goes out through it, a customer message came in as it. */
    messageId: uuid('message_id').references(() => messages.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [
    index('ticket_comments_ticket_idx').on(table.ticketId, table.createdAt),
    uniqueIndex('ticket_comments_message_unique')
      .on(table.messageId)
      .where(sql`${table.messageId} is not null`),
  ],
);

export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    actorType: text('actor_type', { enum: ['agent', 'customer', 'system'] }).notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (table) => [
    index('ticket_events_ticket_idx').on(table.ticketId, table.createdAt),
    index('ticket_events_workspace_type_idx').on(table.workspaceId, table.type, table.createdAt),
  ],
);
