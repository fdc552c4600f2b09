import { bigserial, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, timestampMs } from '../../platform/db/columns.js';
import { users } from '../users/schema.js';
import { workspaces } from '../workspaces/schema.js';

/** Each agent's presence in a workspace: the row routers lock to keep capacity exact. */
export const agentStates = pgTable(
  'agent_states',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['online', 'busy', 'away', 'offline'] })
      .notNull()
      .default('offline'),
    statusSince: timestampMs('status_since').notNull().defaultNow(),
    lastAssignedAt: timestampMs('last_assigned_at'),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.userId] })],
);

/** Per-agent capacity overrides, by channel kind (the workspace sets the defaults). */
export const agentCapacities = pgTable(
  'agent_capacities',
  {
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    channel: text('channel', { enum: ['widget', 'email', 'sms', 'wechat', 'wecom', 'api', 'voice'] }).notNull(),
    capacity: integer('capacity').notNull(),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.userId, table.channel] })],
);

/** What routing did and when: the wallboard and reports are computed from these. */
export const routingEvents = pgTable(
  'routing_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    workspaceId: uuid('workspace_id')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    conversationId: uuid('conversation_id'),
    userId: uuid('user_id'),
    teamId: uuid('team_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (table) => [
    index('routing_events_workspace_idx').on(table.workspaceId, table.createdAt),
    index('routing_events_conversation_idx').on(table.conversationId),
  ],
);
