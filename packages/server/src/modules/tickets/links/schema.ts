import { sql } from 'drizzle-orm';
import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId } from '../../../platform/db/columns.js';
import { users } from '../../users/schema.js';
import { workspaceIdColumn } from '../../workspaces/schema.js';
import { tickets } from '../schema.js';

/**
 * A link between two tickets of one workspace. `related` is stored once with the smaller id
 * first, so A–B and B–A are the same row; `parent_child` runs parent → child and
 * `problem_incident` problem → incident, and a child (an incident) has at most one of each.
 */
export const ticketLinks = pgTable(
  'ticket_links',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    kind: text('kind', { enum: ['related', 'parent_child', 'problem_incident'] }).notNull(),
    fromTicketId: uuid('from_ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    toTicketId: uuid('to_ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('ticket_links_pair_unique').on(table.kind, table.fromTicketId, table.toTicketId),
    uniqueIndex('ticket_links_one_parent_unique')
      .on(table.kind, table.toTicketId)
      .where(sql`${table.kind} <> 'related'`),
    index('ticket_links_from_idx').on(table.fromTicketId),
    index('ticket_links_to_idx').on(table.toTicketId),
  ],
);
