import type { CalendarRules } from '@huiliu/contracts';
import { jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, primaryId, timestampMs } from '../../platform/db/columns.js';
import { workspaceIdColumn } from '../workspaces/schema.js';

/** Named business calendars (营业日历), shared by SLA policies, routing business hours and reports. */
export const calendars = pgTable(
  'calendars',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    timezone: text('timezone').notNull(),
    weekly: jsonb('weekly').$type<CalendarRules['weekly']>().notNull(),
    holidays: jsonb('holidays').$type<CalendarRules['holidays']>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (table) => [uniqueIndex('calendars_workspace_name_unique').on(table.workspaceId, table.name)],
);
