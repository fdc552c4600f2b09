import { boolean, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, primaryId } from '../../platform/db/columns.js';
import { teams } from '../teams/schema.js';
import { workspaceIdColumn } from '../workspaces/schema.js';

/** A configured channel instance, e.g. the website widget or support@acme.com. */
export const inboxes = pgTable(
  'inboxes',
  {
    id: primaryId(),
    workspaceId: workspaceIdColumn(),
    kind: text('kind', { enum: ['widget', 'email', 'sms', 'wechat', 'wecom', 'api', 'voice'] }).notNull(),
    name: text('name').notNull(),
    /** Public identifier (the widget's data-inbox-key, a webhook path segment). */
    publicKey: text('public_key').notNull(),
    /** Shared secret with the channel's other side (widget identity HMAC, webhook signatures). */
    secret: text('secret').notNull(),
    defaultTeamId: uuid('default_team_id').references(() => teams.id, { onDelete: 'set null' }),
    enabled: boolean('enabled').notNull().default(true),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex('inboxes_public_key_unique').on(table.publicKey)],
);
