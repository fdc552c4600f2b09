import type { MacroAction, TicketFilter, TicketSort } from '@huiliu/contracts';
import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId, timestampMs } from '../../../platform/db/columns.js';
import { users } from '../../users/schema.js';
import { workspaceIdColumn } from '../../workspaces/schema.js';
import { tickets } from '../schema.js';

/** A saved ticket filter: shared (owner null) or one agent's own. */
export const ticketViews = pgTable(
  'ticket_views',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    name: text('name').notNull(),
    /** Null: shared with the workspace. */
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    filter: jsonb('filter').$type<TicketFilter>().notNull(),
    sort: text('sort').$type<TicketSort>().notNull().default('newest'),
    position: integer('position').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (table) => [index('ticket_views_workspace_idx').on(table.workspaceId, table.ownerId)],
);

/** Several actions and reply templates in one click; shared (owner null) or personal. */
export const ticketMacros = pgTable(
  'ticket_macros',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'cascade' }),
    actions: jsonb('actions').$type<MacroAction[]>().notNull(),
    archived: boolean('archived').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (table) => [index('ticket_macros_workspace_idx').on(table.workspaceId, table.ownerId)],
);

/**
 * A bulk action over up to 500 tickets. The actions are resolved when it is requested (a macro
 * edited later does not change a running job); each ticket's outcome is its item row, written in
 * the same transaction as the ticket's change, so a resumed job never applies a ticket twice.
 */
export const ticketBulkJobs = pgTable(
  'ticket_bulk_jobs',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    requestedById: uuid('requested_by_id').references(() => users.id, { onDelete: 'set null' }),
    /** Who the changes are recorded as, and what a viewer of the requester may see. */
    actor: jsonb('actor').$type<{ type: 'agent'; id: string | null; name: string | null }>().notNull(),
    readAll: boolean('read_all').notNull(),
    macroId: uuid('macro_id').references(() => ticketMacros.id, { onDelete: 'set null' }),
    actions: jsonb('actions').$type<MacroAction[]>().notNull(),
    status: text('status', { enum: ['running', 'done'] })
      .notNull()
      .default('running'),
    total: integer('total').notNull(),
    processed: integer('processed').notNull().default(0),
    changed: integer('changed').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    idempotencyKey: text('idempotency_key'),
    createdAt: createdAt(),
    /** Bumped by every chunk: a running job not touched for a while is resumed by the recurring job. */
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
    finishedAt: timestampMs('finished_at'),
  },
  (table) => [
    uniqueIndex('ticket_bulk_jobs_idempotency_unique')
      .on(table.workspaceId, table.requestedById, table.idempotencyKey)
      .where(sql`${table.idempotencyKey} is not null`),
    index('ticket_bulk_jobs_running_idx')
      .on(table.updatedAt)
      .where(sql`${table.status} = 'running'`),
  ],
);

export const ticketBulkItems = pgTable(
  'ticket_bulk_items',
  {
    jobId: uuid('job_id')
      .notNull()
      .references(() => ticketBulkJobs.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    outcome: text('outcome', { enum: ['pending', 'changed', 'unchanged', 'failed'] })
      .notNull()
      .default('pending'),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
  },
  (table) => [primaryKey({ columns: [table.jobId, table.ticketId] }), index('ticket_bulk_items_job_idx').on(table.jobId, table.position)],
);
