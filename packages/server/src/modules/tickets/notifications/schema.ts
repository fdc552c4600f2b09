import type { NotificationTexts, TicketNotificationEvent } from '@huiliu/contracts';
import { boolean, index, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId, timestampMs } from '../../../platform/db/columns.js';
import { users } from '../../users/schema.js';
import { workspaceIdColumn } from '../../workspaces/schema.js';
import { tickets } from '../schema.js';

/**
 * An admin's version of one requester email. No row: the shipped defaults (in the contracts)
 * are sent, so improving a default reaches every workspace that never changed it.
 */
export const ticketNotificationTemplates = pgTable(
  'ticket_notification_templates',
  {
    workspaceId: workspaceIdColumn(),
    event: text('event').$type<TicketNotificationEvent>().notNull(),
    enabled: boolean('enabled').notNull(),
    templates: jsonb('templates').$type<NotificationTexts>().notNull(),
    updatedById: uuid('updated_by_id').references(() => users.id, { onDelete: 'set null' }),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.event] })],
);

/**
 * One row per requester email sent (or being sent). The key names the occurrence (the ticket
 * event it answers), and the row is claimed before sending: an outbox event delivered twice
 * finds it and sends nothing. A failed send lets go of it, so the outbox's retry sends again.
 */
export const ticketNotificationDeliveries = pgTable(
  'ticket_notification_deliveries',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    event: text('event').$type<TicketNotificationEvent>().notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    toAddress: text('to_address').notNull(),
    locale: text('locale').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('ticket_notification_deliveries_key_unique').on(table.workspaceId, table.dedupeKey),
    index('ticket_notification_deliveries_ticket_idx').on(table.ticketId),
  ],
);
