import { bigserial, index, integer, jsonb, pgTable, real, text, uuid, boolean } from 'drizzle-orm/pg-core';
import type { BotSettings } from '@huiliu/contracts';
import { createdAt, timestampMs } from '../../platform/db/columns.js';
import { conversations } from '../conversations/schema.js';
import { inboxes } from '../inboxes/schema.js';
import { workspaceIdColumn } from '../workspaces/schema.js';

/** Per-inbox bot configuration (the contract's BotSettings, defaults filled in on read). */
export const botSettings = pgTable('bot_settings', {
  inboxId: uuid('inbox_id')
    .primaryKey()
    .references(() => inboxes.id, { onDelete: 'cascade' }),
  workspaceId: workspaceIdColumn(),
  settings: jsonb('settings').$type<Partial<BotSettings>>().notNull().default({}),
  updatedAt: timestampMs('updated_at').notNull().defaultNow(),
});

/** The bot's memory of one conversation: consecutive failures, the detected intent, the hand-off. */
export const botSessions = pgTable(
  'bot_sessions',
  {
    conversationId: uuid('conversation_id')
      .primaryKey()
      .references(() => conversations.id, { onDelete: 'cascade' }),
    workspaceId: workspaceIdColumn(),
    inboxId: uuid('inbox_id').notNull(),
    failures: integer('failures').notNull().default(0),
    /** The last question the bot answered or offered choices for (for 👎 → learning loop). */
    lastQuery: text('last_query'),
    intent: jsonb('intent').$type<{ faqId: string; categoryId: string | null; category: string | null } | null>(),
    handoffReason: text('handoff_reason'),
    handedOffAt: timestampMs('handed_off_at'),
    createdAt: createdAt(),
  },
  (table) => [index('bot_sessions_workspace_idx').on(table.workspaceId, table.createdAt)],
);

/** What the bot did, one row per turn: the source of the bot metrics. */
export const botEvents = pgTable(
  'bot_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: workspaceIdColumn(),
    conversationId: uuid('conversation_id').notNull(),
    type: text('type', { enum: ['answer', 'clarify', 'handoff', 'vote', 'keyword', 'menu', 'small_talk'] }).notNull(),
    faqId: uuid('faq_id'),
    reason: text('reason'),
    helpful: boolean('helpful'),
    confidence: real('confidence'),
    query: text('query'),
    createdAt: createdAt(),
  },
  (table) => [index('bot_events_workspace_idx').on(table.workspaceId, table.createdAt)],
);
