import type { CallbackSettings } from '@huiliu/contracts';
import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId, timestampMs } from '../../platform/db/columns.js';
import { conversations } from '../conversations/schema.js';
import { customers } from '../customers/schema.js';
import { teams } from '../teams/schema.js';
import { tickets } from '../tickets/schema.js';
import { users } from '../users/schema.js';
import { workspaceIdColumn, workspaces } from '../workspaces/schema.js';

const CHANNELS = ['phone', 'sms', 'email', 'wechat'] as const;

/** Callback tasks (回访): someone calls (or writes to) a customer back by a due time. */
export const callbackTasks = pgTable(
  'callback_tasks',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    reason: text('reason').notNull(),
    source: text('source', { enum: ['bot_unresolved', 'queue_abandoned', 'csat_negative', 'automation', 'agent'] }).notNull(),
    /** With source, names the trigger (a conversation, a ticket's rating, an automation's change): one trigger, one task. */
    sourceItem: text('source_item').notNull(),
    conversationId: uuid('conversation_id').references(() => conversations.id, { onDelete: 'set null' }),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    status: text('status', { enum: ['open', 'done', 'cancelled'] })
      .notNull()
      .default('open'),
    dueAt: timestampMs('due_at').notNull(),
    attemptCount: integer('attempt_count').notNull().default(0),
    outcomeNote: text('outcome_note').notNull().default(''),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
    closedAt: timestampMs('closed_at'),
  },
  (table) => [
    uniqueIndex('callback_tasks_source_unique').on(table.workspaceId, table.source, table.sourceItem),
    index('callback_tasks_due_idx').on(table.workspaceId, table.status, table.dueAt),
    index('callback_tasks_customer_idx').on(table.customerId),
  ],
);

/** Each try to reach the customer, with how it went. */
export const callbackAttempts = pgTable(
  'callback_attempts',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    taskId: uuid('task_id')
      .notNull()
      .references(() => callbackTasks.id, { onDelete: 'cascade' }),
    outcome: text('outcome', { enum: ['reached', 'not_reached', 'retry_at'] }).notNull(),
    retryAt: timestampMs('retry_at'),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    note: text('note').notNull().default(''),
    byId: uuid('by_id').references(() => users.id, { onDelete: 'set null' }),
    byName: text('by_name'),
    createdAt: createdAt(),
  },
  (table) => [index('callback_attempts_task_idx').on(table.taskId, table.createdAt)],
);

/** Per workspace: which events create tasks and how soon they are due (defaults filled in on read). */
export const callbackSettings = pgTable('callback_settings', {
  workspaceId: uuid('workspace_id')
    .primaryKey()
    .references(() => workspaces.id, { onDelete: 'cascade' }),
  settings: jsonb('settings').$type<Partial<CallbackSettings>>().notNull().default({}),
  updatedAt: timestampMs('updated_at').notNull().defaultNow(),
});
