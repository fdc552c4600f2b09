import { bigint, index, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, primaryId } from '../../platform/db/columns.js';
import { workspaceIdColumn } from '../workspaces/schema.js';

/** Uploaded attachments. The bytes live in the storage backend under `storageKey`. */
export const files = pgTable(
  'files',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    /** Unguessable part of the download URL: possession of the URL is the permission to read. */
    accessKey: text('access_key').notNull(),
    name: text('name').notNull(),
    contentType: text('content_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    storageKey: text('storage_key').notNull(),
    /** Who uploaded it: `customer:<id>` or `user:<id>`; only they may attach it to a message. */
    uploadedBy: text('uploaded_by').notNull(),
    createdAt: createdAt(),
  },
  (table) => [index('files_workspace_idx').on(table.workspaceId)],
);
