import { index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
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
