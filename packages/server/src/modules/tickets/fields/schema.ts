import type { BilingualLabel, TicketFieldOption } from '@huiliu/contracts';
import { sql } from 'drizzle-orm';
import { boolean, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, primaryId, timestampMs } from '../../../platform/db/columns.js';
import { workspaceIdColumn } from '../../workspaces/schema.js';

/** A custom ticket field an admin defined. Never deleted once used: archived instead, so stored values stay readable. */
export const ticketFields = pgTable(
  'ticket_fields',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    key: text('key').notNull(),
    type: text('type', {
      enum: ['text', 'multiline', 'number', 'decimal', 'date', 'checkbox', 'dropdown', 'multiselect', 'cascader', 'regex'],
    }).notNull(),
    label: jsonb('label').$type<BilingualLabel>().notNull(),
    options: jsonb('options').$type<TicketFieldOption[]>().notNull().default([]),
    pattern: text('pattern'),
    visibleToCustomer: boolean('visible_to_customer').notNull().default(false),
    archivedAt: timestampMs('archived_at'),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (table) => [uniqueIndex('ticket_fields_workspace_key_unique').on(table.workspaceId, table.key)],
);

/** Which fields a kind of ticket asks for, in order, and which of them must be filled. */
export const ticketForms = pgTable('ticket_forms', {
  id: primaryId(),
  workspaceId: workspaceIdColumn(),
  name: text('name').notNull(),
  fields: jsonb('fields')
    .$type<{ fieldId: string; required: boolean }[]>()
    .notNull()
    .default(sql`'[]'::jsonb`),
  archivedAt: timestampMs('archived_at'),
  createdAt: createdAt(),
  updatedAt: timestampMs('updated_at').notNull().defaultNow(),
});
