import { boolean, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, primaryId } from '../../platform/db/columns.js';
import { workspaceIdColumn } from '../workspaces/schema.js';

/** Disposition codes (处理结果) agents choose from when they resolve a conversation. */
export const dispositionCodes = pgTable(
  'disposition_codes',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    code: text('code').notNull(),
    label: text('label').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('disposition_codes_workspace_code_unique').on(table.workspaceId, table.code)],
);
