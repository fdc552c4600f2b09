import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, timestampMs } from '../db/columns.js';

/**
 * Events written in the same transaction as the change they describe, then handed to
 * subscribers (routing, bot, webhooks, outbound delivery) by the relay: nothing is lost if a
 * process dies after committing, and subscribers are idempotent because delivery is at-least-once.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: uuid('workspace_id').notNull(),
    topic: text('topic').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: createdAt(),
    availableAt: timestampMs('available_at').notNull().defaultNow(),
    processedAt: timestampMs('processed_at'),
  },
  (table) => [
    index('outbox_pending_idx')
      .on(table.availableAt)
      .where(sql`processed_at is null`),
  ],
);
