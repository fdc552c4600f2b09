import { jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId, timestampMs } from '../../platform/db/columns.js';

export const workspaces = pgTable(
  'workspaces',
  {
    id: primaryId(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    timezone: text('timezone').notNull().default('Asia/Shanghai'),
    locale: text('locale', { enum: ['zh-CN', 'en'] })
      .notNull()
      .default('zh-CN'),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: timestampMs('updated_at'),
  },
  (table) => [uniqueIndex('workspaces_slug_unique').on(table.slug)],
);

/** The owning workspace of a row; deleting the workspace deletes the row. */
export const workspaceIdColumn = () =>
  uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' });
