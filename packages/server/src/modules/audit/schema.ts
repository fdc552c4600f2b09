import { index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId } from '../../platform/db/columns.js';
import { workspaceIdColumn } from '../workspaces/schema.js';

/** Who did what to which thing, with the state before and after. Append-only. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    actorUserId: uuid('actor_user_id'),
    actorTokenId: uuid('actor_token_id'),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    ip: text('ip'),
    createdAt: createdAt(),
  },
  (table) => [index('audit_log_workspace_idx').on(table.workspaceId, table.createdAt)],
);
