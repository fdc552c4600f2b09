import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import type { RoutingConditions as RoutingConditionsSchema } from '@huiliu/contracts';
import type { z } from 'zod';
import { teams } from '../teams/schema.js';
import { createdAt, timestampMs } from '../../platform/db/columns.js';
import { userIdColumn } from '../users/schema.js';
import { workspaceIdColumn } from '../workspaces/schema.js';

/** Each agent's presence in a workspace: the row routers lock to keep capacity exact. */
export const agentStates = pgTable(
  'agent_states',
  {
    workspaceId: workspaceIdColumn(),
    userId: userIdColumn(),
    status: text('status', { enum: ['online', 'busy', 'away', 'offline'] })
      .notNull()
      .default('offline'),
    statusSince: timestampMs('status_since').notNull().defaultNow(),
    /** The status the agent last chose themselves (not a disconnect's offline): restored at login when the workspace says so. */
    chosenStatus: text('chosen_status', { enum: ['online', 'busy', 'away', 'offline'] }),
    lastAssignedAt: timestampMs('last_assigned_at'),
    /** Last seen with a console socket on some node (refreshed while connected): presence lapses when it goes stale. */
    lastConnectedAt: timestampMs('last_connected_at'),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.userId] })],
);

/** Per-agent capacity overrides, by channel kind (the workspace sets the defaults). */
export const agentCapacities = pgTable(
  'agent_capacities',
  {
    workspaceId: workspaceIdColumn(),
    userId: userIdColumn(),
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
    workspaceId: workspaceIdColumn(),
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

/** Ordered rules: the first whose conditions all hold picks the team and priority of a new conversation. */
export const routingRules = pgTable(
  'routing_rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: workspaceIdColumn(),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    conditions: jsonb('conditions').$type<RoutingConditions>().notNull().default({}),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'cascade' }),
    priority: text('priority', { enum: ['low', 'normal', 'high', 'urgent'] }),
    createdAt: createdAt(),
  },
  (table) => [index('routing_rules_workspace_idx').on(table.workspaceId, table.position)],
);

/** Every listed condition must hold; within a list, any value matches. */
export type RoutingConditions = z.infer<typeof RoutingConditionsSchema>;
