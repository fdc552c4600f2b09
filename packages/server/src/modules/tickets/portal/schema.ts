import { index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId, timestampMs } from '../../../platform/db/columns.js';
import { customers } from '../../customers/schema.js';
import { workspaceIdColumn } from '../../workspaces/schema.js';

/**
 * One-time sign-in links of the customer portal. Only the SHA-256 of the token is kept, so a
 * database leak signs nobody in. A link names either an email address (mailed to it) or a
 * customer (handed to a widget visitor with a verified identity). Every request for a link
 * leaves a row — also for an address the workspace does not know — so the per-address limit
 * and the work done are the same whoever asks.
 */
export const portalLoginTokens = pgTable(
  'portal_login_tokens',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    tokenHash: text('token_hash').notNull(),
    /** Lower-cased address the link was mailed to (null for a widget link). */
    email: text('email'),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'cascade' }),
    ip: text('ip'),
    expiresAt: timestampMs('expires_at').notNull(),
    usedAt: timestampMs('used_at'),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex('portal_login_tokens_hash_unique').on(table.tokenHash),
    index('portal_login_tokens_email_idx').on(table.workspaceId, table.email, table.createdAt),
  ],
);

/**
 * A signed-in portal customer: separate from agent sessions (own table, own cookie scoped to
 * the help center's portal path), so a portal cookie never reaches the agent API and back.
 */
export const portalSessions = pgTable(
  'portal_sessions',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    tokenHash: text('token_hash').notNull(),
    email: text('email'),
    customerId: uuid('customer_id').references(() => customers.id, { onDelete: 'cascade' }),
    expiresAt: timestampMs('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('portal_sessions_hash_unique').on(table.tokenHash)],
);
