import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId, timestampMs } from '../../platform/db/columns.js';
import { teams } from '../teams/schema.js';
import { workspaceIdColumn } from '../workspaces/schema.js';

/** Canned responses (快捷回复): per workspace, found by shortcut, optionally for one team only. */
export const cannedResponses = pgTable(
  'canned_responses',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    /** Lower-cased; unique in the workspace. */
    shortcut: text('shortcut').notNull(),
    title: text('title').notNull(),
    text: text('text').notNull(),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'cascade' }),
    createdBy: uuid('created_by'),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at').notNull().defaultNow(),
  },
  (table) => [
    uniqueIndex('canned_responses_workspace_shortcut_unique').on(table.workspaceId, table.shortcut),
    index('canned_responses_workspace_idx').on(table.workspaceId, table.createdAt),
  ],
);
