import { bigserial, boolean, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId, timestampMs } from '../../platform/db/columns.js';
import { userIdColumn, users } from '../users/schema.js';
import { workspaceIdColumn } from '../workspaces/schema.js';

/** Opaque session tokens: only the SHA-256 of the token is stored. */
export const sessions = pgTable(
  'sessions',
  {
    id: primaryId(),
    userId: userIdColumn(),
    tokenHash: text('token_hash').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    lastSeenAt: timestampMs('last_seen_at').notNull().defaultNow(),
    revokedAt: timestampMs('revoked_at'),
  },
  (table) => [uniqueIndex('sessions_token_hash_unique').on(table.tokenHash), index('sessions_user_idx').on(table.userId)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    name: text('name').notNull(),
    role: text('role', { enum: ['admin', 'supervisor', 'agent'] }).notNull(),
    /** The first characters of the token, to tell tokens apart in lists. */
    prefix: text('prefix').notNull(),
    tokenHash: text('token_hash').notNull(),
    createdByUserId: uuid('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    lastUsedAt: timestampMs('last_used_at'),
    revokedAt: timestampMs('revoked_at'),
  },
  (table) => [uniqueIndex('api_tokens_hash_unique').on(table.tokenHash), index('api_tokens_workspace_idx').on(table.workspaceId)],
);

/** Failed and successful logins, counted in a sliding window for rate limiting across nodes. */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    email: text('email').notNull(),
    ip: text('ip').notNull(),
    succeeded: boolean('succeeded').notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    index('login_attempts_email_idx').on(table.email, table.createdAt),
    index('login_attempts_ip_idx').on(table.ip, table.createdAt),
  ],
);

/**
 * One counter per throttled key (an account from one source, a source, an account from unknown
 * sources). A single upsert both checks and counts an attempt, so parallel guesses cannot all
 * slip past the check before any of them is counted.
 */
export const loginThrottles = pgTable('login_throttles', {
  key: text('key').primaryKey(),
  /** Attempts let through in the current streak (a success from the key's source ends it). */
  attempts: integer('attempts').notNull(),
  /** While in the future, attempts under this key are refused without checking a password. */
  blockedUntil: timestampMs('blocked_until'),
  /** Whether the latest attempt under this key was let through: how one statement reports its verdict. */
  lastAllowed: boolean('last_allowed').notNull(),
  updatedAt: timestampMs('updated_at').notNull().defaultNow(),
});

export const invites = pgTable(
  'invites',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    email: text('email').notNull(),
    role: text('role', { enum: ['admin', 'supervisor', 'agent'] }).notNull(),
    teamIds: uuid('team_ids').array().notNull().default([]),
    tokenHash: text('token_hash').notNull(),
    invitedByUserId: uuid('invited_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: timestampMs('expires_at').notNull(),
    acceptedAt: timestampMs('accepted_at'),
    revokedAt: timestampMs('revoked_at'),
  },
  (table) => [uniqueIndex('invites_token_hash_unique').on(table.tokenHash), index('invites_workspace_idx').on(table.workspaceId)],
);

export const passwordResets = pgTable(
  'password_resets',
  {
    id: primaryId(),
    userId: userIdColumn(),
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    expiresAt: timestampMs('expires_at').notNull(),
    usedAt: timestampMs('used_at'),
  },
  (table) => [uniqueIndex('password_resets_token_hash_unique').on(table.tokenHash)],
);
